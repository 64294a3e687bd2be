package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/services"
)

// TestServicesAPI: the public catalogue and statistics, problem+json for
// bad input (nothing half-submitted), and tenant isolation over HTTP.
func TestServicesAPI(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug := world.Municipality
	anon := &http.Client{}

	var cat struct{ Services []services.Entry }
	getJSON(t, anon, ts.URL+"/api/v1/municipalities/"+slug+"/services", http.StatusOK, &cat)
	if len(cat.Services) != 8 {
		t.Fatalf("the demo catalogue has %d services", len(cat.Services))
	}
	var found struct{ Services []services.Entry }
	getJSON(t, anon, ts.URL+"/api/v1/municipalities/"+slug+"/services?q=детский+сад", http.StatusOK, &found)
	if len(found.Services) != 1 || found.Services[0].Code != "kindergarten" {
		t.Errorf("search: %+v", found.Services)
	}
	var stats struct{ Services []services.Stats }
	getJSON(t, anon, ts.URL+"/api/v1/municipalities/"+slug+"/services/stats", http.StatusOK, &stats)
	received := 0
	for _, s := range stats.Services {
		received += s.Received
	}
	if received == 0 {
		t.Error("the public statistics count no application")
	}
	problem(t, anon, "GET", ts.URL+"/api/v1/municipalities/no-such-place/services", "", http.StatusNotFound)
	problem(t, anon, "POST", ts.URL+"/api/v1/municipalities/"+slug+"/services/address/applications", `{"values":{}}`, http.StatusUnauthorized)

	resident := signedInClient(t, ts.URL, demoLogin(t, world, "resident"))
	var mine struct{ Applications []services.Application }
	getJSON(t, resident, ts.URL+"/api/v1/services/applications/mine", http.StatusOK, &mine)
	before := len(mine.Applications)
	p := problem(t, resident, "POST", ts.URL+"/api/v1/municipalities/"+slug+"/services/address/applications",
		`{"values":{"snils":"112-233-445 94","object":"building","action":"assign","cadastre":"47:29:0103004:57","location":"д. Заклинье, ул. Новая, 14","consent":"on"},"submit":true}`,
		http.StatusBadRequest)
	if !strings.Contains(p.Errors["snils"], "СНИЛС") || p.Errors["egrn"] == "" {
		t.Errorf("field errors %v", p.Errors)
	}
	problem(t, resident, "POST", ts.URL+"/api/v1/municipalities/"+slug+"/services/address/applications", `{"values":`, http.StatusBadRequest)
	getJSON(t, resident, ts.URL+"/api/v1/services/applications/mine", http.StatusOK, &mine)
	if len(mine.Applications) != before {
		t.Errorf("a refused submission left an application behind: %d -> %d", before, len(mine.Applications))
	}

	// An application filed in a neighbouring municipality is invisible to
	// the main municipality's administrator and to another resident.
	neighbour := world.Municipality
	for _, n := range []string{"gatchina", "kingisepp"} {
		if n != slug {
			neighbour = n
			break
		}
	}
	muni, err := a.Services.MunicipalityBySlug(t.Context(), neighbour)
	if err != nil {
		t.Fatal(err)
	}
	users := demoResidents(t, a)
	other, err := a.Services.StartPrefilled(app.AsSystem(t.Context()), users[len(users)-1], muni.ID, "archive", map[string]string{"kind": "work"})
	if err != nil {
		t.Fatal(err)
	}
	admin := signedInClient(t, ts.URL, demoLogin(t, world, "municipal_admin"))
	problem(t, admin, "GET", ts.URL+"/api/v1/services/applications/"+other, "", http.StatusNotFound)
	problem(t, resident, "GET", ts.URL+"/api/v1/services/applications/"+other, "", http.StatusNotFound)
	res, err := admin.Get(ts.URL + "/services/applications/" + other + "/files/egrn")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("another municipality's file: %d", res.StatusCode)
	}
}

