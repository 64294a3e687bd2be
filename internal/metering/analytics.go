package metering

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// ZoneDay is a zone's balance on one local day.
type ZoneDay struct {
	Day     time.Time // local midnight
	Balance engine.Balance
	Quality Quality // the worst of its channels' days
}

// ZoneDays returns a zone's daily balances (in − out − consumers =
// losses) for the local days starting in [from, to), from the zone
// rollups. Staff of the municipality may read them.
func (s *Service) ZoneDays(ctx context.Context, a *auth.Actor, muniID, zoneCode string, from, to time.Time) ([]ZoneDay, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return nil, err
	}
	zoneID, err := s.st.idByCode(ctx, "metering_zones", "code", m.ID, zoneCode)
	if err != nil {
		return nil, err
	}
	return s.st.zoneDays(ctx, zoneID, db.Millis(from), db.Millis(to), locationOf(m))
}

// locationOf is the municipality's zone, UTC when it has none.
func locationOf(m Municipality) *time.Location {
	if loc, err := tz.Load(m.TimeZone); err == nil && m.TimeZone != "" {
		return loc
	}
	return time.UTC
}

func (st *store) zoneDays(ctx context.Context, zoneID string, from, to int64, loc *time.Location) ([]ZoneDay, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT day_ms, inflow, outflow, consumers, quality FROM metering_zone_daily
		WHERE zone_id = $1 AND day_ms >= $2 AND day_ms < $3 ORDER BY day_ms`, zoneID, from, to)
	if err != nil {
		return nil, wrap("zone days", err)
	}
	defer rows.Close()
	var out []ZoneDay
	for rows.Next() {
		var ms int64
		var in, outflow, cons float64
		var q Quality
		if err := rows.Scan(&ms, &in, &outflow, &cons, &q); err != nil {
			return nil, wrap("zone days", err)
		}
		b := engine.ZoneBalance([]engine.BoundaryFlow{{Sign: 1, Volume: in}, {Sign: -1, Volume: outflow}}, cons)
		out = append(out, ZoneDay{Day: time.UnixMilli(ms).In(loc), Balance: b, Quality: q})
	}
	return out, wrap("zone days", rows.Err())
}
