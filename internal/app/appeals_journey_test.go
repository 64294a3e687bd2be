package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// TestFormalComplaintJourney: a resident files a complaint from the
// municipality's page (a refused form first), an administrator registers,
// assigns and starts it, extends it once (a reasonless try is refused, a
// second extension is not offered) and answers it; each deadline is shown
// with its legal basis, and the resident reads the answer in "My appeals".
func TestFormalComplaintJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	resident, admin := demoLogin(t, world, "resident"), demoLogin(t, world, "municipal_admin")

	j.signIn(resident.Email, resident.Password)
	id := j.fileComplaint()
	j.signOut()

	j.signIn(admin.Email, admin.Password)
	j.open("/appeals/" + id)
	j.expectPage("appeals/show")
	j.appealStep("register", "59-ФЗ, ст. 12 ч. 1", "59-ФЗ, ст. 8 ч. 3")
	j.appealStep("assign")
	j.appealStep("start")
	j.b.Do(chromedp.Click(chromedp.CSS("#step-extend > summary")))
	j.b.Submit(`form[action$="/extend"] button[type=submit]`)
	if !j.b.Has(`#extend-reason[aria-invalid="true"]`) || !j.b.Has("#extend-reason-error") {
		t.Fatal("an extension without a reason: the reason is not marked invalid")
	}
	j.b.Both("appeal-extend-errors")
	j.fillText("#extend-reason", "Направлен запрос в Росреестр (ст. 10 ч. 2).")
	j.b.Fill("#extend-days", "20")
	j.b.Submit(`form[action$="/extend"] button[type=submit]`)
	j.b.Contains("main", "59-ФЗ, ст. 12 ч. 2", "Срок продлён")
	if j.b.Has(`form[action$="/extend"]`) {
		t.Fatal("a second extension is offered")
	}
	j.b.Do(chromedp.Click(chromedp.CSS("#step-answer > summary")))
	j.fillText("#answer-answer", "Вывоз мусора восстановлен, график передан управляющей компании.")
	j.b.Submit(`form[action$="/answer"] button[type=submit]`)
	j.b.Contains("main", "Дан ответ", "график передан")
	j.b.Both("appeal-answered-official")
	j.signOut()

	j.signIn(resident.Email, resident.Password)
	j.open("/appeals/mine")
	j.expectPage("appeals/mine")
	j.b.Follow(`a[href="/appeals/` + id + `"]`)
	j.b.Contains("main", "Дан ответ", "график передан", "59-ФЗ, ст. 12 ч. 2")
	j.b.Both("appeal-answered-resident")
}

// fileComplaint files a complaint through the municipality page's link
// and returns its id.
func (j *journey) fileComplaint() string {
	j.t.Helper()
	j.open("/m/" + j.world.Municipality + "/")
	j.b.Follow(`a[href="/m/` + j.world.Municipality + `/appeals/new"]`)
	j.expectPage("appeals/new")
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
	if !j.b.Has(`#topic[aria-invalid="true"]`) || !j.b.Has("#description-error") {
		j.t.Fatal("an empty appeal: topic and description are not marked invalid")
	}
	j.b.Both("appeal-new-errors")
	j.b.Select("#topic", "appeal:complaint")
	j.fillText("#description", "Во дворе дома 5 по ул. Кирова третью неделю не вывозят мусор.")
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
	j.expectPage("appeals/show")
	j.b.Contains("main", "Жалоба", "Поступило", "59-ФЗ, ст. 8 ч. 2")
	j.b.Both("appeal-filed")
	id, ok := strings.CutPrefix(j.path(), "/appeals/")
	if !ok || id == "" {
		j.t.Fatalf("after filing the browser is at %s", j.path())
	}
	return id
}

// appealStep opens a workflow step on the detail page, submits it with
// its defaults and checks the page then shows each of want.
func (j *journey) appealStep(act string, want ...string) {
	j.t.Helper()
	j.b.Do(chromedp.Click(chromedp.CSS("#step-" + act + " > summary")))
	j.b.Submit(`form[action$="/` + act + `"] button[type=submit]`)
	j.expectPage("appeals/show")
	if j.b.Has(".alert.bad") {
		j.t.Fatalf("step %s refused: %s", act, j.b.Text(".alert.bad"))
	}
	j.b.Contains("main", want...)
}

