package appeals

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// EscalationLevels are the shares of a clock (in per cent) at which the
// department head is alerted: half the time gone, most of it, all of it.
var EscalationLevels = []int{50, 80, 100}

// Level is the highest escalation level a running clock has reached at
// now, 0 when below the first or when the clock has stopped.
func (d Deadline) Level(now time.Time) int {
	total := d.At.Sub(d.From)
	if !d.Open() || total <= 0 {
		return 0
	}
	elapsed := now.Sub(d.From)
	level := 0
	for _, l := range EscalationLevels {
		if elapsed*100 >= total*time.Duration(l) {
			level = l
		}
	}
	return level
}

// Escalation is one clock that crossed a level, as announced.
type Escalation struct {
	ID           string    `json:"id"`
	TenantID     string    `json:"tenant_id"`
	DepartmentID string    `json:"department_id,omitempty"`
	Clock        Clock     `json:"clock"`
	Basis        string    `json:"basis"`
	Due          time.Time `json:"due"`
	Level        int       `json:"level"`
}

// Escalate finds running clocks that crossed an escalation level since
// the last sweep and announces each once (event "appeal.escalated", for
// the department head's notification) with its audit entry. The app runs
// it every few minutes; it returns how many it announced.
func (s *Service) Escalate(ctx context.Context, now time.Time) (int, error) {
	due, err := s.st.escalationCandidates(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		level := c.Deadline.Level(now)
		if level <= c.done {
			continue
		}
		e := Escalation{ID: c.AppealID, TenantID: c.TenantID, DepartmentID: c.DepartmentID, Clock: c.Clock, Basis: c.Basis,
			Due: c.At, Level: level}
		err := s.db.InTx(ctx, func(ctx context.Context) error {
			if err := s.st.addEscalation(ctx, c, level, now); err != nil {
				return err
			}
			return s.record(ctx, audit.Entry{Action: "appeals.appeal.escalate", ObjectType: "appeal", ObjectID: c.AppealID,
				TenantID: c.TenantID, Detail: map[string]any{"clock": c.Clock, "level": level}}, "appeal.escalated", e)
		})
		if err != nil {
			return n, wrap("escalate", err)
		}
		n++
	}
	return n, nil
}

// escalationCandidate is a running clock at least half gone, with the
// highest level already announced.
type escalationCandidate struct {
	Deadline
	AppealID, TenantID, DepartmentID string
	done                             int
}

func (s *store) escalationCandidates(ctx context.Context, now time.Time, limit int) ([]escalationCandidate, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT d.appeal_id, a.tenant_id, a.department_id, d.clock, d.rule, d.basis,
		d.calendar, d.from_ms, d.due_ms,
		COALESCE((SELECT MAX(level) FROM appeals_escalations e
			WHERE e.appeal_id = d.appeal_id AND e.clock = d.clock AND e.from_ms = d.from_ms), 0)
		FROM appeals_deadlines d JOIN appeals a ON a.id = d.appeal_id
		WHERE d.closed_ms IS NULL AND d.from_ms + d.due_ms <= 2 * CAST($1 AS BIGINT)
		AND NOT EXISTS (SELECT 1 FROM appeals_escalations f
			WHERE f.appeal_id = d.appeal_id AND f.clock = d.clock AND f.from_ms = d.from_ms AND f.level = 100)
		ORDER BY d.due_ms LIMIT $2`, db.Millis(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalationCandidate
	for rows.Next() {
		var c escalationCandidate
		var from, due int64
		if err := rows.Scan(&c.AppealID, &c.TenantID, &c.DepartmentID, &c.Clock, &c.Rule, &c.Basis, &c.Calendar, &from, &due, &c.done); err != nil {
			return nil, err
		}
		c.From, c.At = db.Time(from), db.Time(due)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *store) addEscalation(ctx context.Context, c escalationCandidate, level int, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_escalations (appeal_id, clock, from_ms, level, at_ms)
		VALUES ($1, $2, $3, $4, $5)`, c.AppealID, c.Clock, db.Millis(c.From), level, db.Millis(at))
	return err
}
