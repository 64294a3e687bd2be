package appeals

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Moderation statuses of an item the detector flagged. An item never
// flagged has none and is public as soon as it is received (reports only).
const (
	ModPending  = "pending"  // held: nothing of it is public
	ModApproved = "approved" // an official cleared it: public like any report
	ModHidden   = "hidden"   // never public; still handled
)

// The history steps moderation adds; they keep the item's state.
const (
	ActModApprove Action = "moderation_approve"
	ActModHide    Action = "moderation_hide"
)

// ModeratorRole is the least role that approves or hides flagged items:
// a department head (or the municipality's administrator), not every
// operator, since hiding takes a text away from the public record.
const ModeratorRole = auth.RoleDepartmentHead

// Flagged is an item held or judged by moderation.
type Flagged struct {
	Summary
	Status    string     `json:"status"`
	Word      string     `json:"word"` // what the detector found, as written
	Reason    string     `json:"reason,omitempty"`
	FlaggedAt time.Time  `json:"flagged_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// flagText finds obscene or abusive language in what a submission would
// make public or put before officials: the description, the address and
// the answers to the category's questions.
func flagText(in SubmitInput) string {
	o := DefaultObscenity()
	texts := []string{in.Description, in.Address}
	keys := make([]string, 0, len(in.Answers))
	for k := range in.Answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		texts = append(texts, in.Answers[k]...)
	}
	for _, t := range texts {
		if w := o.Match(t); w != "" {
			return w
		}
	}
	return ""
}

// hold puts a new item whose text the detector flagged (word, "" when it
// did not) into the moderation queue, in the submission's transaction, so
// it is never public for an instant.
func (s *Service) hold(ctx context.Context, a Appeal, word string) error {
	if word == "" {
		return nil
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_moderation (appeal_id, tenant_id, status, word, flagged_ms)
		VALUES ($1, $2, $3, $4, $5)`, a.ID, a.TenantID, ModPending, word, db.Millis(a.ReceivedAt))
	if err != nil {
		return err
	}
	return s.log.Record(ctx, audit.Entry{Action: "appeals.appeal.moderation_hold", ObjectType: "appeal", ObjectID: a.ID,
		TenantID: a.TenantID, Detail: map[string]any{"regime": a.Regime}})
}

// publicClause is the SQL condition that an item (alias a) is cleared for
// the public: never flagged, or approved.
const publicClause = "NOT EXISTS (SELECT 1 FROM appeals_moderation mo WHERE mo.appeal_id = a.id AND mo.status <> 'approved')"

// Moderation returns an item's moderation status ("" when never flagged).
func (s *Service) Moderation(ctx context.Context, id string) (string, error) {
	var st string
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT status FROM appeals_moderation WHERE appeal_id = $1`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return st, err
}

// ModerationFilter selects the moderation queue: Status "" is pending.
type ModerationFilter struct {
	Status string
	Limit  int
}

// ModerationQueue lists the flagged items the official may judge, oldest
// first for pending ones (first come, first cleared), latest decided
// first otherwise.
func (s *Service) ModerationQueue(ctx context.Context, f ModerationFilter) ([]Flagged, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	scopes := staffScopes(who, ModeratorRole)
	if len(scopes) == 0 {
		return nil, ErrForbidden
	}
	if f.Status == "" {
		f.Status = ModPending
	}
	if !slices.Contains([]string{ModPending, ModApproved, ModHidden}, f.Status) {
		return nil, invalid("moderation-invalid", map[string]string{"status": "appeals.moderation.status_invalid"})
	}
	order := "mo.flagged_ms, a.id"
	if f.Status != ModPending {
		order = "mo.decided_ms DESC, a.id"
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var or []string
	for _, sc := range scopes {
		c := "a.tenant_path LIKE " + arg(likePrefix(sc.Path)) + ` ESCAPE '\'`
		if sc.DepartmentID != "" {
			c += " AND a.department_id = " + arg(sc.DepartmentID)
		}
		or = append(or, "("+c+")")
	}
	q := strings.Replace(summarySelect, "FROM appeals a", ", mo.status, mo.word, mo.reason, mo.flagged_ms, mo.decided_ms "+
		"FROM appeals a JOIN appeals_moderation mo ON mo.appeal_id = a.id", 1) +
		" WHERE mo.status = " + arg(f.Status) + " AND (" + strings.Join(or, " OR ") + ") ORDER BY " + order +
		" LIMIT " + arg(clampLimit(f.Limit))
	rows, err := s.db.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Flagged{}
	for rows.Next() {
		var fl Flagged
		var flagged int64
		var decided sql.NullInt64
		if fl.Summary, err = scanSummary(flaggedScanner{rows, []any{&fl.Status, &fl.Word, &fl.Reason, &flagged, &decided}}); err != nil {
			return nil, err
		}
		fl.FlaggedAt = db.Time(flagged)
		fl.DecidedAt = db.TimePtr(decided)
		out = append(out, fl)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	sums := make([]Summary, len(out))
	for i := range out {
		sums[i] = out[i].Summary
	}
	if err := s.st.withNextDeadlines(ctx, sums); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Summary = sums[i]
	}
	return out, nil
}

