package participation

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// resultServer mounts every participation route, like the app does.
func resultServer(t *testing.T, c *civic, actors map[string]*auth.Actor) http.Handler {
	return serveAll(t, c.svc, NewBallotBox(c.svc, nil), actors)
}

func call(t *testing.T, h http.Handler, actor, method, path, ctype string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-Test-Actor", actor)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestResultPagesAPIAndExport(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		actors := map[string]*auth.Actor{"res": auth.From(c.person("zqanna", distN, "1980-01-01")),
			"op": auth.From(official(auth.RoleOperator, muniA)), "opB": auth.From(official(auth.RoleOperator, muniB))}
		h := resultServer(t, c, actors)
		api := "/api/v1/participation/processes/" + c.proc.ID + "/results"
		js := func(v any) []byte { b, _ := json.Marshal(v); return b }
		for _, x := range []struct {
			actor  string
			body   []byte
			status int
			want   string
		}{
			{"", js(ResultInput{ProjectID: c.p[0]}), 401, ""},
			{"res", js(ResultInput{ProjectID: c.p[0]}), 403, ""},
			{"opB", js(ResultInput{ProjectID: c.p[0]}), 403, ""},
			{"op", []byte(`{"project_id": 5}`), 400, ""},
			{"op", []byte(`{"project_id": "x", "bogus": 1}`), 400, ""},
			{"op", js(ResultInput{ProjectID: c.p[2]}), 400, `"project_id"`},
		} {
			w := call(t, h, x.actor, "POST", api, "application/json", x.body)
			if w.Code != x.status || !strings.Contains(w.Header().Get("Content-Type"), "problem+json") || !strings.Contains(w.Body.String(), x.want) {
				t.Fatalf("%s %s: %d %s\n%s", x.actor, x.body, w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
		}
		if n := c.count("participation_results"); n != 0 {
			t.Fatalf("refusals stored %d results", n)
		}
		w := call(t, h, "op", "POST", api, "application/json", js(ResultInput{ProjectID: c.p[0], ProposalID: c.accepted.ID,
			Description: "Лавочки и урны"}))
		if w.Code != 201 {
			t.Fatalf("create: %d %s", w.Code, w.Body.String())
		}
		var r Result
		json.Unmarshal(w.Body.Bytes(), &r)
		if w = call(t, h, "op", "PUT", "/api/v1/participation/results/"+r.ID, "application/json",
			js(ResultUpdate{Title: "Скамейки в сквере", Status: StatusInProgress, Progress: 45, Spent: 20_000_000})); w.Code != 200 {
			t.Fatalf("update: %d %s", w.Code, w.Body.String())
		}
		if w = call(t, h, "op", "POST", "/api/v1/participation/results/"+r.ID+"/milestones", "application/json",
			js(MilestoneInput{Title: "Подрядчик выбран", Due: "2026-07-01"})); w.Code != 201 {
			t.Fatalf("milestone: %d %s", w.Code, w.Body.String())
		}
		var m Milestone
		json.Unmarshal(w.Body.Bytes(), &m)
		if w = call(t, h, "op", "PUT", "/api/v1/participation/results/"+r.ID+"/milestones/"+m.ID, "application/json",
			[]byte(`{"done": true}`)); w.Code != 200 {
			t.Fatalf("mark: %d %s", w.Code, w.Body.String())
		}
		var img bytes.Buffer
		png.Encode(&img, testImage())
		if w = call(t, h, "op", "POST", "/api/v1/participation/results/"+r.ID+"/photos?caption=Сквер", "image/png", img.Bytes()); w.Code != 201 {
			t.Fatalf("photo: %d %s", w.Code, w.Body.String())
		}
		var p Photo
		json.Unmarshal(w.Body.Bytes(), &p)
		if w = call(t, h, "op", "POST", "/api/v1/participation/results/"+r.ID+"/photos", "image/png", []byte("<svg onload=x>")); w.Code != 400 {
			t.Fatalf("svg photo: %d", w.Code)
		}
		if w = call(t, h, "", "GET", "/participation/results/photos/"+p.ID, "", nil); w.Code != 200 ||
			w.Header().Get("Content-Type") != "image/png" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("photo get: %d %v", w.Code, w.Header())
		}
		page := "/participation/results/" + r.ID
		for _, lang := range []string{"ru", "en"} {
			for _, x := range []webCase{
				{name: "list", method: "GET", path: "/m/luga/participation/results", status: 200,
					want: []string{`href="` + page + `"`, `<progress max="100" value="45"`, "Скамейки в сквере"}},
				{name: "filter in progress", method: "GET", path: "/m/luga/participation/results?status=in_progress", status: 200,
					want: []string{`href="` + page + `"`, `aria-current="page"`}},
				{name: "filter done", method: "GET", path: "/m/luga/participation/results?status=done", status: 200,
					want: []string{`class="card empty"`}},
				{name: "bad filter", method: "GET", path: "/m/luga/participation/results?status=maybe", status: 400},
				{name: "other municipality", method: "GET", path: "/m/kirishi/participation/results", status: 200, want: []string{`class="card empty"`}},
				{name: "page", method: "GET", path: page, status: 200, want: []string{"Скамейки в сквере", "Подрядчик выбран",
					"/participation/results/photos/" + p.ID, `href="/participation/proposals/` + c.accepted.ID + `"`,
					`href="/participation/budgets/` + c.bud.ID + `/results"`, "/m/luga/participation/civic/export.csv"}},
				{name: "unknown", method: "GET", path: "/participation/results/nope", status: 404},
				{name: "for project", method: "GET", path: "/participation/results/for?project=" + c.p[0], status: 303, location: page},
				{name: "for proposal", method: "GET", path: "/participation/results/for?proposal=" + c.accepted.ID, status: 303, location: page},
				{name: "for nothing", method: "GET", path: "/participation/results/for?project=" + c.p[1], status: 404},
			} {
				x.do(t, h, lang)
			}
		}
		w = call(t, h, "", "GET", "/m/luga/participation/civic/export.csv", "", nil)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(w.Body.String(), strings.Join(CSVColumns, ",")+"\n") || !strings.Contains(w.Body.String(), "result,"+r.ID) {
			t.Fatalf("csv: %d %v\n%s", w.Code, w.Header(), w.Body.String())
		}
		w = call(t, h, "", "GET", "/m/luga/participation/"+c.proc.ID+"/export.json", "", nil)
		var d OpenData
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil || len(d.Results) != 1 || d.Results[0].Progress != 45 {
			t.Fatalf("json: %d %s", w.Code, w.Body.String())
		}
		for _, s := range append([]string{"Анна", "Петров", "Секрет"}, civicPeople...) {
			if strings.Contains(w.Body.String(), s) {
				t.Fatalf("export holds %q", s)
			}
		}
		if w = call(t, h, "", "GET", "/m/kirishi/participation/civic/export.json", "", nil); w.Code != 404 {
			t.Fatalf("another municipality's process: %d", w.Code)
		}
	})
}

