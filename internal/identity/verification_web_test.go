package identity

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// verificationSite serves the voter-roll pages; X-Test-User picks the
// signed-in account by id.
func verificationSite(t *testing.T, e *env) http.Handler {
	t.Helper()
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	ws := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: e.cat}
	if ws.Render, err = web.NewRenderer(e.cat, assets, Templates, VerificationTemplates); err != nil {
		t.Fatal(err)
	}
	rt := web.NewRouter(ws)
	VerificationRoutes(rt, ws.Render, e.svc)
	as := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id := r.Header.Get("X-Test-User"); id != "" {
				r = r.WithContext(auth.With(r.Context(), auth.From(e.as(t, id))))
			}
			next.ServeHTTP(w, r)
		})
	}
	return web.Chain(rt.Mux(), ws.Languages, as)
}

func serve(t *testing.T, h http.Handler, user, lang, method, path, ctype string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-Test-User", user)
	req.AddCookie(&http.Cookie{Name: web.LangCookie, Value: lang})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if strings.Contains(w.Header().Get("Content-Type"), "html") {
		if i := strings.Index(w.Body.String(), "identity."); i >= 0 {
			t.Fatalf("%s %s (%s): untranslated key near %.60s", method, path, lang, w.Body.String()[i:])
		}
	}
	return w
}

func TestVerificationPages(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		h := verificationSite(t, e)
		res := e.register(t, "anna@example.ru", "a")
		op := e.official(t, "op@example.ru", "operator", "a")
		adm := e.official(t, "adm@example.ru", "municipal_admin", "a")
		form := "application/x-www-form-urlencoded"

		for _, lang := range []string{"ru", "en"} {
			if w := serve(t, h, res.ID, lang, "GET", "/profile/residence", "", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `name="birth_date"`) {
				t.Fatalf("residence page: %d", w.Code)
			}
			if w := serve(t, h, op.ID, lang, "GET", "/admin/m/luga/verification", "", nil); w.Code != 200 {
				t.Fatalf("desk: %d %s", w.Code, w.Body.String())
			}
		}
		if w := serve(t, h, "", "ru", "GET", "/profile/residence", "", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("anonymous: %d", w.Code)
		}
		if w := serve(t, h, res.ID, "ru", "GET", "/admin/m/luga/verification", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("a resident at the desk: %d", w.Code)
		}
		if w := serve(t, h, op.ID, "ru", "GET", "/admin/m/kirishi/verification", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("another municipality's desk: %d", w.Code)
		}

		bad := url.Values{"email": {"nobody@example.ru"}, "node_id": {"a1"}, "birth_date": {"1990-01-01"}, "document": {"паспорт"}}
		if w := serve(t, h, op.ID, "ru", "POST", "/admin/m/luga/verification", form, strings.NewReader(bad.Encode())); w.Code != 400 ||
			!strings.Contains(w.Body.String(), `id="email-error"`) {
			t.Fatalf("unknown e-mail: %d", w.Code)
		}
		good := url.Values{"email": {"anna@example.ru"}, "node_id": {"a1"}, "birth_date": {"1990-01-01"}, "document": {"паспорт"}}
		if w := serve(t, h, op.ID, "ru", "POST", "/admin/m/luga/verification", form, strings.NewReader(good.Encode())); w.Code != http.StatusSeeOther {
			t.Fatalf("verify: %d %s", w.Code, w.Body.String())
		}
		if w := serve(t, h, res.ID, "ru", "GET", "/profile/residence", "", nil); !strings.Contains(w.Body.String(), "Северный микрорайон") {
			t.Fatalf("the resident sees the verified place: %s", w.Body.String())
		}

		// A census upload verifies a waiting claim.
		other := e.register(t, "olga@example.ru", "a")
		claim := url.Values{"birth_date": {"1975-05-05"}, "address": {"Луга, Ленина 1"}}
		if w := serve(t, h, other.ID, "ru", "POST", "/profile/residence", form, strings.NewReader(claim.Encode())); w.Code != http.StatusSeeOther ||
			!strings.Contains(w.Header().Get("Location"), "claimed=1") {
			t.Fatalf("claim: %d %s", w.Code, w.Header().Get("Location"))
		}
		upload := func(user, csv string) *httptest.ResponseRecorder {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("census", "census.csv")
			fw.Write([]byte(csv))
			mw.Close()
			return serve(t, h, user, "ru", "POST", "/admin/m/luga/verification/census", mw.FormDataContentType(), &b)
		}
		if w := upload(op.ID, "name,birth_date,address\nАнна Петрова,1975-05-05,\"Луга, Ленина 1\"\n"); w.Code != http.StatusForbidden {
			t.Fatalf("an operator importing the census: %d", w.Code)
		}
		if w := upload(adm.ID, "name,birth_date,address\nАнна Петрова,05.05.1975,Луга\n"); w.Code != 400 || !strings.Contains(w.Body.String(), "line 2") {
			t.Fatalf("a bad line: %d %s", w.Code, w.Body.String())
		}
		if w := upload(adm.ID, "name,birth_date,address\nАнна Петрова,1975-05-05,\"Луга, Ленина 1\"\n"); w.Code != 200 ||
			!strings.Contains(w.Body.String(), "подтверждено жителей: 1") {
			t.Fatalf("import: %d %s", w.Code, w.Body.String())
		}
	})
}
