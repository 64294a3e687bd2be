package services

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// suspending makes muni A's earthworks permit one whose regulation
// suspends the term while a document is awaited.
func (e *env) suspending(on bool) Entry {
	e.t.Helper()
	en := must[Entry](e.t)(e.svc.Entry(admin(muniA), muniA.ID, "earthworks"))
	en.Term.Suspends = on
	return must[Entry](e.t)(e.svc.UpdateEntry(admin(muniA), muniA.ID, en))
}

// submitted files an earthworks application of resident id at the env's clock.
func (e *env) submitted(id string) Application {
	e.t.Helper()
	res := resident(id, "Заявитель "+id, muniA)
	app := must[Application](e.t)(e.svc.Start(res, muniA.ID, "earthworks"))
	return must[Application](e.t)(e.svc.Submit(res, app.ID, goodValues(), []Upload{{Field: "plan", Name: "p.pdf", Data: pdfBytes}}))
}

// provide answers a request of resident id's application with a plan.
func (e *env) provide(id, appID string) Application {
	e.t.Helper()
	return must[Application](e.t)(e.svc.Provide(resident(id, "Заявитель "+id, muniA), appID,
		[]Upload{{Field: "plan", Name: "plan-2.pdf", Data: pdfBytes}}, ""))
}

// overdue checks that every place that counts late applications agrees
// on want at the env's clock: the monitoring count (SQL), the public
// statistics' open ones, and the applications the queue and pages read.
func (e *env) overdue(want int) {
	e.t.Helper()
	if n := must[int](e.t)(e.svc.Overdue(e.t.Context(), muniA.ID)); n != want {
		e.t.Errorf("Overdue (SQL) = %d, want %d", n, want)
	}
	q := must[[]Application](e.t)(e.svc.Queue(official("op-a", auth.RoleOperator, muniA, depA.ID)))
	pages, queue := 0, 0
	for _, a := range q {
		if a.Overdue(e.now) {
			pages++
		}
		if d := a.RunningDue(); !d.IsZero() && e.now.After(d) {
			queue++
		}
	}
	if pages != want || queue != want {
		e.t.Errorf("overdue on the pages %d, in the queue %d, want %d", pages, queue, want)
	}
	open := 0
	for _, st := range must[[]Stats](e.t)(e.svc.Stats(e.t.Context(), muniA.ID)) {
		open += st.Overdue
	}
	decidedLate := 0
	rows := must[[]statRow](e.t)(e.svc.st.statRows(e.t.Context(), muniA.ID))
	for _, r := range rows {
		if r.state.Closed() && r.decided.After(r.due) {
			decidedLate++
		}
	}
	if open-decidedLate != want {
		e.t.Errorf("statistics count %d open late, want %d", open-decidedLate, want)
	}
}