// demoResidents are the ids of the demo's residents, the login's last.
func demoResidents(t *testing.T, a *app.App) []string {
	t.Helper()
	var out []string
	rows, err := a.DB.Writer().Query(`SELECT DISTINCT applicant_id FROM services_applications ORDER BY applicant_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	if len(out) < 2 {
		t.Fatal("the demo has fewer than two applicants")
	}
	return out
}

func getJSON(t *testing.T, c *http.Client, u string, status int, v any) {
	t.Helper()
	got, _, b := getRaw(t, c, u)
	if got != status {
		t.Fatalf("GET %s: %d %s", u, got, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

type problemDoc struct {
	Type   string            `json:"type"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors map[string]string `json:"errors"`
}

// problem sends a request and expects an RFC 9457 answer with status.
func problem(t *testing.T, c *http.Client, method, u, body string, status int) problemDoc {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewBufferString(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%s %s: %d %s, want %d problem+json: %s", method, u, res.StatusCode, res.Header.Get("Content-Type"), status, b)
	}
	var p problemDoc
	if err := json.Unmarshal(b, &p); err != nil || p.Status != status || p.Type == "" {
		t.Fatalf("%s %s: not a problem document: %s", method, u, b)
	}
	return p
}

// TestServicesForms: the save button keeps a draft without JavaScript;
// an administrator's catalogue edit with a broken form definition is
// refused at its field and changes nothing; a valid edit is saved and
// audited; a resident may not open the editor.
func TestServicesForms(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug := world.Municipality
	resident := signedInClient(t, ts.URL, demoLogin(t, world, "resident"))
	res, err := resident.PostForm(ts.URL+"/m/"+slug+"/services/archive/apply", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	edit := res.Request.URL.Path
	if !strings.HasSuffix(edit, "/edit") {
		t.Fatalf("apply led to %s", edit)
	}
	res, err = resident.PostForm(ts.URL+edit, map[string][]string{"do": {"save"}, "organisation": {"Лужский завод «Белкозин», 1985–1992"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.RawQuery != "saved=1" || !strings.Contains(string(body), "Черновик сохранён") || !strings.Contains(string(body), "Белкозин") {
		t.Fatalf("the save button: %s?%s", res.Request.URL.Path, res.Request.URL.RawQuery)
	}
	if export := getPage(t, resident, ts.URL+"/profile/export"); !strings.Contains(export, `"services"`) || !strings.Contains(export, "Белкозин") {
		t.Error("the resident's data export lacks their service applications")
	}
	if res, err := resident.Get(ts.URL + "/admin/m/" + slug + "/services/archive"); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("a resident opens the catalogue editor: %v %v", res.StatusCode, err)
	}

	admin := signedInClient(t, ts.URL, demoLogin(t, world, "municipal_admin"))
	page := getPage(t, admin, ts.URL+"/admin/m/"+slug+"/services/archive")
	if !strings.Contains(page, "125-ФЗ") {
		t.Fatal("the editor does not show the service")
	}
	m, err := a.Services.MunicipalityBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	before, err := a.Services.Entry(app.AsSystem(t.Context()), m.ID, "archive")
	if err != nil {
		t.Fatal(err)
	}
	form := map[string][]string{"name_ru": {before.NameRU}, "legal_basis": {before.LegalBasis}, "term_days": {"20"}, "fee": {"0"},
		"term_working": {"on"}, "active": {"on"}, "extraterritorial": {"on"}, "form": {`[{"code": "x", "kind": "colour", "label_ru": "Цвет"}]`}, "reasons": {"[]"}}
	res, err = admin.PostForm(ts.URL+"/admin/m/"+slug+"/services/archive", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Форма не читается") {
		t.Fatalf("a broken form definition: %d", res.StatusCode)
	}
	if after, _ := a.Services.Entry(app.AsSystem(t.Context()), m.ID, "archive"); after.Term.Days != before.Term.Days {
		t.Fatal("a refused edit changed the service")
	}
	formJSON, _ := json.Marshal(before.Form)
	reasons, _ := json.Marshal(before.Reasons)
	form["form"], form["reasons"] = []string{string(formJSON)}, []string{string(reasons)}
	res, err = admin.PostForm(ts.URL+"/admin/m/"+slug+"/services/archive", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.RawQuery != "saved=1" {
		t.Fatalf("a valid edit: %d at %s", res.StatusCode, res.Request.URL)
	}
	after, _ := a.Services.Entry(app.AsSystem(t.Context()), m.ID, "archive")
	if after.Term.Days != 20 || !after.Term.Working || len(after.Form) != len(before.Form) {
		t.Fatalf("after the edit: %+v", after.Term)
	}
	var n int
	if err := a.DB.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'services.entry.update' AND object_id = $1`, after.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit entries of the edit: %d, %v", n, err)
	}
}

// TestServicesSuspendedTermInTheDemo: the demo holds applications whose
// deadline a suspension moved and others waiting with their term
// suspended; the official sees the suspension on the application's page
// and in the work queue, and the situation board's services figures
// (monitoringServices) count open applications and, of them, the late
// ones exactly as the application pages judge them.
func TestServicesSuspendedTermInTheDemo(t *testing.T) {
	a, world, ts := newDemoServer(t)
	admin := signedInClient(t, ts.URL, demoLogin(t, world, "municipal_admin"))
	var moved, waiting string
	if err := a.DB.Writer().QueryRow(`SELECT application_id FROM services_pauses WHERE days > 0 AND to_ms IS NOT NULL
		ORDER BY application_id LIMIT 1`).Scan(&moved); err != nil {
		t.Fatalf("no demo application has a deadline moved by a suspension: %v", err)
	}
	if err := a.DB.Writer().QueryRow(`SELECT id FROM services_applications WHERE paused_ms IS NOT NULL
		ORDER BY id LIMIT 1`).Scan(&waiting); err != nil {
		t.Fatalf("no demo application waits with its term suspended: %v", err)
	}
	page := getPage(t, admin, ts.URL+"/services/applications/"+moved)
	for _, want := range []string{"Приостановление срока", "Срок приостановлен с ", "; новый срок — ", "продлён на "} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of %s lacks %q", moved, want)
		}
	}
	page = getPage(t, admin, ts.URL+"/services/applications/"+waiting)
	if !strings.Contains(page, "до представления документа") || !strings.Contains(page, "Если документ поступит сегодня") {
		t.Errorf("the page of %s does not show its term suspended", waiting)
	}
	if !strings.Contains(getPage(t, admin, ts.URL+"/work/?source=services"), "Нужен документ, срок приостановлен") {
		t.Error("the work queue does not show a suspended term")
	}

	m, err := a.Services.MunicipalityBySlug(t.Context(), world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := a.DB.Writer().Query(`SELECT id FROM services_applications WHERE tenant_id = $1
		AND state IN ('submitted', 'in_work', 'awaiting_documents')`, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	now := time.Now()
	open, late, suspended := len(ids), 0, 0
	for _, id := range ids {
		ap, err := a.Services.Application(app.AsSystem(t.Context()), id)
		if err != nil {
			t.Fatal(err)
		}
		if ap.Overdue(now) {
			late++
		}
		if ap.Suspended() && !ap.Overdue(now) {
			suspended++
		}
	}
	var sit struct {
		Services struct{ Open, Overdue int }
	}
	getJSON(t, admin, ts.URL+"/api/v1/municipalities/"+world.Municipality+"/situation", http.StatusOK, &sit)
	if sit.Services.Open != open || sit.Services.Overdue != late || suspended == 0 {
		t.Errorf("situation: %d open, %d late; the pages: %d open, %d late, %d suspended in time",
			sit.Services.Open, sit.Services.Overdue, open, late, suspended)
	}
}
