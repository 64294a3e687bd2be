package appeals

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// DisputeWindow is how long after a report is closed its author may
// dispute it, which reopens it.
const DisputeWindow = 14 * 24 * time.Hour

// stepWork is what one workflow step changes besides the state: clocks to
// stop, clocks to start, and non-personal facts for the audit log.
type stepWork struct {
	now    time.Time
	loc    *time.Location
	who    *auth.Actor
	note   string // kept in the history
	stop   []Clock
	start  []Due
	detail map[string]any
	also   []func(ctx context.Context) error // further writes of the step, in its transaction
}

// mutation validates a step and applies it to the item.
type mutation func(a *Appeal, w *stepWork) error

// step runs one action of the workflow on item id: it authorizes, checks
// the state machine, lets mutate validate and apply the change, then
// writes the item, its history step, its clocks, the audit entry and the
// event in one transaction.
func (s *Service) step(ctx context.Context, id string, act Action, mutate mutation) (Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return Appeal{}, err
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if err := authorizeStep(who, a, act, s.now()); err != nil {
		return Appeal{}, err
	}
	to, err := Next(a.Regime, a.State, act)
	if err != nil {
		return Appeal{}, err
	}
	muni, err := s.municipality(ctx, a.TenantID)
	if err != nil {
		return Appeal{}, err
	}
	w := &stepWork{now: s.now(), who: who, detail: map[string]any{}}
	if w.loc, err = zone(muni); err != nil {
		return Appeal{}, err
	}
	from := a.State
	if err := mutate(&a, w); err != nil {
		return Appeal{}, err
	}
	a.State, a.UpdatedAt = to, w.now
	w.detail["from"], w.detail["to"] = from, to
	if err := s.db.InTx(ctx, func(ctx context.Context) error { return s.save(ctx, a, from, act, w) }); err != nil {
		return Appeal{}, wrap(string(act), err)
	}
	return s.st.appeal(ctx, a.ID)
}

