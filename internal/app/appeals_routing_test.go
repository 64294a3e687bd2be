package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestCategoryQuestionsJourney: the demo municipality's administrator
// opens categories and routing on a phone, gives the streetlight category
// a required question, and a resident's form then asks it only for
// streetlights, refuses the report without it and files it with it; the
// official's page shows the answer.
func TestCategoryQuestionsJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	resident, admin := demoLogin(t, world, "resident"), demoLogin(t, world, "municipal_admin")
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	j.signIn(admin.Email, admin.Password)
	j.b.Resize(browsertest.Phone)
	j.open("/m/" + world.Municipality + "/appeals/routing")
	j.b.NoHorizontalScroll()
	if !strings.Contains(j.b.Text("main"), "Таблица маршрутизации") {
		t.Fatalf("routing page: %.300s", j.b.Text("main"))
	}
	link := strings.Trim(j.b.Eval(`[...document.querySelectorAll("main a")].find(a => a.textContent.startsWith("Не горит фонарь")).getAttribute("href")`), `"`)
	j.open(link)
	j.b.NoHorizontalScroll()
	j.b.Fill("#q-code", "side")
	j.b.Fill("#q-label_ru", "С какой стороны улицы")
	j.b.Fill("#q-label_en", "Which side of the street")
	j.b.Select("#q-datatype", "singlevaluelist")
	j.fillText("#q-values", "odd | Нечётная | Odd\neven | Чётная | Even")
	j.b.Do(chromedp.Click(chromedp.CSS("#q-required")))
	j.b.Submit(`form[action$="/questions"] button[type=submit]`)
	if !strings.Contains(j.b.Text("main"), "С какой стороны улицы") {
		t.Fatalf("the question was not added: %.400s", j.b.Text("main"))
	}

	j.b.Resize(browsertest.Desktop)
	j.signOut()
	j.signIn(resident.Email, resident.Password)
	j.b.Resize(browsertest.Phone)
	j.open("/m/" + world.Municipality + "/appeals/new")
	cat := strings.Trim(j.b.Eval(`[...document.querySelectorAll("#topic option")].find(o => o.textContent.startsWith("Не горит")).value`), `"`)
	catID := strings.TrimPrefix(cat, "report:")
	visible := func(sel string) bool {
		return j.b.Eval(`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); return !!e && e.offsetParent !== null })()`) == "true"
	}
	if visible(`fieldset[data-topic="` + cat + `"]`) {
		t.Error("the streetlight questions show before the category is chosen")
	}
	j.b.Select("#topic", cat)
	if !visible(`fieldset[data-topic="` + cat + `"]`) {
		t.Fatal("the streetlight questions do not show for streetlights")
	}
	j.fillText("#description", "Второй вечер не горит фонарь у подъезда.")
	j.b.Fill("#address", "ул. Ленина, 1")
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
	if !strings.Contains(j.b.Text("main"), "Ответьте на этот вопрос.") {
		t.Fatalf("no message for the missing answer: %.400s", j.b.Text("main"))
	}
	j.b.NoHorizontalScroll()
	j.b.Do(chromedp.Click(chromedp.CSS(`input[name="a.` + catID + `.side"][value="even"]`)))
	j.b.Submit(`form[action$="/appeals"] button[type=submit]`)
	if !strings.Contains(j.b.Location(), "sent=1") {
		t.Fatalf("not filed: %s %.400s", j.b.Location(), j.b.Text("main"))
	}
	if !strings.Contains(j.b.Text("main"), "Чётная") {
		t.Errorf("the answer is not on the item's page: %.600s", j.b.Text("main"))
	}
}
