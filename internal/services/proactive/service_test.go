package proactive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestBirthMakesOffer: a child born to a consenting resident makes one
// kindergarten offer, pre-filled from the register, notified and
// audited; the same event again and another event about the same child
// make none.
func TestBirthMakesOffer(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		e.consent(t, anna)
		rec := e.record(t, muniA, birth("zags-1", snilsAnna, annaEmail, "cert-1", "2026-03-01"))
		if rec.Offers != 1 || rec.Duplicate {
			t.Fatalf("record %+v, want one new offer", rec)
		}
		os := e.offers(t, anna)
		if len(os) != 1 || os[0].ServiceCode != "kindergarten" || os[0].Status != OfferOpen || os[0].Subject != "child:cert-1" {
			t.Fatalf("offers %+v", os)
		}
		want := map[string]string{"applicant_name": "Анна Смирнова", "child_name": "Мария", "child_birth_date": "2026-03-01", "address": "ул. Ленина, 1"}
		for k, v := range want {
			if os[0].Values[k] != v {
				t.Errorf("%s = %q, want %q", k, os[0].Values[k], v)
			}
		}
		if !os[0].Expires.Equal(os[0].Created.AddDate(0, 0, 30)) {
			t.Errorf("expires %v, created %v: want 30 days", os[0].Expires, os[0].Created)
		}
		if len(e.notes.notices) != 1 || e.notes.notices[0].UserID != annaID || e.notes.notices[0].Link != "/proactive" {
			t.Fatalf("notices %+v", e.notes.notices)
		}
		again := e.record(t, muniA, birth("zags-1", snilsAnna, annaEmail, "cert-1", "2026-03-01"))
		if !again.Duplicate || again.ID != rec.ID {
			t.Fatalf("the repeated event was recorded again: %+v", again)
		}
		e.record(t, muniA, birth("zags-1-fix", snilsAnna, annaEmail, "cert-1", "2026-03-01"))
		if n := len(e.offers(t, anna)); n != 1 {
			t.Fatalf("%d offers after a second event about the same child, want 1", n)
		}
		// A second child is a new subject.
		if rec := e.record(t, muniA, birth("zags-2", snilsAnna, "", "cert-2", "2026-03-05")); rec.Offers != 1 {
			t.Fatalf("second child: %d offers", rec.Offers)
		}
		if got := auditCount(t, d, "proactive.offer.create"); got != 2 {
			t.Errorf("%d offer audit entries, want 2", got)
		}
		if got := auditCount(t, d, "proactive.event.record"); got != 3 {
			t.Errorf("%d event audit entries, want 3 (the duplicate writes none)", got)
		}
	})
}

// TestNoConsentNoOffer: without consent the register is kept but nobody
// gets an offer; withdrawing closes open offers and stops new ones.
func TestNoConsentNoOffer(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		if rec := e.record(t, muniA, birth("e1", snilsAnna, annaEmail, "c1", "2026-03-01")); rec.Offers != 0 {
			t.Fatalf("an offer without consent: %+v", rec)
		}
		if len(e.notes.notices) != 0 {
			t.Fatal("a notice without consent")
		}
		// Consent, then the sweep-less path: the next child is offered.
		e.consent(t, anna)
		e.consent(t, anna) // again: no second consent row
		st, err := e.s.MyConsent(as(anna))
		if err != nil || !st.InForce || len(st.History) != 1 || st.Current.TextHash == "" {
			t.Fatalf("consent %+v, %v", st, err)
		}
		e.record(t, muniA, birth("e2", snilsAnna, annaEmail, "c2", "2026-03-02"))
		if os := e.offers(t, anna); len(os) != 1 || !os[0].Open() {
			t.Fatalf("offers after consent %+v", os)
		}
		if err := e.s.WithdrawConsent(as(anna)); err != nil {
			t.Fatal(err)
		}
		if os := e.offers(t, anna); len(os) != 1 || os[0].Status != OfferWithdrawn {
			t.Fatalf("offers after withdrawal %+v", os)
		}
		if rec := e.record(t, muniA, birth("e3", snilsAnna, annaEmail, "c3", "2026-03-03")); rec.Offers != 0 {
			t.Fatal("an offer after withdrawal")
		}
		if auditCount(t, d, "proactive.consent.withdraw") != 1 || auditCount(t, d, "proactive.offer.withdrawn") != 1 {
			t.Fatal("withdrawal not audited")
		}
		st, _ = e.s.MyConsent(as(anna))
		if st.InForce || st.History[0].Withdrawn == nil {
			t.Fatalf("consent still in force: %+v", st)
		}
	})
}

