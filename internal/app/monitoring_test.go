package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
	"github.com/xuri/excelize/v2"
)

// client is a cookie-keeping HTTP client signed in as a demo login (or
// anonymous when email is "").
func signedClient(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email == "" {
		return c
	}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: status %d", email, res.StatusCode)
	}
	return c
}

// neighbourSlug is a demo municipality other than the main one.
func neighbourSlug(t *testing.T, a *app.App, main string) string {
	t.Helper()
	ms, err := a.Territory.Municipalities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Demo && m.Slug != main && m.Region.ID != "" {
			if _, err := a.Monitoring.Municipality(context.Background(), m.Slug); err == nil {
				if n, _ := a.Territory.NodeBySlug(context.Background(), main); strings.HasPrefix(m.Path, "/"+strings.Split(strings.TrimPrefix(n.Path, "/"), "/")[0]+"/") {
					return m.Slug
				}
			}
		}
	}
	t.Fatal("the demo has no second municipality")
	return ""
}

// TestMonitoringAccess: the public pages answer everyone; the situation
// centre and its data only the municipality's staff, as a page (sign-in
// redirect, 403) and as problem+json; indicator entry only its
// administrators — another municipality's administrator is refused.
func TestMonitoringAccess(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug, other := world.Municipality, neighbourSlug(t, a, world.Municipality)
	admin, resident, operator := demoLogin(t, world, "municipal_admin"), demoLogin(t, world, "resident"), demoLogin(t, world, "operator")
	anon := signedClient(t, ts.URL, "", "")
	asAdmin := signedClient(t, ts.URL, admin.Email, admin.Password)
	asResident := signedClient(t, ts.URL, resident.Email, resident.Password)
	asOperator := signedClient(t, ts.URL, operator.Email, operator.Password)

	for _, p := range []string{"/m/" + slug + "/now", "/m/" + slug + "/indicators", "/m/" + slug + "/indicators/region?code=607.37",
		"/api/v1/municipalities/" + slug + "/indicators?year=2024&set=607"} {
		if code, _, body := getRaw(t, anon, ts.URL+p); code != http.StatusOK {
			t.Errorf("anonymous %s: %d %.200s", p, code, body)
		}
	}
	for _, c := range []struct {
		who  *http.Client
		path string
		code int
		ct   string
	}{
		{anon, "/m/" + slug + "/situation", http.StatusSeeOther, ""},
		{anon, "/api/v1/municipalities/" + slug + "/situation", http.StatusUnauthorized, "application/problem+json"},
		{asResident, "/m/" + slug + "/situation", http.StatusForbidden, "text/html"},
		{asResident, "/api/v1/municipalities/" + slug + "/situation", http.StatusForbidden, "application/problem+json"},
		{asResident, "/api/v1/municipalities/" + slug + "/situation?since=1", http.StatusForbidden, "application/problem+json"},
		{asOperator, "/api/v1/municipalities/" + slug + "/situation", http.StatusOK, "application/json"},
		{asOperator, "/api/v1/municipalities/" + slug + "/situation?since=abc", http.StatusBadRequest, "application/problem+json"},
		{asOperator, "/m/" + slug + "/indicators/edit", http.StatusForbidden, "text/html"},
		{asAdmin, "/m/" + slug + "/indicators/edit", http.StatusOK, "text/html"},
		{asAdmin, "/m/" + other + "/indicators/edit", http.StatusForbidden, "text/html"},
		{asAdmin, "/api/v1/municipalities/" + other + "/situation", http.StatusForbidden, "application/problem+json"},
		{anon, "/api/v1/municipalities/" + slug + "/indicators?year=nineteen", http.StatusBadRequest, "application/problem+json"},
		{anon, "/api/v1/municipalities/nowhere/indicators", http.StatusNotFound, "application/problem+json"},
	} {
		code, ct, body := getRaw(t, c.who, ts.URL+c.path)
		if code != c.code || !strings.HasPrefix(ct, c.ct) {
			t.Errorf("%s: %d %s, want %d %s: %.200s", c.path, code, ct, c.code, c.ct, body)
		}
	}

	// The data endpoint answers 204 while nothing changes.
	_, _, body := getRaw(t, asOperator, ts.URL+"/api/v1/municipalities/"+slug+"/situation")
	var st struct {
		Generation uint64   `json:"generation"`
		Off        []string `json:"not_connected"`
		Appeals    *struct{ Open int }
	}
	if err := json.Unmarshal(body, &st); err != nil || st.Appeals == nil || st.Appeals.Open == 0 {
		t.Fatalf("situation JSON: %v %.300s", err, body)
	}
	if code, _, _ := getRaw(t, asOperator, ts.URL+"/api/v1/municipalities/"+slug+"/situation?since="+strconv.FormatUint(st.Generation, 10)); code != http.StatusNoContent {
		t.Errorf("unchanged since %d: status %d, want 204", st.Generation, code)
	}

	// A POST from another municipality's administrator writes nothing.
	res, err := asAdmin.PostForm(ts.URL+"/m/"+other+"/indicators/values", url.Values{"code": {"607.1"}, "period": {"2030"}, "kind": {"actual"}, "value": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("another municipality's value: status %d", res.StatusCode)
	}
	rep, err := a.Monitoring.Report(context.Background(), other, 2030, "607")
	if err != nil || rep.Filled != 0 {
		t.Errorf("another municipality's report after a refused write: %d filled, %v", rep.Filled, err)
	}
}

// TestIndicatorEntryAndExport: an administrator enters a figure (a bad
// one is refused with the field's message and nothing stored), imports a
// CSV, and downloads the report as XLSX with the figures in it.
func TestIndicatorEntryAndExport(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug := world.Municipality
	admin := demoLogin(t, world, "municipal_admin")
	c := signedClient(t, ts.URL, admin.Email, admin.Password)

	post := func(form url.Values) (int, string) {
		res, err := c.PostForm(ts.URL+"/m/"+slug+"/indicators/values?year=2031", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := post(url.Values{"code": {"607.37"}, "period": {"2031"}, "kind": {"actual"}, "value": {"много"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="f-value-error"`) {
		t.Fatalf("bad value: %d %.300s", code, body)
	}
	if rep, _ := a.Monitoring.Report(context.Background(), slug, 2031, "607"); rep.Filled != 0 {
		t.Fatal("a refused value was stored")
	}
	if code, _ := post(url.Values{"code": {"607.37"}, "period": {"2031"}, "kind": {"actual"}, "value": {"61,5"}}); code != http.StatusSeeOther {
		t.Fatalf("good value: %d", code)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "values.csv")
	fw.Write([]byte("code;period;value;target\n607.1;2031;333;350\n"))
	mw.Close()
	res, err := c.Post(ts.URL+"/m/"+slug+"/indicators/import?year=2031", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "imported=2") {
		t.Fatalf("import: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	code, ct, body := getRaw(t, signedClient(t, ts.URL, "", ""), ts.URL+"/m/"+slug+"/indicators/report.xlsx?year=2031&set=607")
	if code != http.StatusOK || !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", code, ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, r := range rows {
		r = append(r, "", "", "", "", "", "", "") // trailing empty cells are left out
		if r[0] == "607.37" || r[0] == "607.1" {
			found[r[0]] = r[5] + "/" + r[6]
		}
	}
	if found["607.37"] != "61.5/" || found["607.1"] != "333/350" {
		t.Fatalf("xlsx rows: %v (header %v)", found, rows[2])
	}

	code, ct, body = getRaw(t, signedClient(t, ts.URL, "", ""), ts.URL+"/m/"+slug+"/indicators/report.pdf?year=2031&set=607")
	if code != http.StatusOK || ct != "application/pdf" {
		t.Fatalf("pdf: %d %s", code, ct)
	}
	if text := strings.Join(strings.Fields(pdftest.Text(t, body)), " "); !strings.Contains(text, "2031: 61,5") || !strings.Contains(text, "2031: 333") {
		t.Fatalf("the PDF lacks the figures: %.500s", text)
	}
}

// TestSituationCentreInBrowser: an official keeps the situation centre
// open; a resident's new report appears in its counters without a reload.
// The public page, the indicators, the region view and the entry page
// pass axe on a phone.
func TestSituationCentreInBrowser(t *testing.T) {
	a, world, ts := newDemoServer(t)
	slug := world.Municipality
	admin := demoLogin(t, world, "municipal_admin")
	b := browsertest.New(t)
	j := &journey{t: t, a: a, b: b, base: ts.URL, world: world}
	j.signIn(admin.Email, admin.Password)

	b.Resize(browsertest.Desktop)
	j.open("/m/" + slug + "/situation")
	j.expectPage("monitoring/situation")
	b.Axe("monitoring/situation")
	b.NoPageErrors("monitoring/situation")
	if !b.Has("#situation-map .leaflet-control-layers") {
		t.Fatal("the map has no layer switch")
	}
	var before int
	b.EvalInto(`parseInt(document.querySelector('[data-field="appeals.open"]').textContent, 10)`, &before)
	b.Eval(`window.__stillHere = "yes"`)
	b.Both("situation")

	ctx := context.Background()
	n, err := a.Territory.NodeBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := a.Appeals.Categories(ctx, n.ID)
	if err != nil || len(cats) == 0 {
		t.Fatal(err)
	}
	resident := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: "situation-test", Name: "Тест Ситуации"})
	if _, err := a.Appeals.Submit(resident, appeals.SubmitInput{TenantID: n.ID, Regime: appeals.RegimeReport, CategoryID: cats[0].ID,
		Description: "Не горит фонарь у остановки.", Point: &appeals.Point{Lat: n.Center.Lat, Lon: n.Center.Lon}}); err != nil {
		t.Fatal(err)
	}
	// Wait, in the page, until the counter shows the new report.
	want := strconv.Itoa(before + 1)
	b.Eval(`new Promise(function (done) {
		var el = document.querySelector('[data-field="appeals.open"]');
		function ok() { if (el.textContent.trim() === "` + want + `") { done(true); return true; } return false; }
		if (!ok()) new MutationObserver(ok).observe(el, { childList: true, characterData: true, subtree: true });
	})`)
	var kept string
	b.EvalInto(`window.__stillHere || ""`, &kept)
	if kept != "yes" {
		t.Fatal("the page was reloaded to show the new report")
	}
	b.Both("situation-updated")

	b.Resize(browsertest.Phone)
	for _, p := range []struct{ path, page string }{
		{"/m/" + slug + "/now", "monitoring/now"},
		{"/m/" + slug + "/indicators?year=" + strconv.Itoa(time.Now().Year()-1), "monitoring/indicators"},
		{"/m/" + slug + "/indicators/region?code=607.23&year=" + strconv.Itoa(time.Now().Year()-1), "monitoring/region"},
		{"/m/" + slug + "/indicators/edit", "monitoring/edit"},
		{"/m/" + slug + "/situation", "monitoring/situation"},
	} {
		j.open(p.path)
		j.expectPage(p.page)
		b.Axe(p.page)
		b.NoHorizontalScroll()
		b.NoPageErrors(p.page)
		b.Both(strings.ReplaceAll(p.page, "/", "-"))
	}
	if !b.Has(`#situation-map`) {
		t.Fatal("no map on the phone")
	}
}
