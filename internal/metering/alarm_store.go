package metering

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

const alarmCols = `id, tenant_id, kind, target_type, target_id, target_name, severity, status, since_ms, raised_ms, seen_ms,
	acked_ms, acked_by, cleared_ms, cleared_by, detail`

func scanAlarm(sc interface{ Scan(...any) error }) (Alarm, error) {
	var a Alarm
	var since, raised, seen int64
	var acked, cleared sql.NullInt64
	var detail string
	err := sc.Scan(&a.ID, &a.TenantID, &a.Kind, &a.TargetType, &a.TargetID, &a.TargetName, &a.Severity, &a.Status,
		&since, &raised, &seen, &acked, &a.AckedBy, &cleared, &a.ClearedBy, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return Alarm{}, ErrNotFound
	}
	a.Since, a.Raised, a.Seen = db.Time(since), db.Time(raised), db.Time(seen)
	a.Acknowledged, a.Cleared = db.TimePtr(acked), db.TimePtr(cleared)
	a.Detail = []byte(detail)
	return a, err
}

func (st *store) openAlarm(ctx context.Context, tenant string, kind AlarmKind, target string) (Alarm, error) {
	return scanAlarm(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+alarmCols+` FROM metering_alarms
		WHERE tenant_id = $1 AND kind = $2 AND target_id = $3 AND status <> 'cleared'`, tenant, string(kind), target))
}

func (st *store) alarm(ctx context.Context, tenant, id string) (Alarm, error) {
	return scanAlarm(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+alarmCols+` FROM metering_alarms WHERE tenant_id = $1 AND id = $2`, tenant, id))
}

func (st *store) insertAlarm(ctx context.Context, a Alarm) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO metering_alarms (id, tenant_id, kind, target_type, target_id, target_name, severity, status,
		since_ms, raised_ms, seen_ms, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.TenantID, string(a.Kind), a.TargetType, a.TargetID, a.TargetName, string(a.Severity), string(a.Status),
		db.Millis(a.Since), db.Millis(a.Raised), db.Millis(a.Seen), string(a.Detail))
	return err
}

func (st *store) refreshAlarm(ctx context.Context, a Alarm) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE metering_alarms SET severity = $1, seen_ms = $2, detail = $3 WHERE id = $4`,
		string(a.Severity), db.Millis(a.Seen), string(a.Detail), a.ID)
	return err
}

func (st *store) moveAlarm(ctx context.Context, id string, to AlarmStatus, at time.Time, by string) error {
	q := `UPDATE metering_alarms SET status = $1, acked_ms = $2, acked_by = $3 WHERE id = $4`
	if to == AlarmCleared {
		q = `UPDATE metering_alarms SET status = $1, cleared_ms = $2, cleared_by = $3 WHERE id = $4`
	}
	_, err := st.db.Q(ctx).ExecContext(ctx, q, string(to), db.Millis(at), by, id)
	return err
}

func (st *store) alarms(ctx context.Context, tenant string, open bool, limit int) ([]Alarm, error) {
	q := `SELECT ` + alarmCols + ` FROM metering_alarms WHERE tenant_id = $1`
	if open {
		q += ` AND status <> 'cleared'`
	}
	rows, err := st.db.R(ctx).QueryContext(ctx, q+` ORDER BY raised_ms DESC, id LIMIT $2`, tenant, limit)
	if err != nil {
		return nil, wrap("alarms", err)
	}
	defer rows.Close()
	var out []Alarm
	for rows.Next() {
		a, err := scanAlarm(rows)
		if err != nil {
			return nil, wrap("alarms", err)
		}
		out = append(out, a)
	}
	return out, wrap("alarms", rows.Err())
}
