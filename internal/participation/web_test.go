package participation

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// testServer mounts the participation routes (all but the ballots') with
// the platform's error handling; the X-Test-Actor header picks the actor.
func testServer(t testing.TB, s *Service, actors map[string]*auth.Actor) http.Handler {
	return serveAll(t, s, nil, actors)
}

// serveAll mounts every participation route, the ballots' too when box is
// given, with every message set, as the app does.
func serveAll(t testing.TB, s *Service, box *BallotBox, actors map[string]*auth.Actor) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales, BallotLocales, InitiativeLocales, ResultLocales}, Templates)
	srv.Log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	Routes(srv.Router, srv.Render, s)
	if box != nil {
		BallotRoutes(srv.Router, srv.Render, s, box)
	}
	ResultRoutes(srv.Router, srv.Render, s)
	InitiativeRoutes(srv.Router, srv.Render, s)
	return srv.Handler(actors, 64<<10)
}

type webCase struct {
	name, actor, method, path string
	form                      url.Values
	status                    int
	location                  string
	want                      []string
}

// do runs c (see run) and returns where it redirected.
func (c webCase) do(t *testing.T, h http.Handler, lang string) string {
	t.Helper()
	return c.run(t, h, lang).Header().Get("Location")
}

// run sends c in lang and checks its status, location, wanted text and
// that no message key shows untranslated.
func (c webCase) run(t *testing.T, h http.Handler, lang string) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	req := httptest.NewRequest(c.method, c.path, body)
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Test-Actor", c.actor)
	req.AddCookie(&http.Cookie{Name: web.LangCookie, Value: lang})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != c.status {
		t.Fatalf("%s (%s): status %d, want %d\n%s", c.name, lang, w.Code, c.status, w.Body.String())
	}
	if c.location != "" && !strings.HasPrefix(w.Header().Get("Location"), c.location) {
		t.Fatalf("%s: redirected to %q, want %q…", c.name, w.Header().Get("Location"), c.location)
	}
	b := w.Body.String()
	for _, s := range c.want {
		if !strings.Contains(b, s) {
			t.Fatalf("%s (%s): body lacks %q\n%s", c.name, lang, s, b)
		}
	}
	if i := strings.Index(b, "participation."); i >= 0 && strings.Contains(w.Header().Get("Content-Type"), "html") {
		t.Fatalf("%s (%s): untranslated key near %q", c.name, lang, b[i:min(len(b), i+60)])
	}
	return w
}

