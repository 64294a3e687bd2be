package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

type payload struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// testServer echoes the decoded payload and counts successful writes, so
// each bad-input case can prove nothing was accepted.
func testServer(t *testing.T, maxBody int64) (http.Handler, *int) {
	t.Helper()
	cat := i18n.New()
	if err := cat.Load(web.Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	s := &web.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Catalog: cat}
	rt := web.NewRouter(s)
	writes := 0
	rt.Handle("POST /api/v1/things", func(w http.ResponseWriter, r *http.Request) error {
		var p payload
		if err := web.DecodeJSON(r, &p); err != nil {
			return err
		}
		writes++
		return web.JSON(w, http.StatusCreated, p)
	})
	rt.Handle("GET /api/v1/things", func(w http.ResponseWriter, r *http.Request) error {
		pg, err := web.ParsePage(r, 20, 100)
		if err != nil {
			return err
		}
		return web.JSON(w, http.StatusOK, web.List[string]{Items: pg.After, NextCursor: web.EncodeCursor("b", "2")})
	})
	h := web.Chain(rt.Mux(), web.RequestIDs, s.Recover, s.Languages, s.LimitBody(maxBody), s.CrossOrigin)
	return h, &writes
}

func TestBadJSONGetsProblems(t *testing.T) {
	h, writes := testServer(t, 256)
	cases := []struct {
		name, body, ctype string
		status            int
		typ               string
		field             string
	}{
		{"valid", `{"name":"Луга","count":2}`, "application/json", 201, "", ""},
		{"malformed", `{"name":`, "application/json", 400, "/problems/invalid-json", ""},
		{"not an object", `nonsense`, "application/json", 400, "/problems/invalid-json", ""},
		{"empty", ``, "application/json", 400, "/problems/invalid-json", ""},
		{"trailing", `{"name":"a"} {"name":"b"}`, "application/json", 400, "/problems/invalid-json", ""},
		{"unknown field", `{"name":"a","admin":true}`, "application/json", 400, "/problems/unknown-field", "admin"},
		{"wrong type", `{"name":"a","count":"many"}`, "application/json", 400, "/problems/wrong-type", "count"},
		{"oversized", `{"name":"` + strings.Repeat("x", 400) + `"}`, "application/json", 413, "/problems/body-too-large", ""},
		{"wrong media type", `name=a`, "application/x-www-form-urlencoded", 400, "/problems/unsupported-media-type", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := *writes
			req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if rec.Header().Get("X-Request-ID") == "" {
				t.Error("no request id")
			}
			if tc.typ == "" {
				if *writes != before+1 {
					t.Fatal("valid request not accepted")
				}
				return
			}
			if *writes != before {
				t.Fatal("bad input was accepted")
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
			var p web.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Type != tc.typ || p.Status != tc.status || p.Detail == "" || p.RequestID == "" {
				t.Fatalf("problem %+v", p)
			}
			if tc.field != "" && p.Errors[tc.field] == "" {
				t.Fatalf("no message for field %q: %+v", tc.field, p)
			}
		})
	}
}

func TestCrossOriginUnsafeRequestRefused(t *testing.T) {
	h, writes := testServer(t, 1024)
	req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{"name":"a"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "/problems/cross-origin") || *writes != 0 {
		t.Fatalf("got %d %s (writes %d)", rec.Code, rec.Body, *writes)
	}
}

func TestProblemLanguageAndRequestID(t *testing.T) {
	h, _ := testServer(t, 1024)
	req := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	req.Header.Set("X-Request-ID", "abc-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var p web.Problem
	json.Unmarshal(rec.Body.Bytes(), &p)
	if p.Detail != "The request body is not valid JSON." || p.RequestID != "abc-123" {
		t.Fatalf("%+v", p)
	}
	req.Header.Set("Accept-Language", "")
	req.Header.Set("X-Request-ID", "<script>")
	req.Body = io.NopCloser(strings.NewReader(`{`))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	json.Unmarshal(rec.Body.Bytes(), &p)
	if !strings.Contains(p.Detail, "JSON") || p.RequestID == "<script>" || p.RequestID == "" {
		t.Fatalf("unsafe request id echoed or detail wrong: %+v", p)
	}
}

func TestCursorPagination(t *testing.T) {
	h, _ := testServer(t, 1024)
	get := func(q string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/things"+q, nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get("")
	var l web.List[string]
	json.Unmarshal([]byte(body), &l)
	if code != 200 || l.NextCursor == "" {
		t.Fatalf("%d %s", code, body)
	}
	if code, body = get("?cursor=" + l.NextCursor); code != 200 || !strings.Contains(body, `"items":["b","2"]`) {
		t.Fatalf("round trip: %d %s", code, body)
	}
	for _, q := range []string{"?cursor=!!!", "?limit=0", "?limit=1000", "?limit=abc"} {
		if code, body = get(q); code != 400 || !strings.Contains(body, "/problems/") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
}

// A path no route matches is answered like any other error (a problem or
// the error page, never the mux's plain text), and a known path asked with
// the wrong method keeps its 405 with the methods it allows.
func TestUnmatchedPaths(t *testing.T) {
	h, _ := testServer(t, 1024)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/no/such/page", nil))
	var p web.Problem
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != http.StatusNotFound || p.Type != web.ProblemBase+"not-found" || p.Detail == "" {
		t.Fatalf("unknown path: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("DELETE", "/api/v1/things", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, POST" {
		t.Fatalf("wrong method: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestNewList(t *testing.T) {
	key := func(s string) string { return s }
	if l := web.NewList([]string{"a", "b", "c"}, 2, key); len(l.Items) != 2 || l.NextCursor != web.EncodeCursor("b") {
		t.Fatalf("more rows than the limit: %+v", l)
	}
	if l := web.NewList([]string{"a", "b"}, 2, key); len(l.Items) != 2 || l.NextCursor != "" {
		t.Fatalf("exactly the limit: %+v", l)
	}
	if l := web.NewList[string](nil, 2, key); l.Items == nil {
		t.Fatal("nil items would encode as null")
	}
}