// fillText types into a textarea (chromedp cannot clear an empty one).
func (j *journey) fillText(css, value string) {
	j.t.Helper()
	j.b.Do(chromedp.WaitVisible(chromedp.CSS(css)))
	j.b.Eval(fmt.Sprintf(`document.querySelector(%q).value = ""`, css))
	j.b.Do(chromedp.SendKeys(chromedp.CSS(css), value))
}

// demoLogin is the first demo account with role.
func demoLogin(t *testing.T, w *app.DemoWorld, role string) app.DemoLogin {
	t.Helper()
	for _, l := range w.Logins {
		if l.Role == role {
			return l
		}
	}
	t.Fatalf("the demo has no %s login", role)
	return app.DemoLogin{}
}

// TestIssueReportJourney: a resident reports a pothole with coordinates,
// files a second report at the same spot, is offered the first as a
// nearby duplicate and files anyway; an administrator assigns the report
// and marks it fixed; the resident confirms with a rating; the public
// list of the municipality shows it closed.
func TestIssueReportJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	resident, admin := demoLogin(t, world, "resident"), demoLogin(t, world, "municipal_admin")
	muni, err := a.Territory.NodeBySlug(context.Background(), world.Municipality)
	if err != nil || muni.Center == nil {
		t.Fatalf("the demo municipality has no centre: %v", err)
	}
	j.signIn(resident.Email, resident.Password)
	// The pin is set on the map, some 20 km north-east of the centre, far
	// from the demo's reports (which lie within 3 km of it), so only this
	// journey's reports are near it. A photo larger than the 1 MB other
	// routes take goes with it.
	photo := filepath.Join(t.TempDir(), "pothole.png")
	if err := os.WriteFile(photo, noisePNG(t, 700), 0o600); err != nil {
		t.Fatal(err)
	}
	lat, lon := j.pinReport(0.3, -0.3, "ул. Журнальная, 7", photo)
	if j.b.Has("#nearby-h") {
		t.Fatal("the first report at a fresh spot was offered a duplicate")
	}
	j.expectPage("appeals/show")
	served := j.b.Eval(`fetch(document.querySelector(".photos img").src).then(r => r.status + " " + r.headers.get("Content-Type"))`)
	if served != `"200 image/png"` {
		t.Fatalf("the report's photo: %s", served)
	}
	if la, lo := mustFloat(t, lat), mustFloat(t, lon); la < muni.Center.Lat+0.05 || lo < muni.Center.Lon+0.05 {
		t.Fatalf("the map set the pin at %s, %s: not north-east of the centre %v", lat, lon, *muni.Center)
	}
	// The same spot typed in: the keyboard way to give the point.
	j.fileReport(lat, lon, "ул. Журнальная, 7а")
	if !j.b.Has("#nearby-h") || !j.b.Has(`form[action$="/support"]`) {
		t.Fatalf("the second report at the same spot was not offered the first: %.400s", j.b.Text("main"))
	}
	j.b.Both("report-nearby")
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`) // send it anyway
	j.expectPage("appeals/show")
	id, _ := strings.CutPrefix(j.path(), "/appeals/")
	j.b.Contains("main", "Регламент категории «Яма на дороге»")
	j.signOut()

	j.signIn(admin.Email, admin.Password)
	j.open("/appeals/" + id)
	j.appealStep("register")
	j.appealStep("assign")
	j.appealStep("start")
	j.b.Do(chromedp.Click(chromedp.CSS("#step-fix > summary")))
	j.fillText("#fix-answer", "Яму заделали холодным асфальтом.")
	j.b.Submit(`form[action$="/fix"] button[type=submit]`)
	j.b.Contains("main", "Исправлено")
	j.signOut()

	j.signIn(resident.Email, resident.Password)
	j.open("/appeals/" + id)
	j.b.Contains("main", "Яму заделали")
	j.b.Select("#confirm-rating", "4")
	j.b.Submit(`form[action$="/confirm"] button[type=submit]`)
	j.b.Contains("main", "оценка 4 из 5")
	j.b.Both("report-confirmed")

	j.open("/m/" + world.Municipality + "/reports?status=closed")
	j.expectPage("appeals/reports")
	j.b.Contains("main", "ул. Журнальная, 7а")
	j.b.Both("reports-closed")
}

// fileReport reports a pothole at a point typed into the municipality's
// form.
func (j *journey) fileReport(lat, lon, address string) {
	j.t.Helper()
	j.describePothole(address)
	j.b.Fill("#lat", lat)
	j.b.Fill("#lon", lon)
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
}

// pinReport reports a pothole by tapping the form's map at an offset from
// its centre (fractions of the map's shorter side: right and down are
// positive), with photos (file paths); it returns the coordinates the map
// put in the form.
func (j *journey) pinReport(dx, dy float64, address string, photos ...string) (lat, lon string) {
	j.t.Helper()
	j.describePothole(address)
	if len(photos) > 0 {
		j.b.Do(chromedp.SetUploadFiles(chromedp.CSS("#photos"), photos))
	}
	var box struct{ X, Y, W, H float64 }
	// Leaflet loads deferred: wait until it has drawn the map.
	j.b.EvalInto(`(async () => {
		const el = document.querySelector("#pin-map");
		for (let i = 0; i < 200 && !el.classList.contains("leaflet-container"); i++) await new Promise(r => setTimeout(r, 25));
		el.scrollIntoView({block: "center"});
		const b = el.getBoundingClientRect();
		return {X: b.x, Y: b.y, W: b.width, H: b.height};
	})()`, &box)
	if box.W == 0 || box.H == 0 {
		j.t.Fatal("the submission form shows no map")
	}
	side := min(box.W, box.H)
	j.b.Do(chromedp.MouseClickXY(box.X+box.W/2+dx*side, box.Y+box.H/2+dy*side))
	lat, lon = strings.Trim(j.b.Eval(`document.querySelector("#lat").value`), `"`), strings.Trim(j.b.Eval(`document.querySelector("#lon").value`), `"`)
	if lat == "" || lon == "" || !j.b.Has("#pin-map path.leaflet-interactive") {
		j.t.Fatalf("tapping the map set no pin: %q, %q", lat, lon)
	}
	j.b.Both("report-pin")
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
	return lat, lon
}

