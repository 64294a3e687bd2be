package metering

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// Incident is an open alarm of warning or critical severity: work for
// the officials of its municipality, shown in their work queue until it
// is cleared.
type Incident struct {
	Alarm
	Muni Municipality
}

// Incidents lists the incidents of every municipality where the actor
// is an operator or above, most severe and newest first.
func (w *Watch) Incidents(ctx context.Context, a *auth.Actor, limit int) ([]Incident, error) {
	if !a.Staff() {
		return nil, forbidden()
	}
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	rows, err := w.st.db.R(ctx).QueryContext(ctx, `SELECT `+alarmCols+` FROM metering_alarms
		WHERE status <> 'cleared' AND severity IN ('warning', 'critical')
		ORDER BY CASE severity WHEN 'critical' THEN 0 ELSE 1 END, raised_ms DESC, id LIMIT 5000`)
	if err != nil {
		return nil, wrap("incidents", err)
	}
	var all []Alarm
	for rows.Next() {
		al, err := scanAlarm(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("incidents", err)
		}
		all = append(all, al)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("incidents", err)
	}
	munis := map[string]*Municipality{}
	var out []Incident
	for _, al := range all {
		m, seen := munis[al.TenantID]
		if !seen {
			if got, err := w.svc.places.Municipality(ctx, al.TenantID); err == nil && a.Can(auth.RoleOperator, got.Path) {
				m = &got
			}
			munis[al.TenantID] = m
		}
		if m != nil && len(out) < limit {
			out = append(out, Incident{Alarm: al, Muni: *m})
		}
	}
	return out, nil
}