func TestProposalAndBudgetPagesLinkTheResult(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		r := must[Result](t)(c.svc.CreateResult(official(auth.RoleOperator, muniA), c.proc.ID, ResultInput{ProjectID: c.p[0],
			ProposalID: c.accepted.ID}))
		h := resultServer(t, c, nil)
		link := `href="/participation/results/` + r.ID + `"`
		for _, lang := range []string{"ru", "en"} {
			(webCase{name: "proposal", method: "GET", path: "/participation/proposals/" + c.accepted.ID, status: 200,
				want: []string{link}}).do(t, h, lang)
			(webCase{name: "budget results", method: "GET", path: "/participation/budgets/" + c.bud.ID + "/results", status: 200,
				want: []string{link}}).do(t, h, lang)
		}
		if b := call(t, h, "", "GET", "/participation/proposals/"+c.rejected.ID, "", nil).Body.String(); strings.Contains(b, "/participation/results/") {
			t.Fatal("a proposal without a result links one")
		}
	})
}

func TestOpenDataAPIRoutes(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		h := resultServer(t, c, nil)
		w := call(t, h, "", "GET", "/api/v1/participation/processes/"+c.proc.ID+"/export.json", "", nil)
		var d OpenData
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil || d.Process.ID != c.proc.ID || !d.Budgets[0].Final {
			t.Fatalf("json: %d %s", w.Code, w.Body.String())
		}
		if w = call(t, h, "", "GET", "/api/v1/participation/processes/"+c.proc.ID+"/export.csv", "", nil); w.Code != 200 ||
			!strings.HasPrefix(w.Body.String(), "section,id,") {
			t.Fatalf("csv: %d", w.Code)
		}
		if w = call(t, h, "", "GET", "/api/v1/participation/processes/nope/export.json", "", nil); w.Code != 404 {
			t.Fatalf("unknown: %d", w.Code)
		}
	})
}

