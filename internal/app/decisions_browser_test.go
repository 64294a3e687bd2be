package app_test

import (
	"fmt"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestDecisionJourney: the municipality's administrator builds a decision
// case from three options and four criteria in the browser, weighs the
// criteria by AHP judgements (a contradictory set is refused naming the
// pair to revisit), drafts and publishes the decision; a resident then
// finds it by searching the register and follows it. On a phone and a
// desktop, with no accessibility violations.
func TestDecisionJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	adm := j.admin()
	j.signIn(adm.Email, adm.Password)

	j.open("/m/" + world.Municipality + "/decision-cases")
	j.expectPage("decisions/cases")
	j.b.Fill("#case-title", "Мост через Чёрную речку")
	j.fillText("#case-question", "Ремонтировать старый мост или строить новый?")
	j.b.Submit(`form[action$="/decision-cases"] button[type=submit]`)
	j.expectPage("decisions/case")

	criteria := []struct{ name, kind, unit string }{
		{"Стоимость", "cost", "млн ₽"}, {"Срок службы", "benefit", "лет"}, {"Пропускная способность", "benefit", "авт./ч"}, {"Срок работ", "cost", "мес."}}
	for _, c := range criteria {
		j.b.Fill("#cr-name", c.name)
		j.b.Select("#cr-kind", c.kind)
		j.b.Fill("#cr-unit", c.unit)
		j.b.Submit(`form[action$="/criteria"] button[type=submit]`)
		j.b.Contains("#criteria", c.name)
	}
	options := []struct {
		name   string
		scores []string
	}{
		{"Капитальный ремонт", []string{"40", "25", "800", "8"}},
		{"Новый мост", []string{"120", "70", "1600", "20"}},
		{"Временная переправа", []string{"10", "5", "300", "2"}},
	}
	for _, o := range options {
		j.b.Fill("#op-name", o.name)
		j.b.Fill("#op-cost0", "10 000 000")
		j.b.Submit(`form[action$="/options"] button[type=submit]`)
		j.b.Contains("#options", o.name)
	}
	for i, o := range options {
		for k, v := range o.scores {
			j.b.Fill(fmt.Sprintf("#s-%d-%d", i, k), v)
		}
	}
	j.b.Submit(`form[action$="/scores"] button[type=submit]`)

	// A circle of judgements: cost ≫ life, life ≫ capacity, capacity ≫ cost.
	j.b.Select("#j-0-1", "9")
	j.b.Select("#j-1-2", "9")
	j.b.Select("#j-0-2", "1/9")
	j.b.Submit(`form[action$="/weights"] input[value=ahp] ~ button[type=submit]`)
	j.expectPage("decisions/case")
	j.b.Contains("#refused", "CR", "0,10")
	j.b.Both("decision-case-refused")

	// Consistent enough: cost moderately over life and capacity, strongly
	// over the works' duration.
	for id, v := range map[string]string{"#j-0-1": "3", "#j-0-2": "3", "#j-0-3": "5", "#j-1-2": "1", "#j-1-3": "3", "#j-2-3": "3"} {
		j.b.Select(id, v)
	}
	j.b.Submit(`form[action$="/weights"] input[value=ahp] ~ button[type=submit]`)
	j.b.Contains("main", "Изменения сохранены", "CR =")
	if j.b.Has("#refused") {
		t.Fatal("consistent judgements were refused")
	}
	// Cost and duration weigh most, so the cheap, quick crossing ranks first.
	j.b.Contains("#result-h + p + .table-wrap tbody tr:first-child", "Временная переправа")
	j.b.Contains("#sensitivity", "первое место сохраняется")
	j.b.Both("decision-case")

	j.b.Follow(`a[href*="/decisions/new?case="]`)
	j.expectPage("decisions/new")
	j.b.Select("#body", "head")
	j.b.Fill("#number", "88-пг")
	j.fillText("#text", "Устроить временную переправу через Чёрную речку до конца года и закрыть старый мост.")
	j.b.Both("decision-new")
	j.b.Submit(`main form button[type=submit]`)
	j.expectPage("decisions/decision")
	j.b.Contains("main", "Черновик", "Временная переправа", "TOPSIS")
	j.b.Submit(`form[action$="/publish"] button[type=submit]`)
	j.b.Contains("main", "Решение опубликовано")
	j.signOut()

	res := demoLogin(t, world, app.DemoVerifiedResident)
	j.signIn(res.Email, res.Password)
	j.open("/m/" + world.Municipality + "/decisions/")
	j.expectPage("decisions/register")
	j.b.Fill("#q", "чёрную речку")
	j.b.Submit(`form[role=search] button[type=submit]`)
	j.b.Contains("main", "Мост через Чёрную речку")
	j.b.Both("decision-register")
	j.b.Follow(`main li.card h2 a`)
	j.expectPage("decisions/decision")
	j.b.Contains("main", "Глава муниципального образования", "88-пг", "Запланировано")
	if j.b.Has(`form[action$="/publish"]`) {
		t.Error("a resident is offered to publish")
	}
	j.b.Submit(`form[action$="/follow"] button[type=submit]`)
	j.b.Contains("main", "Вы подписаны")
	j.b.Both("decision")
}