// TestAcceptDecline: accepting starts the pre-filled draft in the same
// transaction; a closed offer, another person's offer and a failing
// services domain change nothing.
func TestAcceptDecline(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		e.consent(t, anna)
		e.record(t, muniA, birth("e1", snilsAnna, annaEmail, "c1", "2026-03-01"))
		e.record(t, muniA, birth("e2", snilsAnna, annaEmail, "c2", "2026-03-02"))
		os := e.offers(t, anna)
		first, second := os[0], os[1]
		if _, err := e.s.Accept(as(petr), first.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("another resident accepted: %v", err)
		}
		e.starter.fail = errors.New("services down")
		if _, err := e.s.Accept(as(anna), first.ID); err == nil {
			t.Fatal("accepted while the services domain failed")
		}
		if o, _ := e.s.st.offer(context.Background(), first.ID); o.Status != OfferOpen {
			t.Fatalf("offer %s after a failed accept", o.Status)
		}
		e.starter.fail = nil
		appID, err := e.s.Accept(as(anna), first.ID)
		if err != nil {
			t.Fatal(err)
		}
		call := e.starter.started[0]
		if appID != "app-1" || call.userID != annaID || call.muniID != muniA.ID || call.service != "kindergarten" || call.values["child_name"] != "Мария" {
			t.Fatalf("started %+v → %s", call, appID)
		}
		if _, err := e.s.Accept(as(anna), first.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("accepted twice: %v", err)
		}
		if err := e.s.Decline(as(anna), second.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decline(as(anna), second.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("declined twice: %v", err)
		}
		o, _ := e.s.st.offer(context.Background(), first.ID)
		if o.Status != OfferAccepted || o.ApplicationID != "app-1" || o.Decided == nil {
			t.Fatalf("accepted offer %+v", o)
		}
		if auditCount(t, d, "proactive.offer.accepted") != 1 || auditCount(t, d, "proactive.offer.declined") != 1 {
			t.Fatal("decisions not audited")
		}
		if _, err := e.s.MyOffers(as(keyOf(muniA))); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("a machine read offers: %v", err)
		}
	})
}

// TestExpiry: the sweep closes open offers past their lifetime, with an
// audit entry each; an expired offer cannot be accepted.
func TestExpiry(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		e.consent(t, anna)
		e.record(t, muniA, birth("e1", snilsAnna, annaEmail, "c1", "2026-03-01"))
		system := as(platformAdmin)
		e.clock.t = e.clock.t.AddDate(0, 0, 29)
		if res, err := e.s.Sweep(system); err != nil || res.Expired != 0 {
			t.Fatalf("day 29: %+v %v", res, err)
		}
		e.clock.t = e.clock.t.AddDate(0, 0, 1).Add(time.Second)
		o := e.offers(t, anna)[0]
		if _, err := e.s.Accept(as(anna), o.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("accepted an offer past its time: %v", err)
		}
		res, err := e.s.Sweep(system)
		if err != nil || res.Expired != 1 {
			t.Fatalf("day 30: %+v %v", res, err)
		}
		if o := e.offers(t, anna)[0]; o.Status != OfferExpired {
			t.Fatalf("status %s", o.Status)
		}
		if auditCount(t, d, "proactive.offer.expired") != 1 {
			t.Fatal("expiry not audited")
		}
		if _, err := e.s.Sweep(as(adminOf(muniA))); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("a municipal admin swept every municipality: %v", err)
		}
	})
}