// flaggedScanner scans a summary row followed by the moderation columns.
type flaggedScanner struct {
	rows  *sql.Rows
	extra []any
}

func (f flaggedScanner) Scan(dest ...any) error { return f.rows.Scan(append(dest, f.extra...)...) }

// ApproveText clears a held item: it becomes public like any report.
func (s *Service) ApproveText(ctx context.Context, id string) (Appeal, error) {
	return s.decide(ctx, id, ModApproved, "")
}

// HideText keeps a held item from the public for good, with a reason. Its
// author is told (a step in the history, and the event notifications
// follow) that the text was not published and that the appeal is still
// handled; for a formal appeal the official may then leave it unanswered
// under 59-FZ art. 11 p. 3 (NoAnswer with ReasonObscene).
func (s *Service) HideText(ctx context.Context, id, reason string) (Appeal, error) {
	return s.decide(ctx, id, ModHidden, reason)
}

func (s *Service) decide(ctx context.Context, id, status, reason string) (Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return Appeal{}, err
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if !canRead(who, a) {
		return Appeal{}, ErrNotFound
	}
	if !canStaff(who, a, ModeratorRole) {
		return Appeal{}, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if status == ModHidden {
		if bad := checkNote("reason", reason, true); bad != nil {
			return Appeal{}, invalid("moderation-invalid", bad)
		}
	}
	act := map[string]Action{ModApproved: ActModApprove, ModHidden: ActModHide}[status]
	now := s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals_moderation SET status = $1, reason = $2, decided_ms = $3,
			decided_by = $4 WHERE appeal_id = $5 AND status = $6`, status, reason, db.Millis(now), who.ID, id, ModPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 { // never flagged, or already decided
			return fault.New(ErrConflict, "moderation-decided", "appeals.moderation.not_pending")
		}
		note := ""
		if status == ModHidden {
			note = reason
		}
		st := Step{Seq: len(a.History) + 1, Action: act, To: a.State, ActorID: who.ID, Note: note, At: now}
		if err := s.st.addStep(ctx, a.ID, st); db.IsUnique(err) {
			return fault.New(ErrConflict, "appeal-changed", "appeals.error.changed")
		} else if err != nil {
			return err
		}
		detail := map[string]any{"status": status}
		if reason != "" {
			detail["reason"] = reason
		}
		return s.record(ctx, audit.Entry{Action: "appeals.appeal." + string(act), ObjectType: "appeal", ObjectID: a.ID,
			TenantID: a.TenantID, Detail: detail}, "appeal."+string(act), eventOf(a, act))
	})
	if err != nil {
		return Appeal{}, wrap(string(act), err)
	}
	return s.st.appeal(ctx, id)
}
