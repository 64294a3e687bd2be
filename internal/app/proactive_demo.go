package app

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/services/proactive"
)

// demoProactiveRules are the demo municipality's proactive rules, one
// per demo service that a life event can call for.
func demoProactiveRules() []proactive.Rule {
	cond := func(s string) proactive.Cond {
		c, err := proactive.ParseCond(s)
		if err != nil {
			panic(err) // the demo's own constants
		}
		return c
	}
	// Field codes of the services domain's demo forms.
	applicant := map[string]string{"applicant": "full_name", "snils": "snils"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range applicant {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	return []proactive.Rule{
		{Code: "kindergarten_on_birth", Name: "Постановка на учёт в детский сад", NameEN: "Kindergarten enrolment queue",
			EventType: "child_born", PerChild: true, ServiceCode: "kindergarten", LifetimeDays: 60,
			When:    cond(`{"all": [{"fact": "child.age_months", "op": "<", "value": 36}, {"not": {"fact": "child.attr.kindergarten", "op": "exists"}}]}`),
			Prefill: with(map[string]string{"child": "child.name", "child_birth": "child.birth_date"})},
		{Code: "address_on_commissioning", Name: "Присвоение адреса построенному дому", NameEN: "Address for a new building",
			EventType: "building_commissioned", ServiceCode: "address", LifetimeDays: 90,
			When:    cond(`{"fact": "event.cadastral_number", "op": "exists"}`),
			Prefill: with(map[string]string{"cadastre": "event.cadastral_number", "location": "event.object_address"})},
		{Code: "residential_garden_house", Name: "Признание садового дома жилым", NameEN: "Recognising a garden house as residential",
			EventType: "building_commissioned", ServiceCode: "residential", LifetimeDays: 90,
			When:    cond(`{"fact": "event.object_kind", "op": "=", "value": "garden_house"}`),
			Prefill: with(map[string]string{"address": "event.object_address", "area": "event.area"})},
		{Code: "earthworks_on_land", Name: "Разрешение на земляные работы для подключения участка", NameEN: "Earthworks permit to connect a plot",
			EventType: "land_acquired", ServiceCode: "earthworks", LifetimeDays: 60,
			When:    cond(`{"fact": "event.cadastral_number", "op": "exists"}`),
			Prefill: with(map[string]string{"cadastre": "event.cadastral_number", "address": "event.plot_address"})},
		{Code: "tree_felling_on_land", Name: "Разрешение на вырубку деревьев на участке", NameEN: "Tree-felling permit on a plot",
			EventType: "land_acquired", ServiceCode: "tree-felling", LifetimeDays: 60,
			When:    cond(`{"fact": "event.trees", "op": "=", "value": true}`),
			Prefill: with(map[string]string{"cadastre": "event.cadastral_number", "address": "event.plot_address"})},
		{Code: "archive_for_pension", Name: "Архивная справка о стаже к пенсии", NameEN: "Archival certificate of service for the pension",
			EventType: "pension_age", ServiceCode: "archive", LifetimeDays: 90,
			Prefill: with(map[string]string{"organisation": "event.employer"})},
		{Code: "housing_large_family", Name: "Учёт многодетной семьи как нуждающейся в жилье", NameEN: "Housing register for a large family",
			EventType: "large_family", ServiceCode: "housing-need", LifetimeDays: 90,
			When:    cond(`{"all": [{"fact": "attr.large_family", "op": "=", "value": true}, {"fact": "attr.housing_m2_per_person", "op": "<", "value": 12}]}`),
			Prefill: with(map[string]string{"family": "attr.family_size", "area": "attr.housing_m2"})},
		{Code: "trading_site_entrepreneur", Name: "Место для нестационарной торговли", NameEN: "A trading site for a new entrepreneur",
			ServiceCode: "trading-site", LifetimeDays: 30,
			When:    cond(`{"all": [{"fact": "attr.entrepreneur", "op": "=", "value": true}, {"fact": "age", "op": ">=", "value": 18}]}`),
			Prefill: with(map[string]string{"goods": "attr.trade_kind"})},
	}
}

// demoProactive gives the main demo municipality its rules and a register
// of its residents built from life events (moving in, children born,
// plots acquired, pension age, large families). The demo resident and
// every third resident consent, so the demo login finds offers, among
// them kindergarten enrolment for a child born a fortnight ago.
func demoProactive(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	sys := AsSystem(ctx)
	m := td.Main
	rules, err := a.Proactive.Rules(sys, m.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range rules {
		have[r.Code] = true
	}
	for _, r := range demoProactiveRules() {
		if have[r.Code] {
			continue
		}
		r.Active = true
		if _, err := a.Proactive.SaveRule(sys, m.ID, r); err != nil {
			return fmt.Errorf("rule %s: %w", r.Code, err)
		}
	}
	people, err := demoPeopleOf(sys, a, m.ID)
	if err != nil {
		return err
	}
	demoLogin := ""
	for _, l := range w.Logins {
		if l.Role == auth.RoleResident.String() {
			demoLogin = l.Email
		}
	}
	today := time.Now().UTC()
	offers, events := 0, 0
	for i, u := range people {
		first := u.Email == demoLogin
		if first || i%3 == 0 {
			if err := a.Proactive.GiveConsent(auth.With(ctx, proactiveActor(u)), "ru"); err != nil {
				return err
			}
		}
		for _, ev := range demoLifeEvents(i, u, first, m.NameRU, today) {
			rec, err := a.Proactive.RecordEvent(sys, m.ID, proactive.SourceAPI, ev)
			if err != nil {
				return fmt.Errorf("event %s: %w", ev.ID, err)
			}
			if !rec.Duplicate {
				events++
				offers += rec.Offers
			}
		}
	}
	// The register rules (a new entrepreneur) run in the sweep.
	res, err := a.Proactive.SweepMunicipality(sys, m.ID)
	if err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("proactive: %d rules, a register of %d residents, %d life events, %d offers",
		len(demoProactiveRules()), len(people), events, offers+res.Offers))
	return nil
}

// demoPeopleOf lists the accounts living in the municipality.
func demoPeopleOf(ctx context.Context, a *App, muniID string) ([]identity.User, error) {
	var out []identity.User
	for after := ""; ; {
		page, err := a.Identity.Users(ctx, identity.UserQuery{After: after, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, u := range page {
			if u.TenantID == muniID && u.Status == identity.StatusActive {
				out = append(out, u)
			}
		}
		if len(page) < 200 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// demoSNILS is a valid SNILS made from n.
func demoSNILS(n int) string {
	base := fmt.Sprintf("%09d", 200000000+n*7919)
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(base[i]-'0') * (9 - i)
	}
	check := sum % 101
	if check == 100 {
		check = 0
	}
	return fmt.Sprintf("%s%02d", base, check)
}

// demoLifeEvents are the events that put resident i in the register and
// happened to them since; the demo resident's are fixed.
func demoLifeEvents(i int, u identity.User, demo bool, place string, today time.Time) []proactive.Event {
	day := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format(time.DateOnly) }
	sex := []string{"f", "m"}[i%2]
	age := 19 + (i*7)%60
	birth := today.AddDate(-age, 0, -(i*13)%360).Format(time.DateOnly)
	if demo {
		sex, birth = "f", today.AddDate(-31, -4, 0).Format(time.DateOnly)
	}
	snils := demoSNILS(i)
	addr := fmt.Sprintf("%s, ул. Садовая, д. %d, кв. %d", place, 1+i%40, 1+i%60)
	person := proactive.Person{SNILS: snils, Email: u.Email, FullName: u.Name, BirthDate: birth, Sex: sex, Address: addr}
	id := func(kind string) string { return fmt.Sprintf("demo-%s-%s", kind, snils) }
	evs := []proactive.Event{{ID: id("moved"), Type: "moved_in", OccurredOn: day(400 + i), Person: person, Data: map[string]string{"address": addr}}}
	who := proactive.Person{SNILS: snils}
	child := func(key, name string, daysAgo int) proactive.Event {
		return proactive.Event{ID: id("born-" + key), Type: "child_born", OccurredOn: day(daysAgo), Person: who,
			Data: map[string]string{"child_key": key, "child_name": name, "child_birth_date": day(daysAgo)}}
	}
	switch {
	case demo:
		evs = append(evs, child("1", "Дарья", 14),
			proactive.Event{ID: id("land"), Type: "land_acquired", OccurredOn: day(20), Person: who,
				Data: map[string]string{"cadastral_number": "47:29:0103001:215", "plot_address": place + ", СНТ «Луч», уч. 12", "trees": "true"}})
	case i%5 == 1:
		evs = append(evs, child("1", "Иван", 30+i*11%600))
	case i%5 == 2 && age >= 60:
		evs = append(evs, proactive.Event{ID: id("pension"), Type: "pension_age", OccurredOn: day(i % 30), Person: who,
			Data: map[string]string{"employer": "Лужский абразивный завод, 1990–2005"}})
	case i%5 == 3:
		evs = append(evs, proactive.Event{ID: id("large"), Type: "large_family", OccurredOn: day(i % 40), Person: who,
			Data: map[string]string{"large_family": "true", "family_size": "5", "housing_m2_per_person": fmt.Sprint(7 + i%9), "housing_m2": fmt.Sprint(5 * (7 + i%9))}})
	case i%10 == 0:
		evs = append(evs, proactive.Event{ID: id("business"), Type: "business_registered", OccurredOn: day(i % 20), Person: who,
			Data: map[string]string{"entrepreneur": "true", "trade_kind": []string{"овощи и фрукты", "выпечка", "цветы"}[i%3]}})
	case i%5 == 4:
		evs = append(evs, proactive.Event{ID: id("building"), Type: "building_commissioned", OccurredOn: day(i % 50), Person: who,
			Data: map[string]string{"cadastral_number": fmt.Sprintf("47:29:0105002:%d", 300+i), "object_address": place + ", пос. Заречный",
				"object_kind": []string{"house", "garden_house"}[i%2], "area": fmt.Sprint(60 + i%90), "subject": fmt.Sprintf("47:29:0105002:%d", 300+i)}})
	}
	return evs
}
