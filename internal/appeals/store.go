package appeals

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store holds the appeals SQL, one method per query.
type store struct{ db *db.DB }

type scanner interface{ Scan(dest ...any) error }

const appealColumns = `id, tenant_id, tenant_path, regime, kind, collective, category_id, author_id, author_name, state,
	department_id, assignee_id, description, lat, lon, address, extended, answer, reason, redirect_to, demo,
	received_ms, updated_ms, supporters, confirmed_ms, rating`

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func scanAppeal(s scanner) (Appeal, error) {
	var a Appeal
	var lat, lon sql.NullFloat64
	var collective, extended, demo int
	var received, updated int64
	var confirmed sql.NullInt64
	err := s.Scan(&a.ID, &a.TenantID, &a.TenantPath, &a.Regime, &a.Kind, &collective, &a.CategoryID, &a.AuthorID, &a.AuthorName,
		&a.State, &a.DepartmentID, &a.AssigneeID, &a.Description, &lat, &lon, &a.Address, &extended, &a.Answer,
		&a.Reason, &a.RedirectTo, &demo, &received, &updated, &a.Supporters, &confirmed, &a.Rating)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if lat.Valid && lon.Valid {
		a.Point = &Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	a.Collective, a.Extended, a.Demo = collective == 1, extended == 1, demo == 1
	a.ReceivedAt, a.UpdatedAt = db.Time(received), db.Time(updated)
	a.ConfirmedAt = db.TimePtr(confirmed)
	return a, err
}

func pointArgs(p *Point) (lat, lon sql.NullFloat64) {
	if p == nil {
		return
	}
	return sql.NullFloat64{Float64: p.Lat, Valid: true}, sql.NullFloat64{Float64: p.Lon, Valid: true}
}

func (s *store) createAppeal(ctx context.Context, a Appeal) error {
	lat, lon := pointArgs(a.Point)
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals (`+appealColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 0, NULL, 0)`,
		a.ID, a.TenantID, a.TenantPath, a.Regime, a.Kind, b2i(a.Collective), a.CategoryID, a.AuthorID, a.AuthorName, a.State,
		a.DepartmentID, a.AssigneeID, a.Description, lat, lon, a.Address, b2i(a.Extended), a.Answer, a.Reason,
		a.RedirectTo, b2i(a.Demo), db.Millis(a.ReceivedAt), db.Millis(a.UpdatedAt))
	return err
}

// updateAppeal writes the workflow fields of a, provided the stored state
// is still from; it reports whether it did, so two officials acting at
// once cannot both win.
func (s *store) updateAppeal(ctx context.Context, a Appeal, from State) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals SET state = $1, department_id = $2, assignee_id = $3,
		extended = $4, answer = $5, reason = $6, redirect_to = $7, updated_ms = $8 WHERE id = $9 AND state = $10`,
		a.State, a.DepartmentID, a.AssigneeID, b2i(a.Extended), a.Answer, a.Reason, a.RedirectTo,
		db.Millis(a.UpdatedAt), a.ID, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) appeal(ctx context.Context, id string) (Appeal, error) {
	a, err := scanAppeal(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`, id))
	if err != nil {
		return a, err
	}
	if a.Deadlines, err = s.deadlines(ctx, id); err != nil {
		return a, err
	}
	if a.Photos, err = s.photos(ctx, id); err != nil {
		return a, err
	}
	if a.Answers, err = s.answers(ctx, id); err != nil {
		return a, err
	}
	a.History, err = s.history(ctx, id)
	return a, err
}

func (s *store) addStep(ctx context.Context, appealID string, st Step) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_history (appeal_id, seq, action, from_state, to_state,
		actor_id, note, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		appealID, st.Seq, st.Action, st.From, st.To, st.ActorID, st.Note, db.Millis(st.At))
	return err
}

func (s *store) history(ctx context.Context, appealID string) ([]Step, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT seq, action, from_state, to_state, actor_id, note, at_ms
		FROM appeals_history WHERE appeal_id = $1 ORDER BY seq`, appealID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Step{}
	for rows.Next() {
		var st Step
		var ms int64
		if err := rows.Scan(&st.Seq, &st.Action, &st.From, &st.To, &st.ActorID, &st.Note, &ms); err != nil {
			return nil, err
		}
		st.At = db.Time(ms)
		out = append(out, st)
	}
	return out, rows.Err()
}

// addDeadline starts a clock. The same clock started again at the same
// instant (a report reopened in the millisecond it was closed) is that
// clock running again, not a second one.
func (s *store) addDeadline(ctx context.Context, appealID string, d Due) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_deadlines (appeal_id, clock, rule, basis, calendar,
		from_ms, due_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (appeal_id, clock, from_ms) DO UPDATE SET rule = excluded.rule, basis = excluded.basis,
			calendar = excluded.calendar, due_ms = excluded.due_ms, closed_ms = NULL`,
		appealID, d.Clock, d.Rule, d.Basis, d.Calendar, db.Millis(d.From), db.Millis(d.At))
	return err
}

// closeDeadline stops an appeal's running clock c.
func (s *store) closeDeadline(ctx context.Context, appealID string, c Clock, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals_deadlines SET closed_ms = $1
		WHERE appeal_id = $2 AND clock = $3 AND closed_ms IS NULL`, db.Millis(at), appealID, c)
	return err
}

func (s *store) deadlines(ctx context.Context, appealID string) ([]Deadline, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT clock, rule, basis, calendar, from_ms, due_ms, closed_ms
		FROM appeals_deadlines WHERE appeal_id = $1 ORDER BY from_ms, clock`, appealID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Deadline{}
	for rows.Next() {
		var d Deadline
		var from, due int64
		var closed sql.NullInt64
		if err := rows.Scan(&d.Clock, &d.Rule, &d.Basis, &d.Calendar, &from, &due, &closed); err != nil {
			return nil, err
		}
		d.From, d.At = db.Time(from), db.Time(due)
		d.ClosedAt = db.TimePtr(closed)
		out = append(out, d)
	}
	return out, rows.Err()
}