func TestPagesAndForms(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.person("anna", distN, "1990-01-01")
		e.person("teen", distN, "2014-01-01")
		actors := map[string]*auth.Actor{
			"anna":  auth.From(actorCtx("anna")),
			"teen":  auth.From(actorCtx("teen")),
			"admin": auth.From(admin(muniA)),
			"op":    auth.From(official(auth.RoleOperator, muniA)),
		}
		h := testServer(t, e.svc, actors)
		p := e.open()
		poll := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollRanking, Question: "Что важнее?",
			Options: []string{"Дороги", "Парки", "Свет"}, ClosesAt: start.Add(24 * time.Hour)}))
		// Answering needs a phase that allows it: add one running now.
		must[Phase](t)(e.svc.AddPhase(admin(muniA), p.ID, PhaseInput{Kind: PhaseInformation, StartsAt: start.Add(-time.Hour),
			EndsAt: start.Add(48 * time.Hour), Permissions: []PermissionInput{{Action: ActionAnswer, Level: LevelVerified, MinAge: 16}}}))

		for _, lang := range []string{"ru", "en"} {
			for _, c := range []webCase{
				{name: "processes", method: "GET", path: "/m/luga/participation/", status: 200, want: []string{"Бюджет 2027"}},
				{name: "process", actor: "anna", method: "GET", path: "/m/luga/participation/open", status: 200},
				{name: "process anonymous", method: "GET", path: "/m/luga/participation/open", status: 200, want: []string{"/login?next="}},
				{name: "process other muni", method: "GET", path: "/m/kirishi/participation/open", status: 404},
				{name: "new form", actor: "anna", method: "GET", path: "/m/luga/participation/open/proposals/new", status: 200},
				{name: "new form anonymous", method: "GET", path: "/m/luga/participation/open/proposals/new", status: 303, location: "/login"},
				{name: "bad proposal", actor: "anna", method: "POST", path: "/m/luga/participation/open/proposals",
					form: url.Values{"title": {""}, "body": {""}}, status: 400, want: []string{`id="title-error"`}},
				{name: "list", method: "GET", path: "/m/luga/participation/open/proposals?order=top", status: 200},
				{name: "bad cursor", method: "GET", path: "/m/luga/participation/open/proposals?cursor=@@", status: 400},
				{name: "poll", actor: "anna", method: "GET", path: "/participation/polls/" + poll.ID, status: 200, want: []string{`name="rank_1"`}},
				{name: "poll bad ranks", actor: "anna", method: "POST", path: "/participation/polls/" + poll.ID,
					form: url.Values{"rank_1": {"1"}, "rank_2": {"1"}}, status: 400, want: []string{`id="choices-error"`}},
				{name: "poll under age", actor: "teen", method: "POST", path: "/participation/polls/" + poll.ID,
					form: url.Values{"rank_1": {"1"}}, status: 403},
				{name: "admin list", actor: "admin", method: "GET", path: "/admin/m/luga/participation", status: 200},
				{name: "admin list by resident", actor: "anna", method: "GET", path: "/admin/m/luga/participation", status: 403},
				{name: "admin process", actor: "admin", method: "GET", path: "/admin/participation/" + p.ID, status: 200},
				{name: "admin bad phase", actor: "admin", method: "POST", path: "/admin/participation/" + p.ID + "/phases",
					form:   url.Values{"kind": {"voting"}, "starts_at": {"2026-06-10T10:00"}, "ends_at": {"2026-06-09T10:00"}},
					status: 400, want: []string{`id="ends_at-error"`}},
				{name: "admin bad poll", actor: "admin", method: "POST", path: "/admin/participation/" + p.ID + "/polls",
					form:   url.Values{"kind": {"single"}, "question": {"?"}, "options": {"один"}, "closes_at": {"2026-06-10T10:00"}},
					status: 400, want: []string{`id="options-error"`}},
				{name: "admin bad process", actor: "admin", method: "POST", path: "/admin/m/luga/participation",
					form: url.Values{"slug": {"Плохо"}, "title": {"x"}, "threshold": {"abc"}}, status: 400,
					want: []string{`id="slug-error"`, `id="threshold-error"`}},
				{name: "moderation", actor: "op", method: "GET", path: "/admin/m/luga/participation/moderation", status: 200},
				{name: "moderation by resident", actor: "anna", method: "GET", path: "/admin/m/luga/participation/moderation", status: 403},
			} {
				c.do(t, h, lang)
			}
		}

		// The journey: propose, get a similar suggestion, support, comment,
		// answer, answer the poll.
		loc := webCase{name: "propose", actor: "anna", method: "POST", path: "/m/luga/participation/open/proposals",
			form:   url.Values{"title": {"Детская площадка во дворе"}, "body": {"Горка и качели."}, "territory_node_id": {distN.ID}},
			status: 303, location: "/participation/proposals/"}.do(t, h, "ru")
		id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/participation/proposals/")
		webCase{name: "similar", actor: "anna", method: "POST", path: "/m/luga/participation/open/proposals",
			form: url.Values{"title": {"Детская площадка в нашем дворе"}, "body": {"Ещё одна."}}, status: 200,
			want: []string{"Детская площадка во дворе", `name="anyway"`}}.do(t, h, "ru")
		webCase{name: "anyway", actor: "anna", method: "POST", path: "/m/luga/participation/open/proposals",
			form: url.Values{"title": {"Детская площадка в нашем дворе"}, "body": {"Ещё одна."}, "anyway": {"1"}}, status: 303}.do(t, h, "ru")
		webCase{name: "support", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/support", status: 303,
			location: "/participation/proposals/" + id + "?done=supported"}.do(t, h, "ru")
		webCase{name: "support twice", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/support", status: 409,
			want: []string{"Вы уже поддержали"}}.do(t, h, "ru")
		webCase{name: "support by a teen", actor: "teen", method: "POST", path: "/participation/proposals/" + id + "/support", status: 403,
			want: []string{"с более старшего возраста"}}.do(t, h, "ru")
		webCase{name: "comment", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/comments",
			form: url.Values{"stance": {"for"}, "body": {"Очень нужно!"}}, status: 303}.do(t, h, "ru")
		webCase{name: "empty comment", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/comments",
			form: url.Values{"stance": {"for"}, "body": {""}}, status: 400, want: []string{`id="comment-error"`}}.do(t, h, "ru")
		webCase{name: "answer by resident", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/answer",
			form: url.Values{"state": {"accepted"}, "answer": {"Да"}}, status: 403}.do(t, h, "ru")
		webCase{name: "answer", actor: "op", method: "POST", path: "/participation/proposals/" + id + "/answer",
			form: url.Values{"state": {"accepted"}, "answer": {"Построим летом."}}, status: 303}.do(t, h, "ru")
		for _, lang := range []string{"ru", "en"} {
			webCase{name: "proposal page", actor: "op", method: "GET", path: "/participation/proposals/" + id, status: 200,
				want: []string{"Очень нужно!", "Построим летом.", `name="answer"`}}.do(t, h, lang)
		}
		webCase{name: "unfollow", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/follow", status: 303,
			location: "/participation/proposals/" + id + "?done=unfollowed"}.do(t, h, "ru")
		webCase{name: "follow", actor: "anna", method: "POST", path: "/participation/proposals/" + id + "/follow",
			form: url.Values{"on": {"1"}}, status: 303, location: "/participation/proposals/" + id + "?done=followed"}.do(t, h, "ru")
		webCase{name: "following", actor: "anna", method: "GET", path: "/participation/proposals/" + id + "?done=followed", status: 200,
			want: []string{"Не следить", "получать уведомления"}}.do(t, h, "ru")
		webCase{name: "flag", actor: "anna", method: "POST", path: "/participation/flag/proposal/" + id, status: 303}.do(t, h, "ru")
		webCase{name: "answer poll", actor: "anna", method: "POST", path: "/participation/polls/" + poll.ID,
			form: url.Values{"rank_2": {"1"}, "rank_1": {"2"}}, status: 303}.do(t, h, "ru")
		webCase{name: "poll answered", actor: "anna", method: "GET", path: "/participation/polls/" + poll.ID, status: 200,
			want: []string{"Вы уже ответили"}}.do(t, h, "ru")
		webCase{name: "poll results for officials", actor: "op", method: "GET", path: "/participation/polls/" + poll.ID, status: 200,
			want: []string{"<td>Парки</td>"}}.do(t, h, "en")
		webCase{name: "api list", method: "GET", path: "/api/v1/participation/processes/" + p.ID + "/proposals?limit=1", status: 200,
			want: []string{`"next_cursor"`, `"supports"`}}.do(t, h, "ru")

		// Admin creates a process and a phase through the forms.
		webCase{name: "admin create", actor: "admin", method: "POST", path: "/admin/m/luga/participation",
			form: url.Values{"slug": {"dvory"}, "title": {"Дворы"}, "threshold": {"0,5"}, "flag_limit": {"3"}}, status: 303,
			location: "/admin/participation/"}.do(t, h, "ru")
		created := must[Process](t)(e.svc.ProcessBySlug(t.Context(), muniA.ID, "dvory"))
		if created.ThresholdBP != 50 {
			t.Fatalf("threshold %d", created.ThresholdBP)
		}
		webCase{name: "admin phase", actor: "admin", method: "POST", path: "/admin/participation/" + created.ID + "/phases",
			form: url.Values{"kind": {"proposals"}, "starts_at": {"2026-06-01T10:00"}, "ends_at": {"2026-06-30T18:00"},
				"allow_support": {"1"}, "level_support": {"verified"}, "territory_support": {distS.ID}, "min_age_support": {"14"}},
			status: 303}.do(t, h, "ru")
		got := must[Process](t)(e.svc.Process(t.Context(), created.ID))
		if len(got.Phases) != 1 || got.Phases[0].StartsAt != time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC) ||
			len(got.Phases[0].Permissions) != 1 || got.Phases[0].Permissions[0].TerritoryNodeID != distS.ID {
			t.Fatalf("phase from the form: %+v", got.Phases)
		}
		webCase{name: "admin poll", actor: "admin", method: "POST", path: "/admin/participation/" + created.ID + "/polls",
			form: url.Values{"kind": {"multi"}, "question": {"Что улучшить?"}, "options": {"Свет\r\nЛавки\r\nУрны"},
				"max_choices": {"2"}, "closes_at": {"2026-06-20T18:00"}, "live": {"1"}}, status: 303}.do(t, h, "ru")
	})
}

// testWriter sends the server's log to the test's.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
