package metering

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// DashboardDays is how many local days the dashboard charts show.
const DashboardDays = 30

// Dashboard is a municipality's resource overview for its staff.
type Dashboard struct {
	Muni    Municipality
	Zones   []ZoneSummary
	Alarms  []Alarm
	Outages []Outage
	Objects []ObjectRow
}

// ZoneSummary is one zone's balance over the dashboard's days, and its
// daily series for the chart.
type ZoneSummary struct {
	ID, Code, Name string
	Resource       Resource
	Unit           string
	Total          engine.Balance
	// Water is the IWA water balance of a water zone over the same days:
	// its consumers' meters are the billed metered consumption; apparent
	// losses and unbilled use are not known to the registry, so every
	// loss counts as real and ILI is not computed.
	Water *engine.WaterBalance
	Days  []ZoneDay
}

// ObjectRow is an object in the dashboard's list and map.
type ObjectRow struct {
	Code, Kind, Name, Address string
	Lat, Lon                  *float64
	Points                    int
}

// Dashboard gathers the overview: every zone's balance and losses over
// the last DashboardDays local days, the open alarms, the outages on now
// or announced, and the objects with their locations.
func (w *Watch) Dashboard(ctx context.Context, a *auth.Actor, muniID string) (Dashboard, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Muni: m}
	loc := locationOf(m)
	now := w.now()
	to := engine.BucketEnd(engine.Day, engine.BucketStart(engine.Day, db.Millis(now), loc), loc)
	from := db.Millis(time.UnixMilli(to).In(loc).AddDate(0, 0, -DashboardDays))
	zones, err := w.st.tenantZones(ctx, m.ID)
	if err != nil {
		return d, wrap("dashboard", err)
	}
	for _, z := range zones {
		days, err := w.st.zoneDays(ctx, z.id, from, to, loc)
		if err != nil {
			return d, err
		}
		s := ZoneSummary{ID: z.id, Code: z.code, Name: z.name, Resource: z.resource, Unit: unitOf(z.resource), Days: days}
		var in, cons float64
		for _, day := range days {
			in += day.Balance.In - day.Balance.Out
			cons += day.Balance.Consumers
		}
		s.Total = engine.ZoneBalance([]engine.BoundaryFlow{{Sign: 1, Volume: in}}, cons)
		if z.resource == Water && s.Total.HasInput {
			wb := engine.IWABalance(engine.WaterInput{SystemInput: in, BilledMetered: cons, Days: float64(len(days))})
			s.Water = &wb
		}
		d.Zones = append(d.Zones, s)
	}
	if d.Alarms, err = w.st.alarms(ctx, m.ID, true, 200); err != nil {
		return d, err
	}
	if d.Outages, err = w.st.outages(ctx, m.ID, db.Millis(now), db.Millis(now.AddDate(0, 0, 30))); err != nil {
		return d, err
	}
	d.Objects, err = w.st.objects(ctx, m.ID)
	return d, wrap("dashboard", err)
}

// unitOf is the unit a resource's balances are kept in.
func unitOf(r Resource) string {
	switch r {
	case Heat:
		return "Gcal"
	case Power:
		return "kWh"
	case Traffic:
		return "veh"
	}
	return "m3"
}

func (st *store) objects(ctx context.Context, tenant string) ([]ObjectRow, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT o.code, o.kind, o.name, o.address, o.lat, o.lon,
		(SELECT COUNT(*) FROM metering_points p WHERE p.object_id = o.id AND p.retired_ms IS NULL)
		FROM metering_objects o WHERE o.tenant_id = $1 AND o.retired_ms IS NULL ORDER BY o.kind, o.name LIMIT 5000`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ObjectRow
	for rows.Next() {
		var o ObjectRow
		if err := rows.Scan(&o.Code, &o.Kind, &o.Name, &o.Address, &o.Lat, &o.Lon, &o.Points); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