// TestSweepAgeRule: a rule over the register ("age reaches 14") offers
// once to each consenting resident it holds for, in their own
// municipality only.
func TestSweepAgeRule(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		when := mustCond(t, `{"fact": "age", "op": "=", "value": 14}`)
		e.saveRule(t, muniA, Rule{Code: "passport_14", Name: "Паспорт в 14 лет", ServiceCode: "archive-certificate", When: when,
			LifetimeDays: 60, Active: true, Prefill: map[string]string{"name": "full_name"}})
		teen := func(id, snils, email, birth string, m Municipality) {
			e.record(t, m, Event{ID: id, Type: "moved_in", OccurredOn: "2026-01-01",
				Person: Person{SNILS: snils, Email: email, FullName: "Подросток " + id, BirthDate: birth}, Data: map[string]string{"address": "ул. Новая, 2"}})
		}
		teen("m1", snilsAnna, annaEmail, "2012-03-10", muniA) // 14 today
		teen("m2", snilsPetr, petrEmail, "2012-03-11", muniA) // 14 tomorrow
		teen("m3", "98765432183", petrEmail, "2012-03-10", muniB)
		e.consent(t, anna)
		e.consent(t, petr)
		res, err := e.s.Sweep(as(platformAdmin))
		if err != nil || res.Offers != 1 || res.Residents != 2 {
			t.Fatalf("sweep %+v %v", res, err)
		}
		if os := e.offers(t, anna); len(os) != 1 || os[0].Values["name"] != "Подросток m1" {
			t.Fatalf("anna's offers %+v", os)
		}
		e.clock.t = e.clock.t.AddDate(0, 0, 1)
		res, err = e.s.SweepMunicipality(as(adminOf(muniA)), muniA.ID)
		if err != nil || res.Offers != 1 {
			t.Fatalf("next day %+v %v", res, err)
		}
		if os := e.offers(t, petr); len(os) != 1 || os[0].TenantID != muniA.ID {
			t.Fatalf("petr's offers %+v (the register of %s has no rule)", os, muniB.ID)
		}
		if res, _ := e.s.SweepMunicipality(as(adminOf(muniA)), muniA.ID); res.Offers != 0 {
			t.Fatalf("a repeated sweep made %d offers", res.Offers)
		}
		if _, err := e.s.SweepMunicipality(as(adminOf(muniB)), muniA.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another municipality's admin swept: %v", err)
		}
	})
}

