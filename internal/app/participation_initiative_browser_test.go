package app_test

import (
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestInitiativeJourney: a verified resident opens the initiative
// projects, registers a group (an empty form is refused with messages),
// supports the new project once, and sees the demo's rejected project with
// its refunds; on a phone and a desktop, with no accessibility violations.
func TestInitiativeJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	fresh := demoLogin(t, world, app.DemoVerifiedResident)
	j.signIn(fresh.Email, fresh.Password)

	j.open("/m/" + world.Municipality + "/participation/")
	j.b.Follow(`main a[href$="/participation/initiatives"]`)
	j.expectPage("participation/initiatives")
	j.b.Contains("main", "Благоустройство сквера на Школьной", "на рассмотрении", "отклонён")
	j.b.Both("initiatives")

	j.b.Follow(`main a[href$="/initiatives/new"]`)
	j.expectPage("participation/initiative_new")
	j.b.Submit(`main form button[type=submit]`)
	if !j.b.Has(`#title-error`) || !j.b.Has(`#cost-error`) {
		t.Fatal("an empty registration is not refused with messages")
	}
	j.b.Fill("#title", "Спортивная площадка у пруда")
	j.fillText("#description", "Турники и брусья на пустыре у пруда.")
	j.b.Fill("#cost", "450 000")
	j.b.Both("initiative-new")
	j.b.Submit(`main form button[type=submit]`)
	j.expectPage("participation/initiative")
	j.b.Contains("main", "Группа зарегистрирована", "Спортивная площадка у пруда", "450\u00a0000")
	j.b.Submit(`form[action$="/support"] button[type=submit]`)
	j.expectPage("participation/initiative")
	j.b.Contains("main", "ваша поддержка учтена")
	j.b.Contains("#supports", "1")
	j.b.Submit(`form[action$="/support"] button[type=submit]`)
	j.b.Contains("main", "Вы уже поддержали этот проект")
	j.b.Both("initiative")

	j.open("/m/" + world.Municipality + "/participation/initiatives")
	j.b.Follow(`main li.card:has(.badge.bad) h2 a`)
	j.expectPage("participation/initiative")
	j.b.Contains("main", "Возвращено", "Дебет и кредит сходятся", "региональной дорожной службы")
	j.b.Both("initiative-rejected")
}
