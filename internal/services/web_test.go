package services

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// site serves the services pages over HTTP as the app does, with the
// signed-in person named by the X-Actor header (sign-in is identity's).
type site struct {
	t      *testing.T
	srv    *httptest.Server
	actors map[string]context.Context
}

func newSite(t *testing.T, e *env, actors map[string]context.Context) *site {
	t.Helper()
	cat := i18n.New()
	for _, l := range []fs.FS{web.Locales, Locales} {
		if err := cat.Load(l, "locales"); err != nil {
			t.Fatal(err)
		}
	}
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	ws := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: cat}
	if ws.Render, err = web.NewRenderer(cat, assets, Templates); err != nil {
		t.Fatal(err)
	}
	rt := web.NewRouter(ws)
	Routes(rt, ws.Render, e.svc, cat)
	s := &site{t: t, actors: actors}
	signIn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ctx, ok := s.actors[r.Header.Get("X-Actor")]; ok {
				r = r.WithContext(auth.With(r.Context(), auth.From(ctx)))
			}
			next.ServeHTTP(w, r)
		})
	}
	s.srv = httptest.NewServer(web.Chain(rt.Mux(), web.RequestIDs, ws.Recover, ws.Languages, ws.LimitBody(1<<20), signIn))
	t.Cleanup(s.srv.Close)
	return s
}

// do sends a request as who in lang and returns the status and body; it
// does not follow redirects.
func (s *site) do(who, lang string, req *http.Request) (int, string) {
	s.t.Helper()
	req.Header.Set("X-Actor", who)
	req.Header.Set("Accept-Language", lang)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (s *site) get(who, lang, path string) string {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	status, body := s.do(who, lang, req)
	if status != http.StatusOK {
		s.t.Fatalf("GET %s as %s: %d", path, who, status)
	}
	return body
}

// contains fails the test for each of wants the page lacks.
func contains(t *testing.T, page, name string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", name, w)
		}
	}
}

// TestSuspensionPages: the official and the applicant see the term
// suspended with the deadline the document would give if it came today,
// then the suspension's dates and the new deadline, in Russian and
// English; the catalogue says which services suspend; the editor sets it.
func TestSuspensionPages(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.suspending(true)
		res, op := resident("res-a", "Заявитель res-a", muniA), official("op-a", auth.RoleOperator, muniA, depA.ID)
		s := newSite(t, e, map[string]context.Context{"res-a": res, "op-a": op, "admin": admin(muniA)})
		app := e.submitted("res-a")
		page := s.get("op-a", "ru", "/services/applications/"+app.ID)
		contains(t, page, "the official's page before the request", "Регламент услуги предусматривает приостановление",
			"5 раб. дн., приостанавливается на время представления документов")

		e.now = at(t, "2026-12-30 12:00")
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема в масштабе 1:500"}))
		// 20 January, past the first deadline (14 Jan): 30 Dec and 11–15,
		// 18–19 Jan are stopped, so a document today gives 26 January.
		e.now = at(t, "2027-01-20 12:00")
		for _, who := range []string{"op-a", "res-a"} {
			page = s.get(who, "ru", "/services/applications/"+app.ID)
			contains(t, page, who+"'s page while suspended", `id="term-suspended"`, "Приостановление срока",
				"Срок приостановлен с 30.12.2026 12:00 до представления документа.",
				"Если документ поступит сегодня, новый срок — 26.01.2027.", "Запрошено: Нужна схема в масштабе 1:500",
				"срок продлится на время приостановления")
			if strings.Contains(page, "срок нарушен") {
				t.Errorf("%s's page shows the suspended application late", who)
			}
		}
		contains(t, s.get("res-a", "ru", "/services/mine"), "my applications", "срок приостановлен до представления документа")
		contains(t, s.get("res-a", "en", "/services/applications/"+app.ID), "the English page while suspended",
			"Term suspended since 30.12.2026 12:00 until the document is supplied.",
			"If the document arrives today, the new deadline is 26.01.2027.")

		// The applicant uploads the plan through the page.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("plan", "plan-1-500.pdf")
		fw.Write(pdfBytes)
		mw.WriteField("note", "Прилагаю")
		mw.Close()
		req, _ := http.NewRequest("POST", s.srv.URL+"/services/applications/"+app.ID+"/provide", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if status, b := s.do("res-a", "ru", req); status != http.StatusSeeOther {
			t.Fatalf("provide: %d %s", status, b)
		}
		for _, who := range []string{"op-a", "res-a"} {
			page = s.get(who, "ru", "/services/applications/"+app.ID)
			contains(t, page, who+"'s page after the answer",
				"Срок приостановлен с 30.12.2026 12:00 по 20.01.2027 12:00; новый срок — 26.01.2027.", "продлён на 8 раб. дн.",
				`<dd id="app-due">26.01.2027 <span`)
			if strings.Contains(page, `id="term-suspended"`) {
				t.Errorf("%s's page still shows the term suspended", who)
			}
		}
		contains(t, s.get("op-a", "en", "/services/applications/"+app.ID), "the English page after the answer",
			"Term suspended from 30.12.2026 12:00 to 20.01.2027 12:00; new deadline 26.01.2027.", "extended by 8 working days")

		contains(t, s.get("res-a", "ru", "/m/a/services/earthworks"), "the catalogue entry",
			"Срок приостанавливается, пока заявитель представляет недостающие документы.")
		contains(t, s.get("admin", "ru", "/admin/m/a/services/earthworks"), "the editor",
			`name="term_suspends" checked`, "Срок приостанавливается, пока заявитель представляет документы")
		en := must[Entry](t)(e.svc.Entry(admin(muniA), muniA.ID, "earthworks"))
		form := url.Values{"name_ru": {en.NameRU}, "legal_basis": {en.LegalBasis}, "department_id": {en.DepartmentID}, "term_days": {"5"}, "fee": {"0"},
			"term_working": {"on"}, "active": {"on"}, "form": {mustJSON(en.Form)}, "reasons": {mustJSON(en.Reasons)}}
		req, _ = http.NewRequest("POST", s.srv.URL+"/admin/m/a/services/earthworks", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if status, b := s.do("admin", "ru", req); status != http.StatusSeeOther {
			t.Fatalf("editor: %d %s", status, b)
		}
		if got := must[Entry](t)(e.svc.Entry(admin(muniA), muniA.ID, "earthworks")); got.Term.Suspends {
			t.Error("unticking the box kept the term suspending")
		}
		page = s.get("op-a", "ru", "/services/applications/"+app.ID)
		contains(t, page, "a submitted application keeps its term", "Регламент услуги предусматривает приостановление")
	})
}

// TestQueueOrderWithSuspension: the queue lists running deadlines first,
// nearest first, and the applications waiting with their term suspended
// after them.
func TestQueueOrderWithSuspension(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.suspending(true)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		first := e.submitted("r1")
		e.now = at(t, "2026-12-30 10:00")
		second := e.submitted("r2")
		must[Application](t)(e.svc.Act(op, first.ID, Decision{Action: ActRequest, Note: "Нужна схема"}))
		q := must[[]Application](t)(e.svc.Queue(op))
		if len(q) != 2 || q[0].ID != second.ID || q[1].ID != first.ID || !q[1].RunningDue().IsZero() {
			t.Errorf("queue %v, %v", q[0].Number, q[1].Number)
		}
	})
}
