package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
)

// TestServiceApplicationJourney: a resident accepts a proactive offer of
// kindergarten enrolment and completes the pre-filled application (a
// draft saved as they type; a checksum-invalid SNILS and a text file
// posing as a PDF refused with clear messages); an official accepts it
// and asks for a missing document (the service's term runs on: its
// regulation does not suspend it) and sees a demo application whose
// deadline a suspension moved; the resident uploads the document; the
// official approves; the resident downloads the result PDF, whose text
// shows the resident's name in Cyrillic.
func TestServiceApplicationJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	resident, admin := demoLogin(t, world, "resident"), demoLogin(t, world, "municipal_admin")
	name := userName(t, a, resident.Email)
	dir := t.TempDir()
	scan := writeScan(t, dir, "свидетельство.pdf", name)
	fake := filepath.Join(dir, "fake.pdf")
	if err := os.WriteFile(fake, []byte("this is plain text, not a PDF"), 0o644); err != nil {
		t.Fatal(err)
	}

	j.signIn(resident.Email, resident.Password)
	j.open("/m/" + world.Municipality + "/services?q=детские+сады")
	j.expectPage("services/catalog")
	j.b.Contains("#service-list", "детские сады")
	j.b.Both("service-catalog")
	j.open("/m/" + world.Municipality + "/services/stats")
	j.expectPage("services/stats")
	j.b.Contains("#service-stats", "Непредставление документов")
	j.b.Both("service-stats")
	j.open("/proactive")
	j.b.Submit(`form[action$="/accept"] button[aria-label*="детский сад"]`)
	j.expectPage("services/form")
	j.b.Contains("main", "Часть полей заполнена")
	for _, css := range []string{"#f-applicant", "#f-child", "#f-child_birth"} {
		if v := j.b.Eval(`document.querySelector("` + css + `").value`); v == "" {
			t.Fatalf("the offer did not pre-fill %s", css)
		}
	}
	id := strings.TrimSuffix(strings.TrimPrefix(j.path(), "/services/applications/"), "/edit")

	// The draft saves itself as the resident types (htmx), with no button.
	j.b.Fill("#f-snils", "112-233-445 94")
	j.b.Do(chromedp.Poll[chromedp.Void](`document.querySelector("#autosave-status").textContent.includes("Черновик сохранён")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	draft := j.get("/api/v1/services/applications/" + id)
	if !strings.Contains(draft, `snils`) || !strings.Contains(draft, `112-233-445 94`) {
		t.Fatalf("the autosave did not store the draft: %s", draft)
	}

	j.b.Eval(`document.querySelector("#f-start").value = "` + time.Now().AddDate(0, 6, 0).Format(time.DateOnly) + `"`)
	j.b.Select("#f-group", "full")
	j.b.Check("#f-consent")
	j.b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-birth_cert"), []string{fake}))
	j.b.Submit("#submit-application")
	j.expectPage("services/form")
	j.b.Contains("#f-snils-error", "СНИЛС неверен")
	j.b.Contains("#f-birth_cert-error", "тип файла не принимается")
	j.b.Both("service-form-errors")

	j.b.Fill("#f-snils", "112-233-445 95")
	j.b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-birth_cert"), []string{scan}))
	j.b.Submit("#submit-application")
	j.expectPage("services/show")
	j.b.Contains("main", "Заявление отправлено", "Подано", "МУ-")
	j.b.Both("service-submitted")
	j.signOut()

	j.signIn(admin.Email, admin.Password)
	j.open("/admin/m/" + world.Municipality + "/services")
	j.expectPage("services/admin")
	j.b.Both("service-admin-list")
	j.b.Follow(`a[href="/admin/m/` + world.Municipality + `/services/kindergarten"]`)
	j.expectPage("services/admin_edit")
	j.b.Both("service-admin-edit")
	j.open("/work/")
	if !j.b.Has(`a[href="/services/applications/` + id + `"]`) {
		t.Fatal("the application is not in the official's work queue")
	}
	j.open("/services/applications/" + id)
	j.b.Submit("#act-accept")
	j.b.Contains("#app-state", "На рассмотрении")
	j.b.Contains("#request-suspends", "не предусматривает приостановления") // kindergarten registration's term runs
	j.b.Submit("#act-request")
	j.b.Contains("main", "Напишите, какой документ нужен")
	j.fillText("#request-note", "Приложите свидетельство о рождении с отметкой о гражданстве, скан читаемый целиком.")
	j.b.Submit("#act-request")
	j.b.Contains("#app-state", "Нужен документ")
	j.b.Both("service-document-requested")
	// A demo application whose deadline a suspension of its term moved.
	var moved string
	if err := a.DB.Writer().QueryRow(`SELECT application_id FROM services_pauses WHERE days > 0
		ORDER BY application_id LIMIT 1`).Scan(&moved); err != nil {
		t.Fatal(err)
	}
	j.open("/services/applications/" + moved)
	j.b.Contains("#pauses", "Срок приостановлен с", "новый срок")
	j.b.Both("service-term-suspended")
	j.signOut()

	if err := a.Relay.Drain(t.Context()); err != nil { // deliver the events to the notification consumers
		t.Fatal(err)
	}
	j.signIn(resident.Email, resident.Password)
	j.open("/me/notifications")
	j.b.Contains("main", "Нужен документ")
	j.open("/services/applications/" + id)
	j.b.Contains("main", "скан читаемый целиком")
	j.b.Do(chromedp.SetUploadFiles(chromedp.CSS("#p-birth_cert"), []string{scan}))
	j.b.Submit("#provide")
	j.b.Contains("#app-state", "На рассмотрении")
	j.signOut()

	j.signIn(admin.Email, admin.Password)
	j.open("/services/applications/" + id)
	j.fillText("#approve-note", "Ребёнок поставлен на учёт для зачисления в детский сад.")
	j.b.Submit("#act-approve")
	j.b.Contains("#app-state", "Услуга предоставлена")
	j.signOut()

	j.signIn(resident.Email, resident.Password)
	j.open("/services/mine")
	j.expectPage("services/mine")
	j.b.Follow(`a[href="/services/applications/` + id + `"]`)
	j.b.Contains("main", "Услуга предоставлена")
	j.b.Both("service-approved")
	text := pdftest.Text(t, j.b.Download("#result-pdf"))
	if !strings.Contains(text, name) || !strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		t.Fatalf("the result PDF does not show the resident's Cyrillic name %q:\n%s", name, text)
	}
	if !strings.Contains(text, "поставлен на учёт") {
		t.Errorf("the result PDF lacks the decision:\n%s", text)
	}
}

// get fetches a page or API document in the browser's session.
func (j *journey) get(path string) string {
	j.t.Helper()
	return j.b.Eval(`(async () => (await fetch(` + "`" + path + "`" + `)).text())()`)
}

// userName is the name of the demo user with email.
func userName(t *testing.T, a *app.App, email string) string {
	t.Helper()
	us, err := a.Identity.Users(app.AsSystem(t.Context()), identity.UserQuery{Search: email, Limit: 1})
	if err != nil || len(us) != 1 {
		t.Fatalf("user %s: %v", email, err)
	}
	return us[0].Name
}

// writeScan writes a small real PDF, the resident's "scanned" document.
func writeScan(t *testing.T, dir, file, name string) string {
	t.Helper()
	b, err := pdf.New(pdftest.Fonts(t)).Title("Выписка из ЕГРН", name).Paragraph("Сведения об объекте недвижимости.").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
