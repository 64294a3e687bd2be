package participation

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// initiativeServer mounts the participation routes for the initiative tests.
func initiativeServer(t *testing.T, s *Service, actors map[string]*auth.Actor) http.Handler {
	return serveAll(t, s, nil, actors)
}

// send runs c (webCase.run) and returns the body.
func send(t *testing.T, h http.Handler, c webCase, lang string) string {
	t.Helper()
	return c.run(t, h, lang).Body.String()
}

func TestInitiativePages(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		it := e.submittedInitiative(2)
		op := official(auth.RoleOperator, muniA)
		must[Payer](t)(e.svc.Pledge(op, it.ID, PledgeInput{Kind: PayerResident, Name: "Анна Петрова", Amount: 5_000_00}))
		e.person("s1", distN, "1970-01-01")
		e.person("south", distS, "1970-01-01")
		actors := map[string]*auth.Actor{
			"s1":    auth.From(actorCtx("s1")),
			"south": auth.From(actorCtx("south")),
			"lead":  auth.From(actorCtx("lead")),
			"op":    auth.From(op),
			"admin": auth.From(admin(muniA)),
		}
		h := initiativeServer(t, e.svc, actors)
		page := "/participation/initiatives/" + it.ID
		cases := []webCase{
			{name: "list", method: "GET", path: "/m/luga/participation/initiatives", status: 200, want: []string{it.Title}},
			{name: "public page masks payers", method: "GET", path: page, status: 200, want: []string{"Анна П.", it.Title}},
			{name: "official sees names", actor: "op", method: "GET", path: page, status: 200, want: []string{"Анна Петрова"}},
			{name: "support", actor: "s1", method: "POST", path: page + "/support", form: url.Values{}, status: 303, location: page + "?done=support"},
			{name: "support twice", actor: "s1", method: "POST", path: page + "/support", form: url.Values{}, status: 409},
			{name: "wrong district", actor: "south", method: "POST", path: page + "/support", form: url.Values{}, status: 403},
			{name: "anonymous support", method: "POST", path: page + "/support", form: url.Values{}, status: 303, location: "/login"},
			{name: "resident records a meeting", actor: "s1", method: "POST", path: page + "/meeting",
				form: url.Values{"held_on": {"2026-06-01"}, "place": {"P"}, "attendees": {"5"}, "votes_for": {"3"}, "minutes": {"M"}}, status: 403},
			{name: "bad meeting", actor: "op", method: "POST", path: page + "/meeting",
				form: url.Values{"held_on": {"вчера"}, "place": {""}, "attendees": {"5"}, "votes_for": {"9"}, "minutes": {"M"}}, status: 400},
			{name: "bad pledge", actor: "op", method: "POST", path: page + "/pledge",
				form: url.Values{"kind": {"resident"}, "name": {"Иван"}, "amount": {"сто"}}, status: 400},
			{name: "meeting", actor: "op", method: "POST", path: page + "/meeting",
				form: url.Values{"held_on": {"2026-06-01"}, "place": {"Школа"}, "attendees": {"30"}, "votes_for": {"25"}, "minutes": {"За."}}, status: 303, location: page + "?done=meeting"},
			{name: "consider", actor: "admin", method: "POST", path: page + "/consider", form: url.Values{}, status: 303},
			{name: "bad score", actor: "op", method: "POST", path: page + "/score", form: url.Values{"score_need": {"99"}, "score_share": {"1"}}, status: 400},
			{name: "score", actor: "op", method: "POST", path: page + "/score", form: url.Values{"score_need": {"10"}, "score_share": {"5"}}, status: 303},
			{name: "reject without reason", actor: "admin", method: "POST", path: page + "/decide", form: url.Values{"decision": {"reject"}}, status: 400},
			{name: "reject", actor: "admin", method: "POST", path: page + "/decide", form: url.Values{"decision": {"reject"}, "reason": {"Нет средств"}}, status: 303},
			{name: "rules by a resident", actor: "s1", method: "POST", path: "/m/luga/participation/initiatives/rules",
				form: url.Values{"min_group": {"5"}, "consideration_days": {"30"}}, status: 403},
			{name: "bad rules", actor: "admin", method: "POST", path: "/m/luga/participation/initiatives/rules",
				form: url.Values{"min_group": {"0"}, "consideration_days": {"x"}, "criteria": {"need; Нужда; Need; 3"}}, status: 400},
			{name: "rules", actor: "admin", method: "POST", path: "/m/luga/participation/initiatives/rules",
				form:   url.Values{"min_group": {"2"}, "consideration_days": {"20"}, "criteria": {"need; Нужда; Need; 3; 10\r\nshare; Доля; Share; 1; 5"}},
				status: 303, location: "/m/luga/participation/initiatives?done=rules"},
			{name: "register form", actor: "s1", method: "GET", path: "/m/luga/participation/initiatives/new", status: 200},
			{name: "bad registration", actor: "s1", method: "POST", path: "/m/luga/participation/initiatives",
				form: url.Values{"title": {""}, "description": {"D"}, "cost": {"-5"}}, status: 400},
		}
		for _, lang := range []string{"ru", "en"} {
			for _, c := range cases[:3] {
				body := send(t, h, c, lang)
				if strings.Contains(body, "participation.initiative.") {
					t.Fatalf("%s (%s): a message key shows raw", c.name, lang)
				}
			}
		}
		before := e.initiativeCounts()
		for _, c := range cases[3:] {
			body := send(t, h, c, "ru")
			if strings.Contains(body, "participation.initiative.") {
				t.Fatalf("%s: a message key shows raw:\n%s", c.name, body)
			}
			switch c.name {
			case "bad meeting":
				for _, m := range []string{"Укажите дату собрания", "Голосов «за» не может быть больше"} {
					if !strings.Contains(body, m) {
						t.Fatalf("bad meeting: no %q", m)
					}
				}
			case "support twice":
				if !strings.Contains(body, "Вы уже поддержали") {
					t.Fatal("no message for a second support")
				}
			case "bad pledge":
				if strings.Count(body, `id="p-amount-error"`) != 1 || strings.Contains(body, `id="y-amount-error"`) {
					t.Fatal("the amount error is not on the pledge form alone")
				}
			case "bad rules":
				for _, id := range []string{"min_group-error", "consideration_days-error", "criteria-error"} {
					if !strings.Contains(body, `id="`+id+`"`) {
						t.Fatalf("bad rules: no %s", id)
					}
				}
			case "reject without reason":
				if !strings.Contains(body, `id="reason-error"`) {
					t.Fatal("no reason error")
				}
			}
		}
		after := e.initiativeCounts()
		if before == after {
			t.Fatal("the successful forms wrote nothing")
		}
		got := must[Initiative](t)(e.svc.Initiative(t.Context(), it.ID))
		if got.Status != InitiativeRejected || got.Supports != 1 || got.Reason != "Нет средств" {
			t.Fatalf("%+v", got)
		}
		if n := e.count("participation_initiatives"); n != 1 {
			t.Fatalf("a bad registration wrote: %d projects", n)
		}
		if r := must[InitiativeRules](t)(e.svc.InitiativeRules(t.Context(), muniA.ID)); r.ConsiderationDays != 20 || len(r.Criteria) != 2 || r.Criteria[1].LabelEN != "Share" {
			t.Fatalf("rules %+v", r)
		}
		send(t, h, webCase{name: "rules form", actor: "admin", method: "GET", path: "/m/luga/participation/initiatives", status: 200,
			want: []string{"share; Доля; Share; 1; 5"}}, "en")
		// Past its due date, a project under consideration says so.
		it2 := e.submittedInitiative(2)
		must[Initiative](t)(e.svc.ConsiderInitiative(admin(muniA), it2.ID))
		e.now = e.now.AddDate(0, 0, 40)
		send(t, h, webCase{name: "overdue", method: "GET", path: "/participation/initiatives/" + it2.ID, status: 200, want: []string{"срок истёк"}}, "ru")
		// The rejected project's page offers refunds and shows the cancelled pledge as balanced.
		send(t, h, webCase{name: "rejected page", actor: "op", method: "GET", path: page, status: 200,
			want: []string{"Возврат платежа", "Дебет и кредит сходятся", "Нет средств"}}, "ru")
	})
}
