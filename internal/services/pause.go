package services

import (
	"context"
	"time"
)

// Pause is one suspension of an application's term (приостановление
// срока): from an official's request for a missing document to the
// applicant's answer, or to the decision that ended the wait.
type Pause struct {
	Seq    int       `json:"seq"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to,omitzero"`     // zero while it lasts
	Reason string    `json:"reason"`          // the request's text
	Days   int       `json:"days"`            // taken off the term, in the term's unit, once ended
	Due    time.Time `json:"due_at,omitzero"` // the deadline it left, once ended
}

// Lasting reports whether the term is still suspended.
func (p Pause) Lasting() bool { return p.To.IsZero() }

// stoppedSoFar sums the days the ended suspensions took off the term.
func stoppedSoFar(ps []Pause) int {
	n := 0
	for _, p := range ps {
		if !p.Lasting() {
			n += p.Days
		}
	}
	return n
}

// clock suspends or resumes app's term for step act taken at now and
// returns what the step's audit entry adds about it: a request suspends
// the term when the application was submitted under a term that
// suspends; leaving the wait for the applicant (the answer, or a refusal
// while waiting) resumes a suspended one. ctx carries the step's
// transaction; app's row is written by the step.
func (s *Service) clock(ctx context.Context, app *Application, act Action, note string, now time.Time) (map[string]any, error) {
	switch {
	case act == ActRequest:
		if !app.Term.Suspends || app.Submitted.IsZero() {
			return map[string]any{"term_suspended": false}, nil
		}
		if err := s.st.insertPause(ctx, app.ID, now, note); err != nil {
			return nil, err
		}
		app.Paused = now
		return map[string]any{"term_suspended": true, "paused_from": now.Format(time.RFC3339)}, nil
	case app.State == StateAwaiting && !app.Paused.IsZero():
		return s.resume(ctx, app, now)
	}
	return nil, nil
}

// resume ends app's suspension at now: the term loses the days stopped,
// and the deadline is counted again from the submission.
func (s *Service) resume(ctx context.Context, app *Application, now time.Time) (map[string]any, error) {
	m, err := s.municipality(ctx, app.TenantID)
	if err != nil {
		return nil, err
	}
	ps, err := s.st.pauses(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	loc := zone(m)
	days := s.Stopped(app.Term, app.Paused, now, loc)
	before := app.Due
	app.Due, app.Calendar = s.DueAfter(app.Term, app.Submitted, stoppedSoFar(ps)+days, loc)
	if err := s.st.closePause(ctx, app.ID, now, days, app.Due); err != nil {
		return nil, err
	}
	detail := map[string]any{"paused_from": app.Paused.Format(time.RFC3339), "paused_to": now.Format(time.RFC3339),
		"stopped_days": days, "term_working": app.Term.Working, "due_before": before.Format(time.RFC3339),
		"due": app.Due.Format(time.RFC3339), "calendar": app.Calendar}
	app.Paused = time.Time{}
	return detail, nil
}

// DueIfResumed is the deadline app (read with its suspensions) would have
// if its lasting suspension ended at at: what the pages show while the
// term waits for the applicant. ok is false when its term runs.
func (s *Service) DueIfResumed(app Application, at time.Time, loc *time.Location) (due time.Time, ok bool) {
	if app.Paused.IsZero() {
		return time.Time{}, false
	}
	due, _ = s.DueAfter(app.Term, app.Submitted, stoppedSoFar(app.Pauses)+s.Stopped(app.Term, app.Paused, at, loc), loc)
	return due, true
}
