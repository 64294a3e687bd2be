package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/decisions"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/territory"
)

// atomDoc reads what RFC 4287 requires of a feed and its entries.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

// TestDecisionRegisterDemoFeedAndCards: the demo's register holds its
// three decisions, the water-main one carrying the connected story's
// evidence (zone losses, the reports' hot spot, the residents'
// proposal); the Atom feed is well-formed Atom 1.0 with every required
// element; the PDF card carries the Cyrillic text and the XLSX card the
// decision's fields.
func TestDecisionRegisterDemoFeedAndCards(t *testing.T) {
	_, world, ts := newDemoServer(t)
	anon := transportClient(t, ts.URL, "")
	code, body := transportGet(t, anon, ts.URL+"/api/v1/municipalities/"+world.Municipality+"/decisions")
	var list struct{ Items []decisions.Decision }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list.Items) != 3 {
		t.Fatalf("register: %d %.300s", code, body)
	}
	var water decisions.Decision
	for _, d := range list.Items {
		if d.Number == "214-п" {
			water = d
		}
	}
	kinds := map[string]bool{}
	for _, l := range water.Links {
		kinds[l.Kind] = true
		if strings.Contains(l.Title+l.Summary, "decisions.") {
			t.Errorf("evidence shows a message key: %+v", l)
		}
	}
	for _, k := range []string{"metering.losses", "appeals.hotspot", "participation.proposal"} {
		if !kinds[k] {
			t.Errorf("the water-main decision lacks %s evidence: %+v", k, water.Links)
		}
	}

	code, body = transportGet(t, anon, ts.URL+"/m/"+world.Municipality+"/decisions/feed.atom")
	var feed atomDoc
	if code != http.StatusOK || xml.Unmarshal([]byte(body), &feed) != nil {
		t.Fatalf("feed: %d %.300s", code, body)
	}
	if feed.ID == "" || feed.Title == "" || feed.Author.Name == "" || len(feed.Entries) != 3 || len(feed.Links) != 2 || feed.Links[0].Rel != "self" {
		t.Fatalf("feed head: %+v", feed)
	}
	for _, ts := range append([]string{feed.Updated}, func() (u []string) {
		for _, e := range feed.Entries {
			u = append(u, e.Updated)
			if e.ID == "" || e.Title == "" || e.Content == "" || !strings.HasPrefix(e.Link.Href, "http") {
				t.Errorf("entry %+v", e)
			}
		}
		return u
	}()...) {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("updated %q is not RFC 3339", ts)
		}
	}

	res, err := anon.Get(ts.URL + "/decisions/" + water.ID + "/card.pdf")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, buf.Bytes())), " ")
	for _, want := range []string{"О замене водовода по ул. Ленина", "Администрация", "214-п", "Исполняется", "DEMO-DMA1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF card lacks %q: %.500s", want, text)
		}
	}

	res, err = anon.Get(ts.URL + "/decisions/" + water.ID + "/card.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) < 10 {
		t.Fatalf("xlsx rows %v %v", rows, err)
	}
	if rows[3][0] != "Номер" || rows[3][1] != "214-п" || rows[4][1] != water.Title {
		t.Errorf("xlsx card %v", rows[:5])
	}
}

