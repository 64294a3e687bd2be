package participation

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// initiativeCounts are the rows of every table an initiative write touches.
func (e *env) initiativeCounts() string {
	var s string
	for _, t := range []string{"participation_initiatives", "participation_initiative_members", "participation_initiative_supports",
		"participation_initiative_meetings", "participation_initiative_scores", "participation_initiative_payers",
		"participation_initiative_entries", "participation_initiative_rules", "participation_initiative_criteria",
		"audit_log", "event_outbox"} {
		s += t + "=" + itoa(e.count(t)) + " "
	}
	return s
}

var testCriteria = []Criterion{{Code: "need", Label: "Актуальность", LabelEN: "Need", Weight: 3, MaxScore: 10},
	{Code: "share", Label: "Доля софинансирования", LabelEN: "Co-financing share", Weight: 1, MaxScore: 5}}

// submitted registers a project in district North with a group of
// minGroup verified residents and submits it.
func (e *env) submittedInitiative(minGroup int) Initiative {
	e.t.Helper()
	must[InitiativeRules](e.t)(e.svc.SetInitiativeRules(admin(muniA), muniA.ID, InitiativeRules{MinGroup: minGroup,
		ConsiderationDays: 30, Criteria: testCriteria}))
	lead := e.person("lead", distN, "1980-01-01")
	it := must[Initiative](e.t)(e.svc.RegisterInitiative(lead, muniA.ID, InitiativeInput{TerritoryNodeID: distN.ID,
		Title: "Детская площадка", Description: "Во дворе дома 5", Cost: 150_000_00}))
	for i := 1; i < minGroup; i++ {
		if err := e.svc.JoinInitiative(e.person("m"+itoa(i), distN, "1990-01-01"), it.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	return must[Initiative](e.t)(e.svc.SubmitInitiative(lead, it.ID))
}

func TestInitiativeLifecycle(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		// Defaults before any rules are set.
		r := must[InitiativeRules](t)(e.svc.InitiativeRules(context.Background(), muniA.ID))
		if r.MinGroup != 10 || r.ConsiderationDays != 30 {
			t.Fatalf("defaults %+v", r)
		}
		must[InitiativeRules](t)(e.svc.SetInitiativeRules(admin(muniA), muniA.ID, InitiativeRules{MinGroup: 3,
			ConsiderationDays: 30, Criteria: testCriteria}))
		lead := e.person("lead", distN, "1980-01-01")
		it := must[Initiative](t)(e.svc.RegisterInitiative(lead, muniA.ID, InitiativeInput{TerritoryNodeID: distN.ID,
			Title: "Детская площадка", Description: "Во дворе дома 5", Cost: 150_000_00}))
		if it.Status != InitiativeCollecting || it.NodePath != distN.Path || it.Members != 1 {
			t.Fatalf("%+v", it)
		}
		// Too small a group cannot submit.
		if _, err := e.svc.SubmitInitiative(lead, it.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("small group submitted: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.JoinInitiative(e.person("m1", distN, "1990-01-01"), it.ID))
		if err := e.svc.JoinInitiative(e.person("m1", distN, "1990-01-01"), it.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("joined twice: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.JoinInitiative(e.person("m2", distN, "1990-01-01"), it.ID))
		// Supports: one per person, verified residents of the district only.
		for i := range 5 {
			if err := e.svc.SupportInitiative(e.person("s"+itoa(i), distN, "1970-01-01"), it.ID); err != nil {
				t.Fatal(err)
			}
		}
		before := e.initiativeCounts()
		if err := e.svc.SupportInitiative(e.person("s1", distN, "1970-01-01"), it.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second support: %v", err)
		}
		if err := e.svc.SupportInitiative(e.person("south", distS, "1970-01-01"), it.ID); !errors.Is(err, ErrWrongTerritory) {
			t.Fatalf("other district: %v", err)
		}
		if err := e.svc.SupportInitiative(e.person("anon", Place{}, ""), it.ID); !errors.Is(err, ErrNotVerified) {
			t.Fatalf("unverified: %v", err)
		}
		if err := e.svc.SupportInitiative(context.Background(), it.ID); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous: %v", err)
		}
		if after := e.initiativeCounts(); after != before {
			t.Fatalf("refusals wrote:\n%s\n%s", before, after)
		}
		// A meeting recorded by an official.
		mt := must[Meeting](t)(e.svc.RecordMeeting(official(auth.RoleOperator, muniA), it.ID, MeetingInput{HeldOn: "2026-06-01",
			Place: "Школа № 2", Attendees: 40, VotesFor: 35, Minutes: "Решили поддержать."}))
		if ms := must[[]Meeting](t)(e.svc.Meetings(context.Background(), it.ID)); len(ms) != 1 || ms[0].ID != mt.ID || ms[0].VotesFor != 35 {
			t.Fatalf("%+v", ms)
		}
		// Only a member submits.
		if _, err := e.svc.SubmitInitiative(e.person("s1", distN, "1970-01-01"), it.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("non-member submitted: %v", err)
		}
		e.now = time.Date(2026, 6, 10, 22, 30, 0, 0, time.UTC) // 11 June 01:30 in Moscow
		it = must[Initiative](t)(e.svc.SubmitInitiative(lead, it.ID))
		if it.Status != InitiativeSubmitted || it.Members != 3 || it.Supports != 5 {
			t.Fatalf("%+v", it)
		}
		// Consideration: administrators only; due 30 days after 11 June, end of day in Moscow.
		if _, err := e.svc.ConsiderInitiative(official(auth.RoleOperator, muniA), it.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("operator considered: %v", err)
		}
		if _, err := e.svc.ConsiderInitiative(admin(muniB), it.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality considered: %v", err)
		}
		it = must[Initiative](t)(e.svc.ConsiderInitiative(admin(muniA), it.ID))
		want := time.Date(2026, 7, 11, 20, 59, 59, 999_000_000, time.UTC) // 11 July 23:59:59.999 MSK
		if !it.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", it.DueAt, want)
		}
		if _, err := e.svc.ConsiderInitiative(admin(muniA), it.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("considered twice: %v", err)
		}
		// Scoring by two commission members.
		before = e.initiativeCounts()
		for _, bad := range []map[string]int{{"need": 11, "share": 1}, {"need": 5}, {"need": 5, "share": 1, "other": 1}, {"need": -1, "share": 1}} {
			if err := e.svc.ScoreInitiative(official(auth.RoleOperator, muniA), it.ID, bad); !errors.Is(err, fault.ErrInvalid) {
				t.Fatalf("bad scores %v: %v", bad, err)
			}
		}
		if err := e.svc.ScoreInitiative(e.person("s1", distN, "1970-01-01"), it.ID, map[string]int{"need": 1, "share": 1}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident scored: %v", err)
		}
		if after := e.initiativeCounts(); after != before {
			t.Fatalf("refusals wrote:\n%s\n%s", before, after)
		}
		must[struct{}](t)(struct{}{}, e.svc.ScoreInitiative(official(auth.RoleOperator, muniA), it.ID, map[string]int{"need": 10, "share": 5}))
		must[struct{}](t)(struct{}{}, e.svc.ScoreInitiative(admin(muniA), it.ID, map[string]int{"need": 5, "share": 0}))
		sc := must[Scoring](t)(e.svc.Scoring(context.Background(), it.ID))
		if len(sc.Members) != 2 || sc.TotalPermille != 714 {
			t.Fatalf("%+v", sc)
		}
		// A rejection needs a reason.
		if _, err := e.svc.DecideInitiative(admin(muniA), it.ID, false, " "); !errors.Is(err, fault.ErrInvalid) || fieldOf(err)["reason"] == "" {
			t.Fatalf("reasonless rejection: %v", err)
		}
		it = must[Initiative](t)(e.svc.DecideInitiative(admin(muniA), it.ID, true, ""))
		if it.Status != InitiativeAccepted {
			t.Fatalf("%+v", it)
		}
		got := must[Initiative](t)(e.svc.Initiative(context.Background(), it.ID))
		if got.Status != InitiativeAccepted || !got.DueAt.Equal(want) || got.Supports != 5 {
			t.Fatalf("%+v", got)
		}
		var audits int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'participation.initiative.%'`).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		// rules, register, 2 joins, 5 supports, meeting, submit, consider, 2 scores, decide
		if audits != 15 {
			t.Fatalf("%d audit entries", audits)
		}
	})
}

func TestInitiativeRegistrationRefusals(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		lead := e.person("lead", distN, "1980-01-01")
		before := e.initiativeCounts()
		_, err := e.svc.RegisterInitiative(lead, muniA.ID, InitiativeInput{TerritoryNodeID: muniB.ID, Title: "", Description: "x", Cost: 0})
		f := fieldOf(err)
		if !errors.Is(err, fault.ErrInvalid) || f["title"] == "" || f["cost_kopecks"] == "" || f["territory_node_id"] == "" {
			t.Fatalf("%v %v", err, f)
		}
		if _, err := e.svc.RegisterInitiative(lead, muniA.ID, InitiativeInput{TerritoryNodeID: distS.ID, Title: "T",
			Description: "D", Cost: 100}); !errors.Is(err, ErrWrongTerritory) {
			t.Fatalf("resident of North registered in South: %v", err)
		}
		if _, err := e.svc.RegisterInitiative(e.person("x", Place{}, ""), muniA.ID, InitiativeInput{Title: "T",
			Description: "D", Cost: 100}); !errors.Is(err, ErrNotVerified) {
			t.Fatalf("unverified registered: %v", err)
		}
		if _, err := e.svc.SetInitiativeRules(admin(muniA), muniA.ID, InitiativeRules{MinGroup: 0, ConsiderationDays: 400,
			Criteria: []Criterion{{Code: "a", Label: "A", Weight: 1, MaxScore: 5}, {Code: "a", Label: "B", Weight: 1, MaxScore: 5}}}); len(fieldOf(err)) != 3 {
			t.Fatalf("bad rules: %v %v", err, fieldOf(err))
		}
		if _, err := e.svc.SetInitiativeRules(admin(muniB), muniA.ID, InitiativeRules{MinGroup: 5, ConsiderationDays: 30}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other admin set rules: %v", err)
		}
		if after := e.initiativeCounts(); after != before {
			t.Fatalf("refusals wrote:\n%s\n%s", before, after)
		}
		// Meetings: bad input, and only officials.
		it := must[Initiative](t)(e.svc.RegisterInitiative(lead, muniA.ID, InitiativeInput{Title: "T", Description: "D", Cost: 100}))
		before = e.initiativeCounts()
		_, err = e.svc.RecordMeeting(official(auth.RoleOperator, muniA), it.ID, MeetingInput{HeldOn: "2026-13-01", Attendees: 5, VotesFor: 6})
		f = fieldOf(err)
		if f["held_on"] == "" || f["place"] == "" || f["minutes"] == "" || f["votes_for"] == "" {
			t.Fatalf("%v %v", err, f)
		}
		if _, err := e.svc.RecordMeeting(lead, it.ID, MeetingInput{HeldOn: "2026-06-01", Place: "P", Attendees: 5, VotesFor: 3,
			Minutes: "M"}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident recorded a meeting: %v", err)
		}
		if _, err := e.svc.RecordMeeting(official(auth.RoleOperator, muniB), it.ID, MeetingInput{HeldOn: "2026-06-01", Place: "P",
			Attendees: 5, VotesFor: 3, Minutes: "M"}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality recorded a meeting: %v", err)
		}
		if after := e.initiativeCounts(); after != before {
			t.Fatalf("refusals wrote:\n%s\n%s", before, after)
		}
	})
}

func TestInitiativeFinanceRejected(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		it := e.submittedInitiative(2)
		op := official(auth.RoleOperator, muniA)
		anna := must[Payer](t)(e.svc.Pledge(op, it.ID, PledgeInput{Kind: PayerResident, Name: "Анна Петрова", Amount: 5_000_00}))
		firm := must[Payer](t)(e.svc.Pledge(op, it.ID, PledgeInput{Kind: PayerOrganisation, Name: "ООО «Ромашка»", Amount: 50_000_00}))
		must[struct{}](t)(struct{}{}, e.svc.Pay(op, it.ID, anna.ID, 3_000_00))
		must[struct{}](t)(struct{}{}, e.svc.Pay(op, it.ID, firm.ID, 50_000_00))
		before := e.initiativeCounts()
		for name, err := range map[string]error{
			"overpay":        e.svc.Pay(op, it.ID, anna.ID, 2_000_01),
			"zero":           e.svc.Pay(op, it.ID, anna.ID, 0),
			"refund early":   e.svc.Refund(op, it.ID, anna.ID, 1),
			"unknown payer":  e.svc.Pay(op, it.ID, "nobody", 1),
			"resident pays":  e.svc.Pay(e.person("s", distN, "1970-01-01"), it.ID, anna.ID, 1),
			"other official": e.svc.Pay(official(auth.RoleOperator, muniB), it.ID, anna.ID, 1),
		} {
			if err == nil {
				t.Fatalf("%s accepted", name)
			}
		}
		if _, err := e.svc.Pledge(op, it.ID, PledgeInput{Kind: "bank", Name: "", Amount: -1}); len(fieldOf(err)) != 3 {
			t.Fatalf("bad pledge: %v", fieldOf(err))
		}
		if after := e.initiativeCounts(); after != before {
			t.Fatalf("refusals wrote:\n%s\n%s", before, after)
		}
		// Public view masks residents' names; officials see them.
		pub := must[Finance](t)(e.svc.Finance(context.Background(), it.ID))
		if pub.Payers[0].Name != "Анна П." || pub.Payers[1].Name != "ООО «Ромашка»" || pub.Fund != 53_000_00 || pub.Sum != 0 {
			t.Fatalf("%+v", pub)
		}
		if f := must[Finance](t)(e.svc.Finance(op, it.ID)); f.Payers[0].Name != "Анна Петрова" {
			t.Fatalf("%+v", f.Payers)
		}
		must[Initiative](t)(e.svc.ConsiderInitiative(admin(muniA), it.ID))
		must[Initiative](t)(e.svc.DecideInitiative(admin(muniA), it.ID, false, "Нет средств в бюджете"))
		// The unpaid 2,000 ₽ of Anna's pledge is cancelled; payments are now refused.
		f := must[Finance](t)(e.svc.Finance(op, it.ID))
		if f.Totals.Cancelled != 2_000_00 || f.Payers[0].Owed() != 0 {
			t.Fatalf("%+v", f)
		}
		if err := e.svc.Pay(op, it.ID, anna.ID, 1); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("paid after rejection: %v", err)
		}
		if err := e.svc.Refund(op, it.ID, anna.ID, 3_000_01); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("over-refund: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.Refund(op, it.ID, anna.ID, 3_000_00))
		must[struct{}](t)(struct{}{}, e.svc.Refund(op, it.ID, firm.ID, 20_000_00))
		must[struct{}](t)(struct{}{}, e.svc.Refund(op, it.ID, firm.ID, 30_000_00))
		f = must[Finance](t)(e.svc.Finance(op, it.ID))
		if f.Fund != 0 || f.Sum != 0 || f.Totals.Refunded != 53_000_00 {
			t.Fatalf("%+v", f)
		}
		bal := must[map[string]int64](t)(e.svc.AccountBalances(context.Background(), it.ID))
		var sum int64
		for _, v := range bal {
			sum += v
		}
		if sum != 0 || bal[accountFund] != 0 || bal[refundAccount(anna.ID)] != 3_000_00 {
			t.Fatalf("%v", bal)
		}
	})
}

// TestInitiativeLedgerRandomDB runs random pledge/pay/refund/reject
// sequences through the service and the database, checking after each
// step that the SQL balances sum to zero, agree with the Go ledger, and
// that no payer is refunded more than paid.
func TestInitiativeLedgerRandomDB(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		r := rand.New(rand.NewPCG(1, 2))
		op := official(auth.RoleOperator, muniA)
		for round := range 3 {
			e.roll = roll{}
			e.svc.residents = e.roll
			it := e.submittedInitiative(1)
			must[Initiative](t)(e.svc.ConsiderInitiative(admin(muniA), it.ID))
			var payers []string
			for i := range 3 {
				p := must[Payer](t)(e.svc.Pledge(op, it.ID, PledgeInput{Kind: PayerResident, Name: "Payer " + itoa(i), Amount: 1000}))
				payers = append(payers, p.ID)
			}
			rejected := false
			for step := range 30 {
				p := payers[r.IntN(len(payers))]
				amount := r.Int64N(1500) - 100
				switch op2 := r.IntN(10); {
				case op2 < 3:
					_, _ = e.svc.Pledge(op, it.ID, PledgeInput{PayerID: p, Amount: amount})
				case op2 < 6:
					_ = e.svc.Pay(op, it.ID, p, amount)
				case op2 < 9:
					_ = e.svc.Refund(op, it.ID, p, amount)
				case !rejected && step > 10:
					must[Initiative](t)(e.svc.DecideInitiative(admin(muniA), it.ID, false, "причина"))
					rejected = true
				}
				bal := must[map[string]int64](t)(e.svc.AccountBalances(context.Background(), it.ID))
				f := must[Finance](t)(e.svc.Finance(op, it.ID))
				var sum int64
				for _, v := range bal {
					sum += v
				}
				if sum != 0 || f.Sum != 0 || bal[accountFund] != f.Fund || f.Fund < 0 {
					t.Fatalf("round %d step %d: %v %+v", round, step, bal, f.Totals)
				}
				for _, x := range f.Payers {
					if x.Refunded > x.Paid || x.Paid+x.Cancelled > x.Pledged || bal[refundAccount(x.ID)] != x.Refunded {
						t.Fatalf("payer %+v", x)
					}
				}
			}
		}
	})
}

// TestInitiativeConcurrentPayments: 20 payments of a pledge's full amount
// race; exactly one is recorded (the others are refused as overpaying or
// as a ledger that moved under them), and the ledger still balances.
func TestInitiativeConcurrentPayments(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		it := e.submittedInitiative(1)
		op := official(auth.RoleOperator, muniA)
		p := must[Payer](t)(e.svc.Pledge(op, it.ID, PledgeInput{Kind: PayerOrganisation, Name: "ООО «Ромашка»", Amount: 10_000_00}))
		errs := make(chan error, 20)
		for range 20 {
			go func() { errs <- e.svc.Pay(op, it.ID, p.ID, 10_000_00) }()
		}
		ok := 0
		for range 20 {
			err := <-errs
			switch {
			case err == nil:
				ok++
			case errors.Is(err, fault.ErrInvalid), errors.Is(err, fault.ErrConflict):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		f := must[Finance](t)(e.svc.Finance(op, it.ID))
		if ok != 1 || f.Totals.Paid != 10_000_00 || f.Fund != 10_000_00 || f.Sum != 0 {
			t.Fatalf("%d payments recorded; %+v", ok, f.Totals)
		}
	})
}