// TestSweepWritesInBulk: a sweep over more residents than one
// transaction takes writes its offers many to a statement, each with its
// audit entry and notification, and the audit chain stays whole; a
// consent withdrawn after the register was read stops the offers of the
// transactions that follow; a transaction that fails half-way (its
// notifications refused) leaves nothing of itself while the others
// stand whole, and a later sweep makes exactly the offers still missing,
// once.
func TestSweepWritesInBulk(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		adult := func(code, title string) Rule {
			return Rule{Code: code, Name: title, ServiceCode: "archive-certificate", When: mustCond(t, `{"fact": "age", "op": ">=", "value": 18}`),
				LifetimeDays: 30, Active: true, Prefill: map[string]string{"name": "full_name"}}
		}
		e.saveRule(t, muniA, adult("adult", "Совершеннолетие"))
		const n = sweepBatch + 200
		seedAdults(t, d, n)
		log := audit.New(d)
		admin := as(adminOf(muniA))
		offers := func() int {
			t.Helper()
			var stored int
			if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM proactive_offers`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			return stored
		}
		check := func(want int) {
			t.Helper()
			if got, audited := offers(), auditCount(t, d, "proactive.offer.create"); got != want || audited != want || len(e.notes.notices) != want {
				t.Fatalf("%d offers, %d audit entries, %d notices; want %d each", got, audited, len(e.notes.notices), want)
			}
			if _, err := log.Verify(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		// In the first transaction, someone the next one would reach
		// withdraws; one writer, so the next one begins after it commits.
		e.s.sweepWriters = 1
		var gone string
		e.notes.during = func(ctx context.Context, ns []notify.Notice) error {
			e.notes.during = nil
			in := map[string]bool{}
			for _, no := range ns {
				in[no.UserID] = true
			}
			for i := range n {
				if u := fmt.Sprintf("u%04d", i); !in[u] {
					gone = u
					break
				}
			}
			_, err := d.Q(ctx).ExecContext(ctx, `UPDATE proactive_consents SET withdrawn_ms = 1 WHERE user_id = $1`, gone)
			return err
		}
		res, err := e.s.SweepMunicipality(admin, muniA.ID)
		if err != nil || res.Offers != n-1 || res.Residents != n {
			t.Fatalf("sweep %+v %v", res, err)
		}
		check(n - 1)
		users := map[string]bool{}
		for _, no := range e.notes.notices {
			if no.TenantID != muniA.ID || no.Link != "/proactive" || no.Args["Title"] != "Совершеннолетие" {
				t.Fatalf("notice %+v", no)
			}
			users[no.UserID] = true
		}
		if len(users) != n-1 || users[gone] {
			t.Fatalf("notices reached %d residents (%s among them: %v), want %d", len(users), gone, users[gone], n-1)
		}

		// Two writers (on PostgreSQL) again; the transaction with the
		// offer to one resident fails.
		e.s.sweepWriters = sweepWriters
		e.saveRule(t, muniA, adult("adult_2", "Второе правило"))
		failing := "u0000"
		if failing == gone {
			failing = "u0001"
		}
		e.notes.failFor = failing
		if _, err := e.s.SweepMunicipality(admin, muniA.ID); err == nil {
			t.Fatal("the sweep hid a failed transaction")
		}
		stood := offers() - (n - 1)
		if stood >= n-1 {
			t.Fatalf("%d offers of the second rule after a failed transaction", stood)
		}
		check(n - 1 + stood)
		e.notes.failFor = ""
		if res, err := e.s.SweepMunicipality(admin, muniA.ID); err != nil || res.Offers != n-1-stood {
			t.Fatalf("sweep after the failure %+v %v, want %d offers", res, err, n-1-stood)
		}
		check(2 * (n - 1))
		if res, err := e.s.SweepMunicipality(admin, muniA.ID); err != nil || res.Offers != 0 {
			t.Fatalf("a repeated sweep: %+v %v", res, err)
		}
		check(2 * (n - 1))
	})
}

// seedAdults writes n residents of muniA born in 1990, each with an
// account that consented, straight into the tables.
func seedAdults(t *testing.T, d *db.DB, n int) {
	t.Helper()
	err := d.InTx(context.Background(), func(ctx context.Context) error {
		if _, err := d.ExecRows(ctx, `INSERT INTO proactive_residents (id, tenant_id, snils, user_id, full_name, birth_date, updated_ms) VALUES `, "",
			n, 7, func(args []any, i int) []any {
				return append(args, fmt.Sprintf("r%04d", i), muniA.ID, fmt.Sprintf("%011d", i), fmt.Sprintf("u%04d", i), fmt.Sprintf("Житель %d", i), "1990-01-01", int64(0))
			}); err != nil {
			return err
		}
		_, err := d.ExecRows(ctx, `INSERT INTO proactive_consents (id, user_id, version, lang, text_hash, given_ms) VALUES `, "",
			n, 6, func(args []any, i int) []any {
				return append(args, fmt.Sprintf("c%04d", i), fmt.Sprintf("u%04d", i), int64(CurrentConsent), "ru", "x", int64(0))
			})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTenantIsolation: a key of one municipality records nothing in
// another, and its officials see none of the other's rules or events.
func TestTenantIsolation(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := e.saveRule(t, muniA, kindergartenRule())
		if _, err := e.s.RecordEvent(as(keyOf(muniB)), muniA.ID, SourceAPI, birth("x", snilsAnna, "", "c", "2026-03-01")); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("B's key recorded in A: %v", err)
		}
		if _, err := e.s.Rule(as(adminOf(muniB)), muniA.ID, r.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("B's admin read A's rule: %v", err)
		}
		if _, err := e.s.Rule(as(adminOf(muniB)), muniB.ID, r.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("A's rule found under B: %v", err)
		}
		if _, err := e.s.SaveRule(as(keyOf(muniA)), muniA.ID, kindergartenRule()); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("an operator key edited rules: %v", err)
		}
		// The same SNILS in both registers is two residents.
		e.consent(t, anna)
		e.record(t, muniB, birth("b1", snilsAnna, annaEmail, "c1", "2026-03-01"))
		if n := len(e.offers(t, anna)); n != 0 {
			t.Fatalf("B's event triggered A's rule: %d offers", n)
		}
		evs, err := e.s.RecentEvents(as(keyOf(muniA)), muniA.ID, 10)
		if err != nil || len(evs) != 0 {
			t.Fatalf("A sees events %+v %v", evs, err)
		}
		if _, err := e.s.RecentEvents(as(anna), muniA.ID, 10); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("a resident read the events: %v", err)
		}
	})
}

// TestEventValidation: bad events are refused field by field and write
// nothing.
func TestEventValidation(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			name  string
			edit  func(ev *Event)
			field string
		}{
			{"no id", func(ev *Event) { ev.ID = "" }, "id"},
			{"unknown type", func(ev *Event) { ev.Type = "wedding" }, "type"},
			{"future date", func(ev *Event) { ev.OccurredOn = "2030-01-01" }, "occurred_on"},
			{"bad snils checksum", func(ev *Event) { ev.Person.SNILS = "11223344596" }, "resident.snils"},
			{"bad e-mail", func(ev *Event) { ev.Person.Email = "anna" }, "resident.email"},
			{"no child key", func(ev *Event) { delete(ev.Data, "child_key") }, "data.child_key"},
			{"bad child birth", func(ev *Event) { ev.Data["child_birth_date"] = "01.03.2026" }, "data.child_birth_date"},
			{"bad data name", func(ev *Event) { ev.Data["Имя"] = "x" }, "data"},
			{"unknown resident without name", func(ev *Event) { ev.Person.FullName = "" }, "resident"},
		}
		for _, c := range cases {
			ev := birth("bad-1", snilsAnna, annaEmail, "c1", "2026-03-01")
			c.edit(&ev)
			_, err := e.s.RecordEvent(as(keyOf(muniA)), muniA.ID, SourceAPI, ev)
			fe, ok := fault.As(err)
			if !ok || !errors.Is(err, fault.ErrInvalid) || fe.Fields[c.field] == "" {
				t.Errorf("%s: %v, want a message for %s", c.name, err, c.field)
			}
		}
		var n int
		d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM proactive_residents`).Scan(&n)
		if n != 0 || auditCount(t, d, "proactive.event.record") != 0 {
			t.Fatalf("refused events wrote %d residents", n)
		}
		// set_child_attrs about a child the register lacks.
		e.record(t, muniA, birth("ok", snilsAnna, annaEmail, "c1", "2026-03-01"))
		_, err := e.s.RecordEvent(as(keyOf(muniA)), muniA.ID, SourceAPI, Event{ID: "k1", Type: "kindergarten_enrolled", OccurredOn: "2026-03-05",
			Person: Person{SNILS: snilsAnna}, Data: map[string]string{"child_key": "nobody", "kindergarten": "Сад №1"}})
		if fe, ok := fault.As(err); !ok || fe.Fields["data.child_key"] != "proactive.event.child_unknown" {
			t.Fatalf("unknown child: %v", err)
		}
	})
}