// TestDecisionAPIProblemsAndRoles: bad input answers problem+json
// (inconsistent judgements name the pair; unknown fields and bad dates
// are refused), residents cannot edit, drafts stay hidden from others,
// and one municipality's administrator cannot act on another's cases.
func TestDecisionAPIProblemsAndRoles(t *testing.T) {
	_, world, ts := newDemoServer(t)
	var admin, resident app.DemoLogin
	for _, l := range world.Logins {
		switch l.Role {
		case "municipal_admin":
			if admin.Email == "" { // the first is the main municipality's
				admin = l
			}
		case app.DemoVerifiedResident:
			resident = l
		}
	}
	adm, res, anon := transportClient(t, ts.URL, admin.Email), transportClient(t, ts.URL, resident.Email), transportClient(t, ts.URL, "")
	post := func(c *http.Client, path, body string) (int, web.Problem, string) {
		t.Helper()
		r, err := c.Post(ts.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		var p web.Problem
		if r.StatusCode >= 400 {
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: %d with %s", path, r.StatusCode, ct)
			}
			json.Unmarshal(buf.Bytes(), &p)
		}
		return r.StatusCode, p, buf.String()
	}
	cases := "/api/v1/municipalities/" + world.Municipality + "/decision-cases"
	circle := `{"title": "Круг", "model": {"mode": "ahp", "criteria": [{"name": "Цена", "kind": "cost"}, {"name": "Качество", "kind": "benefit"}, {"name": "Срок", "kind": "cost"}],
		"options": [{"name": "A", "scores": [1, 2, 3], "line": -1}], "judgements": [{"a": 0, "b": 1, "value": 9}, {"a": 1, "b": 2, "value": 9}, {"a": 0, "b": 2, "value": 0.1111111111111111}]}}`
	code, p, _ := post(adm, cases, circle)
	if code != http.StatusBadRequest || p.Type != "/problems/ahp-inconsistent" || !strings.Contains(p.Detail, "6.130") || p.Errors["judgements"] == "" {
		t.Errorf("inconsistent judgements: %d %+v", code, p)
	}
	if code, p, _ = post(adm, cases, `{"title": "x", "colour": "red"}`); code != http.StatusBadRequest {
		t.Errorf("unknown field: %d %+v", code, p)
	}
	if code, p, _ = post(adm, cases, `{"title": "x", "model": {"mode": "ahp", "criteria": [{"name": "", "kind": "better"}]}}`); code != http.StatusBadRequest ||
		p.Errors["model.criteria[0].kind"] == "" || p.Errors["model.criteria[0].name"] == "" {
		t.Errorf("bad criteria: %d %+v", code, p)
	}
	good := strings.Replace(circle, `"value": 9}, {"a": 1, "b": 2, "value": 9}, {"a": 0, "b": 2, "value": 0.1111111111111111}`, `"value": 3}, {"a": 1, "b": 2, "value": 3}, {"a": 0, "b": 2, "value": 9}`, 1)
	code, _, body := post(adm, cases, good)
	var made struct {
		Case     decisions.Case
		Analysis decisions.AnalysisJSON
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &made) != nil || made.Analysis.CR == nil || *made.Analysis.CR > 0.1 || len(made.Analysis.Order) != 1 {
		t.Fatalf("consistent case: %d %.400s", code, body)
	}
	if code, _, _ = post(res, cases, good); code != http.StatusForbidden {
		t.Errorf("a resident creates a case: %d", code)
	}
	if code, _ = transportGet(t, res, ts.URL+"/api/v1/decision-cases/"+made.Case.ID); code != http.StatusForbidden {
		t.Errorf("a resident reads a case: %d", code)
	}

	regs := "/api/v1/municipalities/" + world.Municipality + "/decisions"
	if code, p, _ = post(adm, regs, `{"decided_on": "31.12.2026", "body": "mayor", "number": "", "title": "t", "text": "x"}`); code != http.StatusBadRequest ||
		p.Errors["decided_on"] == "" || p.Errors["body"] == "" || p.Errors["number"] == "" {
		t.Errorf("bad decision: %d %+v", code, p)
	}
	code, _, body = post(adm, regs, `{"decided_on": "2026-11-20", "body": "council", "number": "99/1", "title": "О черновике", "text": "Текст", "case_id": "`+made.Case.ID+`"}`)
	var draft decisions.Decision
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &draft) != nil {
		t.Fatalf("draft: %d %s", code, body)
	}
	other := ""
	for _, l := range world.Logins {
		if l.Role == "municipal_admin" && l.Scope != admin.Scope {
			other = l.Email
		}
	}
	if other == "" {
		t.Fatal("the demo has no neighbour's administrator")
	}
	oc := transportClient(t, ts.URL, other)
	for name, c := range map[string]*http.Client{"resident": res, "anonymous": anon, "another municipality's admin": oc} {
		if code, _ := transportGet(t, c, ts.URL+"/api/v1/decisions/"+draft.ID); code != http.StatusNotFound {
			t.Errorf("%s reads a draft: %d", name, code)
		}
		if code, _ := transportGet(t, c, ts.URL+"/decisions/"+draft.ID+"/card.pdf"); code != http.StatusNotFound {
			t.Errorf("%s downloads a draft's card: %d", name, code)
		}
	}
	for name, c := range map[string]*http.Client{"resident": res, "another municipality's admin": oc} {
		if code, _, _ = post(c, "/api/v1/decisions/"+draft.ID+"/publish", `{}`); code != http.StatusNotFound {
			t.Errorf("%s publishes a draft: %d", name, code)
		}
	}
	// The resident follows the register from its page; publication and
	// a status change reach them as notifications, in their words.
	if r, err := res.PostForm(ts.URL+"/m/"+world.Municipality+"/decisions/follow", url.Values{"on": {"1"}}); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("follow: %v %v", r, err)
	}
	if code, _, _ = post(adm, "/api/v1/decisions/"+draft.ID+"/publish", `{}`); code != http.StatusOK {
		t.Fatalf("publish: %d", code)
	}
	if code, _, _ = post(adm, "/api/v1/decisions/"+draft.ID+"/status", `{"status": "done", "note": "Готово"}`); code != http.StatusOK {
		t.Fatalf("status: %d", code)
	}
	if code, body := transportGet(t, res, ts.URL+"/me/notifications"); code != http.StatusOK ||
		!strings.Contains(body, "Новое решение: О черновике") || !strings.Contains(body, "Решение исполнено: О черновике") {
		t.Errorf("notifications: %d %.2000s", code, body)
	}
	if code, _, _ = post(adm, "/api/v1/decisions/"+draft.ID+"/status", `{"status": "lost"}`); code != http.StatusBadRequest {
		t.Errorf("unknown status: %d", code)
	}

	// Another municipality's administrator (made here) sees none of it.
	if code, _ = transportGet(t, oc, ts.URL+"/api/v1/decision-cases/"+made.Case.ID); code != http.StatusForbidden {
		t.Errorf("another municipality's admin reads the case: %d", code)
	}
	if code, _, _ = post(oc, "/api/v1/decisions/"+draft.ID+"/status", `{"status": "cancelled"}`); code != http.StatusForbidden {
		t.Errorf("another municipality's admin changes the status: %d", code)
	}
	if code, _, _ = post(oc, cases, good); code != http.StatusForbidden {
		t.Errorf("another municipality's admin creates a case here: %d", code)
	}
}

