package metering

import (
	"context"
	"database/sql"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Interruption is one row of a building's interruption ledger.
type Interruption struct {
	ID       string     `json:"id"`
	OutageID string     `json:"outage_id"`
	Service  string     `json:"service"`
	Planned  bool       `json:"planned"`
	From     time.Time  `json:"from"`
	To       *time.Time `json:"to,omitempty"` // nil while it lasts
}

// LedgerLine is one service of a building in one month: its
// interruptions, the limits they are checked against and the resulting
// charge reduction.
type LedgerLine struct {
	Service       string            `json:"service"`
	Interruptions []Interruption    `json:"interruptions"`
	Limit         engine.Limit      `json:"limit"`
	Basis         string            `json:"basis"`
	Assessment    engine.Assessment `json:"assessment"`
}

// Ledger returns a building's interruption ledger for the local calendar
// month containing month: per service, the interruptions (an ongoing one
// counted up to now), the hours over the legal limits and the charge
// reduction they give. Staff of the municipality may read it.
func (w *Watch) Ledger(ctx context.Context, a *auth.Actor, muniID, objectCode string, month time.Time) ([]LedgerLine, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return nil, err
	}
	objectID, err := w.st.idByCode(ctx, "metering_objects", "code", m.ID, objectCode)
	if err != nil {
		return nil, err
	}
	return w.ledger(ctx, objectID, month.In(locationOf(m)))
}

func (w *Watch) ledger(ctx context.Context, objectID string, month time.Time) ([]LedgerLine, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, month.Location())
	to := from.AddDate(0, 1, 0)
	rows, err := w.st.interruptions(ctx, objectID, db.Millis(from), db.Millis(to))
	if err != nil {
		return nil, wrap("ledger", err)
	}
	limits, err := w.st.limits(ctx)
	if err != nil {
		return nil, wrap("ledger", err)
	}
	now := db.Millis(w.now())
	var out []LedgerLine
	for _, svc := range ServiceNames() {
		var line LedgerLine
		var spans []engine.Span
		for _, r := range rows {
			if r.Service != svc {
				continue
			}
			line.Interruptions = append(line.Interruptions, r)
			s := engine.Span{FromMs: db.Millis(r.From)}
			if r.To != nil {
				s.ToMs = db.Millis(*r.To)
			}
			spans = append(spans, s)
		}
		if len(line.Interruptions) == 0 {
			continue
		}
		l := limits[svc]
		line.Service, line.Limit, line.Basis = svc, l.Limit, l.basis
		line.Assessment = engine.Assess(engine.ClipSpans(spans, db.Millis(from), db.Millis(to), now), l.Limit)
		out = append(out, line)
	}
	return out, nil
}

type limitRow struct {
	engine.Limit
	basis string
}

func (st *store) limits(ctx context.Context) (map[string]limitRow, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT service, max_single_hours, max_month_hours, reduction_per_hour, basis FROM metering_interruption_limits`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]limitRow{}
	for rows.Next() {
		var l limitRow
		if err := rows.Scan(&l.Service, &l.MaxSingleHours, &l.MaxMonthHours, &l.ReductionPerHour, &l.basis); err != nil {
			return nil, err
		}
		out[l.Service] = l
	}
	return out, rows.Err()
}

// interruptions lists a building's interruptions that overlap [from, to).
func (st *store) interruptions(ctx context.Context, objectID string, from, to int64) ([]Interruption, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT id, outage_id, service, planned, from_ms, to_ms FROM metering_interruptions
		WHERE object_id = $1 AND from_ms < $3 AND (to_ms IS NULL OR to_ms > $2) ORDER BY from_ms`, objectID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Interruption
	for rows.Next() {
		var r Interruption
		var planned int
		var fromMs int64
		var toMs sql.NullInt64
		if err := rows.Scan(&r.ID, &r.OutageID, &r.Service, &planned, &fromMs, &toMs); err != nil {
			return nil, err
		}
		r.Planned, r.From, r.To = planned == 1, db.Time(fromMs), db.TimePtr(toMs)
		out = append(out, r)
	}
	return out, rows.Err()
}