func TestResultForms(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		r := must[Result](t)(c.svc.CreateResult(official(auth.RoleOperator, muniA), c.proc.ID, ResultInput{ProjectID: c.p[1]}))
		actors := map[string]*auth.Actor{"res": auth.From(c.person("zqanna", distN, "1980-01-01")), "op": auth.From(official(auth.RoleOperator, muniA))}
		h := resultServer(t, c, actors)
		page := "/participation/results/" + r.ID
		form := func(v url.Values) []byte { return []byte(v.Encode()) }
		ct := "application/x-www-form-urlencoded"
		for _, lang := range []string{"ru", "en"} {
			(webCase{name: "official sees the forms", actor: "op", method: "GET", path: page, status: 200,
				want: []string{`action="` + page + `"`, `enctype="multipart/form-data"`, `name="spent" inputmode="decimal" value="0.00"`}}).do(t, h, lang)
			(webCase{name: "bad report", actor: "op", method: "POST", path: page, status: 400,
				form: url.Values{"title": {"Освещение"}, "status": {"done"}, "progress": {"50"}, "spent": {"12 000,5"}},
				want: []string{`id="r-progress-error"`, `value="12 000,5"`}}).do(t, h, lang)
			(webCase{name: "bad milestone", actor: "op", method: "POST", path: page + "/milestones", status: 400,
				form: url.Values{"title": {""}, "due": {"завтра"}}, want: []string{`id="m-title-error"`, `id="m-due-error"`}}).do(t, h, lang)
		}
		if b := call(t, h, "res", "GET", page, "", nil).Body.String(); strings.Contains(b, `action="`+page+`"`) {
			t.Fatal("a resident sees the officials' forms")
		}
		if w := call(t, h, "res", "POST", page, ct, form(url.Values{"title": {"x"}, "status": {"planned"}, "progress": {"0"}, "spent": {"0"}})); w.Code != 403 {
			t.Fatalf("resident report: %d", w.Code)
		}
		if w := call(t, h, "", "POST", page, ct, form(url.Values{"title": {"x"}})); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Fatalf("anonymous report: %d", w.Code)
		}
		if n := c.auditCount("participation.result.update") + c.count("participation_result_milestones"); n != 0 {
			t.Fatalf("refused forms recorded %d", n)
		}
		w := call(t, h, "op", "POST", page, ct, form(url.Values{"title": {"Освещение аллеи"}, "status": {"in_progress"}, "progress": {"30"},
			"spent": {"120 000,50"}}))
		if w.Code != 303 || w.Header().Get("Location") != page+"?done=saved" {
			t.Fatalf("report: %d %s", w.Code, w.Body.String())
		}
		if w = call(t, h, "op", "POST", page+"/milestones", ct, form(url.Values{"title": {"Смета"}, "due": {"2026-08-01"}})); w.Code != 303 {
			t.Fatalf("milestone: %d %s", w.Code, w.Body.String())
		}
		got := must[Result](t)(c.svc.Result(context.Background(), r.ID))
		if got.Spent != 12_000_050 || got.Progress != 30 || len(got.Milestones) != 1 {
			t.Fatalf("saved %+v", got)
		}
		if w = call(t, h, "op", "POST", page+"/milestones/"+got.Milestones[0].ID, ct, form(url.Values{"done": {"1"}})); w.Code != 303 {
			t.Fatalf("mark: %d", w.Code)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("photo", "photo.png")
		png.Encode(fw, testImage())
		mw.WriteField("caption", "Аллея")
		mw.Close()
		if w = call(t, h, "op", "POST", page+"/photos", mw.FormDataContentType(), body.Bytes()); w.Code != 303 {
			t.Fatalf("photo: %d %s", w.Code, w.Body.String())
		}
		got = must[Result](t)(c.svc.Result(context.Background(), r.ID))
		if !got.Milestones[0].Done || len(got.Photos) != 1 || got.Photos[0].Caption != "Аллея" {
			t.Fatalf("after forms %+v", got)
		}
		(webCase{name: "saved", actor: "op", method: "GET", path: page + "?done=photo", status: 200, want: []string{`class="alert ok"`, "/participation/results/photos/"}}).do(t, h, "ru")
	})
}