// TestEnrolmentStopsOffer: once a child is recorded as enrolled, the
// kindergarten rule no longer holds for them.
func TestEnrolmentStopsOffer(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := kindergartenRule()
		r.EventType = "" // checked by the sweep
		e.saveRule(t, muniA, r)
		e.record(t, muniA, birth("b1", snilsAnna, annaEmail, "c1", "2025-01-01"))
		e.record(t, muniA, Event{ID: "k1", Type: "kindergarten_enrolled", OccurredOn: "2026-03-05",
			Person: Person{SNILS: snilsAnna}, Data: map[string]string{"child_key": "c1", "kindergarten": "Сад №1"}})
		e.record(t, muniA, birth("b2", snilsAnna, annaEmail, "c2", "2026-02-01"))
		e.consent(t, anna)
		res, err := e.s.SweepMunicipality(as(adminOf(muniA)), muniA.ID)
		if err != nil || res.Offers != 1 {
			t.Fatalf("sweep %+v %v", res, err)
		}
		if os := e.offers(t, anna); os[0].Subject != "child:c2" {
			t.Fatalf("offered about %s, want the child not enrolled", os[0].Subject)
		}
	})
}

// TestRuleSave: a refused rule stores nothing; each change raises the
// version; a taken code is refused.
func TestRuleSave(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bad := kindergartenRule()
		bad.When = mustCond(t, `{"fact": "salary", "op": ">", "value": 1}`)
		_, err := e.s.SaveRule(as(adminOf(muniA)), muniA.ID, bad)
		var re *RuleError
		if !errors.As(err, &re) || !errors.Is(err, fault.ErrInvalid) || re.Fields["when"].Args["Fact"] != "salary" {
			t.Fatalf("bad rule: %v", err)
		}
		if rs, _ := e.s.Rules(as(adminOf(muniA)), muniA.ID); len(rs) != 0 {
			t.Fatal("a refused rule was stored")
		}
		r := e.saveRule(t, muniA, kindergartenRule())
		r.LifetimeDays = 45
		r2 := e.saveRule(t, muniA, r)
		if r2.Version != 2 {
			t.Fatalf("version %d", r2.Version)
		}
		got, err := e.s.Rule(as(adminOf(muniA)), muniA.ID, r.ID)
		if err != nil || got.LifetimeDays != 45 || got.When.String() != r.When.String() || got.Prefill["child_name"] != "child.name" {
			t.Fatalf("stored %+v %v", got, err)
		}
		dup := kindergartenRule()
		if _, err := e.s.SaveRule(as(adminOf(muniA)), muniA.ID, dup); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("a second rule with the same code: %v", err)
		}
		if auditCount(t, d, "proactive.rule.create") != 1 || auditCount(t, d, "proactive.rule.update") != 1 {
			t.Fatal("rule changes not audited")
		}
	})
}

