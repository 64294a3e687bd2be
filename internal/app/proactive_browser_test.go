package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestProactiveInBrowser: on a phone the demo resident sees their offers
// with what will be pre-filled, declines one, withdraws their consent,
// is shown the consent text, is asked to tick the box and gives it again;
// on a desktop the municipality's administrator opens the proactive page
// and a rule, and a condition naming an unknown fact comes back with the
// message at the field. Every state passes axe at phone and desktop width.
func TestProactiveInBrowser(t *testing.T) {
	_, world, ts := newDemoServer(t)
	b := browsertest.New(t)
	b.Resize(browsertest.Phone)
	signIn := func(l string, password string) {
		b.Open(ts.URL + "/login")
		b.Fill("#email", l)
		b.Fill("#password", password)
		b.Submit(`form[action="/login"] button[type=submit]`)
		if !b.Has("#logout") {
			t.Fatalf("sign-in as %s failed at %s", l, b.Location())
		}
	}
	res := demoLogin(t, world, auth.RoleResident.String())
	signIn(res.Email, res.Password)
	b.Open(ts.URL + "/proactive")
	b.Contains("main", "Постановка на учёт в детский сад", "Дарья", "Подать заявление", "Отказаться")
	b.Both("proactive-offers")
	b.Submit(`form[action$="/decline"] button`)
	b.Contains("main", "Предложение отклонено", "Отклонено")
	b.Submit(`form[action="/proactive/consent/withdraw"] button`)
	b.Contains("main", "Согласие отозвано", "Согласие на проактивную обработку персональных данных", "152-ФЗ")
	b.Both("proactive-consent")
	b.Submit(`form[action="/proactive/consent"] button`)
	b.Contains("main", "Отметьте согласие")
	b.Axe("proactive-consent-error")
	b.Check("#agree")
	b.Submit(`form[action="/proactive/consent"] button`)
	b.Contains("main", "Согласие дано", "Закрыто (согласие отозвано)")
	b.Resize(browsertest.Desktop) // on a phone sign-out is in the folded menu
	b.Submit("#logout")
	signIn(adminEmail(t, world), res.Password)
	b.Open(ts.URL + "/m/" + world.Municipality + "/proactive")
	b.Contains("main", "Правила", "Постановка на учёт в детский сад", "Загрузка событий из CSV", "child_born")
	b.Both("proactive-overview")
	b.Follow(`a[href$="/proactive/rules/new"]`)
	b.Fill("#code", "passport_14")
	b.Fill("#name", "Паспорт в 14 лет")
	b.Fill("#service_code", "archive-certificate")
	// chromedp cannot set an empty textarea's text: set its value.
	setWhen := func(v string) { b.Eval(fmt.Sprintf(`document.querySelector("#when").value = %q`, v)) }
	setWhen(`{"fact": "salary", "op": ">", "value": 1}`)
	b.Submit(`form[action$="/proactive/rules"] button[type=submit]`)
	if msg := b.Text("#when-error"); !strings.Contains(msg, "неизвестный факт «salary»") {
		t.Fatalf("condition message: %q", msg)
	}
	if n := b.Eval(`document.querySelectorAll(".field-error").length`); n != "1" {
		t.Fatalf("%s fields marked wrong, want only the condition", n)
	}
	b.Both("proactive-rule-error")
	setWhen(`{"fact": "age", "op": "=", "value": 14}`)
	b.Submit(`form[action$="/proactive/rules"] button[type=submit]`)
	b.Contains("main", "Правило сохранено (версия 1)")
}