// describePothole opens the form and fills in all but the point.
func (j *journey) describePothole(address string) {
	j.t.Helper()
	j.open("/m/" + j.world.Municipality + "/appeals/new")
	cat := j.b.Eval(`[...document.querySelectorAll("#topic option")].find(o => o.textContent.startsWith("Яма")).value`)
	j.b.Select("#topic", strings.Trim(cat, `"`))
	j.fillText("#description", "Глубокая яма на проезжей части, машины объезжают по встречной.")
	j.b.Fill("#address", address)
}

// noisePNG is a side×side PNG of noise, which does not compress: some
// 1.9 MB for 700.
func noisePNG(t *testing.T, side int) []byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(7, 11))
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = uint8(rnd.UintN(256))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// TestAppealsUseTerritoryBoundaries: a report pinned inside the demo
// municipality's boundary is accepted, one pinned in Moscow is refused.
func TestAppealsUseTerritoryBoundaries(t *testing.T) {
	a := newTestApp(t, db.SQLite)
	world, err := a.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	muni, err := a.Territory.NodeBySlug(ctx, world.Municipality)
	if err != nil || muni.Center == nil {
		t.Fatalf("demo municipality: %v", err)
	}
	cats, err := a.Appeals.Categories(ctx, muni.ID)
	if err != nil || len(cats) == 0 {
		t.Fatalf("demo categories: %v", err)
	}
	resident := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: "boundary-test", Name: "Тест Границ"})
	in := appeals.SubmitInput{TenantID: muni.ID, Regime: appeals.RegimeReport, CategoryID: cats[0].ID,
		Description: "Проверка границы муниципалитета.", Point: &appeals.Point{Lat: muni.Center.Lat, Lon: muni.Center.Lon}}
	if _, err := a.Appeals.Submit(resident, in); err != nil {
		t.Fatalf("a pin at the centre: %v", err)
	}
	in.Point = &appeals.Point{Lat: 55.7558, Lon: 37.6173}
	_, err = a.Appeals.Submit(resident, in)
	if fe, ok := fault.As(err); !ok || fe.Fields["point"] != "appeals.point.outside" {
		t.Fatalf("a pin in Moscow: %v", err)
	}
}