// auditDetail is the detail of an application's last audit entry with action.
func (e *env) auditDetail(appID, action string) map[string]any {
	e.t.Helper()
	var raw string
	err := e.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE object_id = $1 AND action = $2 ORDER BY seq DESC LIMIT 1`,
		appID, action).Scan(&raw)
	if err != nil {
		e.t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

func moscow(t time.Time) string { return t.In(msk).Format("2006-01-02 15:04:05") }

// TestSuspendedTerm: a request stops the term of a service whose
// regulation says so; the application is not late while it waits, even
// past its first deadline; the answer moves the deadline by the working
// days stopped; a second request answered the same day moves nothing.
func TestSuspendedTerm(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.suspending(true)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		// Submitted Tue 29 Dec 2026 10:00: five working days end on 14 Jan.
		app := e.submitted("res-a")
		if !app.Term.Suspends || app.Term.Days != 5 || moscow(app.Due) != "2027-01-14 23:59:59" {
			t.Fatalf("submitted under %+v, due %s", app.Term, moscow(app.Due))
		}
		e.now = at(t, "2026-12-30 12:00")
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActAccept}))
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема в масштабе 1:500"}))
		if !app.Suspended() || !app.Paused.Equal(e.now) || len(app.Pauses) != 1 || !app.Pauses[0].Lasting() ||
			app.Pauses[0].Reason != "Нужна схема в масштабе 1:500" {
			t.Fatalf("requested: paused %v, pauses %+v", app.Paused, app.Pauses)
		}
		if d := e.auditDetail(app.ID, "services.application.request"); d["term_suspended"] != true || d["paused_from"] == nil {
			t.Errorf("request audit %v", d)
		}

		// 20 January: past the first deadline, but the applicant has it.
		e.now = at(t, "2027-01-20 12:00")
		e.overdue(0)
		got := must[Application](t)(e.svc.Application(op, app.ID))
		if got.Overdue(e.now) || !got.RunningDue().IsZero() {
			t.Errorf("a suspended application is late: running due %v", got.RunningDue())
		}

		// The answer on 20 Jan: 30 Dec and 11–15, 18–19 Jan were stopped,
		// eight working days, so the deadline is 26 January.
		app = e.provide("res-a", app.ID)
		if app.Suspended() || moscow(app.Due) != "2027-01-26 23:59:59" || app.State != StateInWork {
			t.Fatalf("provided: paused %v, due %s", app.Paused, moscow(app.Due))
		}
		p := app.Pauses[0]
		if p.Lasting() || !p.To.Equal(e.now) || p.Days != 8 || !p.Due.Equal(app.Due) {
			t.Errorf("pause %+v", p)
		}
		d := e.auditDetail(app.ID, "services.application.provide")
		if d["stopped_days"] != float64(8) || d["due_before"] != "2027-01-14T20:59:59Z" || d["due"] != "2027-01-26T20:59:59Z" ||
			d["paused_to"] == nil || d["calendar"] == "" {
			t.Errorf("provide audit %v", d)
		}
		e.overdue(0)

		// Asked and answered the same day: a pause of no days.
		e.now = at(t, "2027-01-21 10:00")
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Подпишите схему"}))
		e.now = at(t, "2027-01-21 15:00")
		app = e.provide("res-a", app.ID)
		if len(app.Pauses) != 2 || app.Pauses[1].Days != 0 || moscow(app.Due) != "2027-01-26 23:59:59" {
			t.Errorf("same-day pause moved the deadline: %+v, due %s", app.Pauses, moscow(app.Due))
		}
		e.now = at(t, "2027-01-27 09:00")
		e.overdue(1)
		var steps []Action
		for _, s := range app.History {
			steps = append(steps, s.Action)
		}
		if want := []Action{ActCreate, ActSubmit, ActAccept, ActRequest, ActProvide, ActRequest, ActProvide}; !slices.Equal(steps, want) {
			t.Errorf("history %v", steps)
		}
	})
}

// TestSuspensionEndsWithARefusal: refusing while the applicant has not
// answered ends the suspension; the decision is in time.
func TestSuspensionEndsWithARefusal(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.suspending(true)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		app := e.submitted("res-a")
		e.now = at(t, "2027-01-13 10:00")
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема"}))
		e.now = at(t, "2027-02-01 10:00")
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRefuse, Reason: "incomplete"}))
		// 13–15, 18–22 and 25–29 Jan stopped: 13 working days, so the term
		// of 5 becomes 18 and ends on 2 February, after the refusal.
		if app.Suspended() || app.Pauses[0].Lasting() || app.Pauses[0].Days != 13 || moscow(app.Due) != "2027-02-02 23:59:59" {
			t.Fatalf("refused: %+v, due %s", app.Pauses, moscow(app.Due))
		}
		if st := must[[]Stats](t)(e.svc.Stats(t.Context(), muniA.ID)); st[0].Overdue != 0 || st[0].Refusals["incomplete"] != 1 {
			t.Errorf("a refusal after the applicant's silence counted late: %+v", st[0])
		}
		if d := e.auditDetail(app.ID, "services.application.refuse"); d["stopped_days"] != float64(13) || d["reason"] != "incomplete" {
			t.Errorf("refuse audit %v", d)
		}
	})
}

// TestLateRequestStaysLate: a request made after the deadline does not
// hide the lateness the official had already incurred.
func TestLateRequestStaysLate(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.suspending(true)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		app := e.submitted("res-a")
		e.now = at(t, "2027-01-18 10:00") // the deadline was 14 Jan
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема"}))
		if !app.Suspended() || !app.RunningDue().Equal(app.Due) {
			t.Fatalf("late request: paused %v, running due %v", app.Paused, app.RunningDue())
		}
		e.now = at(t, "2027-01-19 10:00")
		e.overdue(1)
	})
}

// TestTermThatDoesNotSuspend: without suspension in the regulation a
// request keeps the term running, as before, and the application is late
// while it waits; a catalogue change after submission does not touch an
// application already submitted.
func TestTermThatDoesNotSuspend(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		app := e.submitted("res-a")
		e.suspending(true) // too late for app, submitted under a running term
		e.now = at(t, "2026-12-30 12:00")
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема"}))
		if app.Suspended() || len(app.Pauses) != 0 || e.count("services_pauses") != 0 {
			t.Fatalf("a running term was suspended: %+v", app.Pauses)
		}
		if d := e.auditDetail(app.ID, "services.application.request"); d["term_suspended"] != false {
			t.Errorf("request audit %v", d)
		}
		e.now = at(t, "2027-01-20 12:00")
		e.overdue(1)
		app = e.provide("res-a", app.ID)
		if moscow(app.Due) != "2027-01-14 23:59:59" {
			t.Errorf("the deadline moved: %s", moscow(app.Due))
		}
		if d := e.auditDetail(app.ID, "services.application.provide"); d["stopped_days"] != nil {
			t.Errorf("provide audit %v", d)
		}
	})
}

// TestSuspendsInTheCatalogue: the property is stored with the entry and
// audited with its changes; an application waiting for a document cannot
// be asked again, so it never has two suspensions at once.
func TestSuspendsInTheCatalogue(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		en := e.earthworks(muniA, false)
		if en.Term.Suspends {
			t.Fatal("a new entry suspends without being asked to")
		}
		if got := e.suspending(true); !got.Term.Suspends {
			t.Fatal("not saved")
		}
		if got := must[Entry](t)(e.svc.Entry(admin(muniA), muniA.ID, "earthworks")); !got.Term.Suspends {
			t.Errorf("read back %+v", got.Term)
		}
		if d := e.auditDetail(en.ID, "services.entry.update"); d["term_suspends"] != true {
			t.Errorf("catalogue audit %v", d)
		}
		app := e.submitted("res-a")
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема"}))
		if _, err := e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "И ещё одна"}); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("a second request while waiting: %v", err)
		}
		if n := e.count("services_pauses"); n != 1 {
			t.Errorf("%d pauses", n)
		}
	})
}