// TestImportCSV: a file with one bad row records nothing and names the
// row; the corrected file records every event once.
func TestImportCSV(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.saveRule(t, muniA, kindergartenRule())
		e.consent(t, anna)
		ctx := as(keyOf(muniA))
		file := func(petrSNILS string) string {
			return "id;type;occurred_on;snils;email;full_name;birth_date;sex;address;data\n" +
				"c-1;child_born;2026-03-01;112-233-445 95;anna@example.org;Анна Смирнова;1994-05-02;f;ул. Ленина, 1;child_key=c1|child_name=Мария|child_birth_date=2026-03-01\n" +
				"c-2;moved_in;2026-02-01;" + petrSNILS + ";petr@example.org;Пётр Иванов;1980-01-01;m;;address=ул. Новая, 2\n"
		}
		_, err := e.s.ImportCSV(ctx, muniA.ID, strings.NewReader(file("12345678965")))
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || ie.Rows[0].Fields["resident.snils"] == "" {
			t.Fatalf("bad file: %v %+v", err, ie)
		}
		if auditCount(t, d, "proactive.event.record") != 0 || len(e.offers(t, anna)) != 0 {
			t.Fatal("a refused file recorded events")
		}
		res, err := e.s.ImportCSV(ctx, muniA.ID, strings.NewReader(file(snilsPetr)))
		if err != nil || res.Recorded != 2 || res.Offers != 1 {
			t.Fatalf("good file: %+v %v", res, err)
		}
		res, err = e.s.ImportCSV(ctx, muniA.ID, strings.NewReader(file(snilsPetr)))
		if err != nil || res.Duplicates != 2 || res.Recorded != 0 {
			t.Fatalf("the same file again: %+v %v", res, err)
		}
		for _, bad := range []string{"", "name;date\nx;y\n", "id,type,occurred_on,snils\n"} {
			if _, err := e.s.ImportCSV(ctx, muniA.ID, strings.NewReader(bad)); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("%q: %v", bad, err)
			}
		}
	})
}