func (s *Service) save(ctx context.Context, a Appeal, from State, act Action, w *stepWork) error {
	ok, err := s.st.updateAppeal(ctx, a, from)
	if err != nil {
		return err
	}
	if !ok { // someone else moved it meanwhile
		return fault.New(ErrConflict, "appeal-changed", "appeals.error.changed")
	}
	st := Step{Seq: len(a.History) + 1, Action: act, From: from, To: a.State, ActorID: w.who.ID, Note: w.note, At: w.now}
	if err := s.st.addStep(ctx, a.ID, st); db.IsUnique(err) { // a concurrent step of the same state
		return fault.New(ErrConflict, "appeal-changed", "appeals.error.changed")
	} else if err != nil {
		return err
	}
	for _, c := range w.stop {
		if err := s.st.closeDeadline(ctx, a.ID, c, w.now); err != nil {
			return err
		}
	}
	for _, d := range w.start {
		if err := s.st.addDeadline(ctx, a.ID, d); err != nil {
			return err
		}
	}
	for _, f := range w.also {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return s.record(ctx, audit.Entry{Action: "appeals.appeal." + string(act), ObjectType: "appeal", ObjectID: a.ID,
		TenantID: a.TenantID, Detail: w.detail}, "appeal."+pastTense(act), eventOf(a, act))
}

// authorizeStep hides items the actor may not read, and refuses steps
// their role does not reach. The author may take one step: dispute a
// closed report within DisputeWindow, which reopens it.
func authorizeStep(who *auth.Actor, a Appeal, act Action, now time.Time) error {
	if !canRead(who, a) {
		return ErrNotFound
	}
	if canStaff(who, a, actionRole(act)) {
		return nil
	}
	if act == ActReopen && isAuthor(who, a) && a.Regime == RegimeReport && now.Sub(a.UpdatedAt) <= DisputeWindow {
		return nil
	}
	return ErrForbidden
}

var pastTenses = map[Action]string{ActRegister: "registered", ActAssign: "assigned", ActStart: "started",
	ActExtend: "extended", ActAnswer: "answered", ActFix: "fixed", ActCloseNotFixed: "closed_not_fixed",
	ActRedirect: "redirected", ActReturn: "returned", ActNoAnswer: "no_answer", ActReopen: "reopened",
	ActRoute: "routed", ActInfoRequest: "info_requested", ActInfoReceived: "info_received"}

// pastTense names the event an action publishes: "appeal.registered".
func pastTense(act Action) string { return pastTenses[act] }

// allClocks are every clock; a final step stops them all.
var allClocks = []Clock{ClockRegister, ClockRedirect, ClockAnswer, ClockInfo, ClockSLA}

// Register registers a received item. For an appeal it stops the
// registration clock and starts the redirect (7 days) and answer (30
// days) clocks from registration.
func (s *Service) Register(ctx context.Context, id string) (Appeal, error) {
	return s.step(ctx, id, ActRegister, func(a *Appeal, w *stepWork) error {
		if a.Regime == RegimeAppeal {
			w.stop = []Clock{ClockRegister}
			w.start = []Due{s.clocks.Due(RuleRedirect, w.now, w.loc), s.clocks.Due(RuleAnswer, w.now, w.loc)}
		}
		return nil
	})
}

// AssignInput names who works on an item: a department of its
// municipality and, optionally, an official of it.
type AssignInput struct {
	DepartmentID string `json:"department_id"`
	AssigneeID   string `json:"assignee_id"`
}

// Assign routes an item to a department (and official). Assigning decides
// the municipality is competent, so the redirect clock stops.
func (s *Service) Assign(ctx context.Context, id string, in AssignInput) (Appeal, error) {
	return s.step(ctx, id, ActAssign, func(a *Appeal, w *stepWork) error {
		bad := map[string]string{}
		dep, err := s.places.Department(ctx, in.DepartmentID)
		switch {
		case in.DepartmentID == "" || errors.Is(err, fault.ErrNotFound) || (err == nil && dep.MunicipalityID != a.TenantID):
			bad["department_id"] = "appeals.department.unknown"
		case err != nil:
			return err
		}
		if in.AssigneeID != "" && in.AssigneeID != w.who.ID {
			ok, err := s.official(ctx, in.AssigneeID, a.TenantPath, in.DepartmentID)
			if err != nil {
				return err
			}
			if !ok {
				bad["assignee_id"] = "appeals.assignee.unknown"
			}
		}
		if len(bad) > 0 {
			return invalid("assign-invalid", bad)
		}
		a.DepartmentID, a.AssigneeID = in.DepartmentID, in.AssigneeID
		w.stop = []Clock{ClockRedirect}
		w.detail["department_id"], w.detail["assignee_id"] = in.DepartmentID, in.AssigneeID
		w.also = append(w.also, s.resolveTriage(a.ID, w.now)) // assigning decides a triaged item too
		return nil
	})
}

// Start marks work begun; the acting official takes an unowned item.
func (s *Service) Start(ctx context.Context, id string) (Appeal, error) {
	return s.step(ctx, id, ActStart, func(a *Appeal, w *stepWork) error {
		if a.AssigneeID == "" {
			a.AssigneeID = w.who.ID
		}
		return nil
	})
}

// Extend moves an appeal's answer deadline on by days (1–30), once, by a
// department head or higher, with a reason (59-FZ art. 12 p. 2).
func (s *Service) Extend(ctx context.Context, id string, days int, reason string) (Appeal, error) {
	return s.step(ctx, id, ActExtend, func(a *Appeal, w *stepWork) error {
		if a.Extended {
			return fault.New(ErrConflict, "appeal-extended", "appeals.error.extended_once")
		}
		bad := checkNote("reason", reason, true)
		if days < 1 || days > MaxExtensionDays {
			bad = withField(bad, "days", "appeals.days.invalid")
		}
		if len(bad) > 0 {
			return invalid("extend-invalid", bad)
		}
		cur, ok := openClock(*a, ClockAnswer)
		if !ok {
			return fault.New(ErrConflict, "appeal-no-deadline", "appeals.error.no_deadline")
		}
		next, err := s.clocks.Extension(cur.Due, days, w.loc)
		if err != nil {
			return err
		}
		a.Extended, w.note = true, strings.TrimSpace(reason)
		w.stop, w.start = []Clock{ClockAnswer}, []Due{next}
		w.detail["days"] = days
		return nil
	})
}

// Answer gives an appeal its answer on the merits and stops its clocks.
func (s *Service) Answer(ctx context.Context, id, text string) (Appeal, error) {
	return s.step(ctx, id, ActAnswer, closing(func(a *Appeal, w *stepWork) error {
		if bad := checkNote("answer", text, true); bad != nil {
			return invalid("answer-invalid", bad)
		}
		a.Answer = strings.TrimSpace(text)
		w.note = a.Answer
		return nil
	}))
}

// Fix marks a report fixed, with a note to its author.
func (s *Service) Fix(ctx context.Context, id, note string) (Appeal, error) {
	return s.step(ctx, id, ActFix, closing(noteTo("answer", note, false)))
}

// CloseNotFixed closes a report that will not be fixed, saying why.
func (s *Service) CloseNotFixed(ctx context.Context, id, note string) (Appeal, error) {
	return s.step(ctx, id, ActCloseNotFixed, closing(noteTo("answer", note, true)))
}

// Return returns an appeal to its author (59-FZ art. 11 p. 2), saying why.
func (s *Service) Return(ctx context.Context, id, note string) (Appeal, error) {
	return s.step(ctx, id, ActReturn, closing(func(a *Appeal, w *stepWork) error {
		a.Reason = "court_decision"
		return noteTo("answer", note, true)(a, w)
	}))
}

// Redirect sends an appeal to the competent body (59-FZ art. 8 p. 3); the
// author is told through the event.
func (s *Service) Redirect(ctx context.Context, id, body, note string) (Appeal, error) {
	return s.step(ctx, id, ActRedirect, closing(func(a *Appeal, w *stepWork) error {
		body = strings.TrimSpace(body)
		bad := checkNote("answer", note, false)
		if n := utf8.RuneCountInString(body); n < 2 || n > MaxName {
			bad = withField(bad, "redirect_to", "appeals.redirect_to.invalid")
		}
		if len(bad) > 0 {
			return invalid("redirect-invalid", bad)
		}
		a.RedirectTo, a.Answer, w.note = body, strings.TrimSpace(note), strings.TrimSpace(note)
		return nil
	}))
}

// NoAnswer leaves an appeal unanswered on its merits for an art. 11
// reason, with a note to the author where the law wants one.
func (s *Service) NoAnswer(ctx context.Context, id, reason, note string) (Appeal, error) {
	return s.step(ctx, id, ActNoAnswer, closing(func(a *Appeal, w *stepWork) error {
		bad := checkNote("answer", note, false)
		if !slices.Contains(NoAnswerReasons(), reason) {
			bad = withField(bad, "reason", "appeals.reason.invalid")
		}
		if len(bad) > 0 {
			return invalid("no-answer-invalid", bad)
		}
		a.Reason, a.Answer, w.note = reason, strings.TrimSpace(note), strings.TrimSpace(note)
		w.detail["reason"] = reason
		return nil
	}))
}

// Reopen opens a closed item again with a reason, and restarts its main
// clock from now: the answer clock for an appeal, the SLA for a report.
func (s *Service) Reopen(ctx context.Context, id, reason string) (Appeal, error) {
	return s.step(ctx, id, ActReopen, func(a *Appeal, w *stepWork) error {
		if bad := checkNote("reason", reason, true); bad != nil {
			return invalid("reopen-invalid", bad)
		}
		rule := RuleAnswer
		if a.Regime == RegimeReport {
			cat, err := s.st.category(ctx, a.CategoryID)
			if err != nil {
				return err
			}
			rule = cat.SLA.Rule(cat.NameRU)
		}
		a.Answer, a.Reason, w.note = "", "", strings.TrimSpace(reason)
		w.start = []Due{s.clocks.Due(rule, w.now, w.loc)}
		w.detail["by_author"] = isAuthor(w.who, *a)
		return nil
	})
}

// closing wraps a final step's mutation: it stops every clock.
func closing(m mutation) mutation {
	return func(a *Appeal, w *stepWork) error {
		if err := m(a, w); err != nil {
			return err
		}
		w.stop = allClocks
		return nil
	}
}

// noteTo keeps a note as the item's answer to its author.
func noteTo(field, note string, required bool) mutation {
	return func(a *Appeal, w *stepWork) error {
		if bad := checkNote(field, note, required); bad != nil {
			return invalid("note-invalid", bad)
		}
		a.Answer, w.note = strings.TrimSpace(note), strings.TrimSpace(note)
		return nil
	}
}

func withField(bad map[string]string, field, key string) map[string]string {
	if bad == nil {
		bad = map[string]string{}
	}
	bad[field] = key
	return bad
}

// openClock finds the running clock c of an item.
func openClock(a Appeal, c Clock) (Deadline, bool) {
	for _, d := range a.Deadlines {
		if d.Clock == c && d.Open() {
			return d, true
		}
	}
	return Deadline{}, false
}

// Steps lists the workflow actions the actor in ctx may take on a now.
func (s *Service) Steps(ctx context.Context, a Appeal) []Action {
	who := auth.From(ctx)
	var out []Action
	for _, act := range Actions(a.Regime, a.State) {
		if authorizeStep(who, a, act, s.now()) == nil && !(act == ActExtend && a.Extended) && s.offered(ctx, a, act) {
			out = append(out, act)
		}
	}
	return out
}

// BulkAssign routes several items to one department in one transaction:
// either all of them move, or — when one is refused — none does.
func (s *Service) BulkAssign(ctx context.Context, ids []string, in AssignInput) (int, error) {
	if len(ids) == 0 || len(ids) > 200 {
		return 0, invalid("assign-invalid", map[string]string{"id": "appeals.bulk.count"})
	}
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		for _, id := range ids {
			if _, err := s.Assign(ctx, id, in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}