// TestDecisionsOnEveryEngine runs the wiring on SQLite and PostgreSQL:
// the evidence adapters' queries over an empty municipality, a decision
// drafted and published through the service, found by the register's
// search page and the feed, anonymously, through the whole handler.
func TestDecisionsOnEveryEngine(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			a := newTestApp(t, e)
			ctx := app.AsSystem(context.Background())
			td, err := territory.SeedDemo(ctx, a.Territory)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Decisions.Evidence(ctx, td.Main.ID); err != nil {
				t.Fatalf("evidence: %v", err)
			}
			d, err := a.Decisions.CreateDecision(ctx, td.Main.ID, decisions.DecisionInput{DecidedOn: "2026-11-20", Body: decisions.BodyCouncil,
				Number: "7/1", Title: "Об озеленении набережной", Text: "Высадить 120 деревьев."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Decisions.Publish(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			get := func(path string) (int, string) {
				rec := httptest.NewRecorder()
				a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				return rec.Code, rec.Body.String()
			}
			if code, body := get("/m/" + td.Main.Slug + "/decisions/?q=" + url.QueryEscape("НАБЕРЕЖНОЙ")); code != http.StatusOK || !strings.Contains(body, "Об озеленении набережной") {
				t.Errorf("register search: %d", code)
			}
			if code, body := get("/m/" + td.Main.Slug + "/decisions/feed.atom"); code != http.StatusOK || !strings.Contains(body, "Об озеленении набережной") {
				t.Errorf("feed: %d", code)
			}
		})
	}
}
