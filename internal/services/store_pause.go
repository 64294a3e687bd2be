package services

import (
	"context"
	"database/sql"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// insertPause begins a suspension of an application's term at from.
func (s *store) insertPause(ctx context.Context, appID string, from time.Time, reason string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO services_pauses (application_id, seq, from_ms, reason)
		VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM services_pauses WHERE application_id = $1), $2, $3)`,
		appID, db.Millis(from), reason)
	if db.IsUnique(err) {
		return conflict("services.error.changed") // another suspension began at the same moment
	}
	return err
}

// closePause ends an application's lasting suspension at to, with the
// days it took off the term and the deadline it left; another request
// that ended it first is a conflict.
func (s *store) closePause(ctx context.Context, appID string, to time.Time, days int, due time.Time) error {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE services_pauses SET to_ms = $2, days = $3, due_ms = $4
		WHERE application_id = $1 AND to_ms IS NULL`, appID, db.Millis(to), days, db.Millis(due))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return conflict("services.error.changed")
	}
	return nil
}

// pauses lists an application's suspensions in order.
func (s *store) pauses(ctx context.Context, appID string) ([]Pause, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT seq, from_ms, to_ms, reason, days, due_ms FROM services_pauses
		WHERE application_id = $1 ORDER BY seq`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pause
	for rows.Next() {
		var p Pause
		var from int64
		var to, due sql.NullInt64
		if err := rows.Scan(&p.Seq, &from, &to, &p.Reason, &p.Days, &due); err != nil {
			return nil, err
		}
		p.From = db.Time(from)
		if to.Valid {
			p.To = db.Time(to.Int64)
		}
		if due.Valid {
			p.Due = db.Time(due.Int64)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
