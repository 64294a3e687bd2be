package metering

import (
	"context"
	"database/sql"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Building is one building's page: its meters, its consumption per
// resource over the last DashboardDays local days, this month's
// interruption ledger and its interruptions over the last year.
type Building struct {
	Muni          Municipality
	Object        ObjectRow
	Points        []BuildingPoint
	Use           []ResourceUse
	Ledger        []LedgerLine
	Interruptions []Interruption
	Month         time.Time
}

// BuildingPoint is a metering point of a building and the meter on it now.
type BuildingPoint struct {
	Code, Name, Role, Apartment string
	Resource                    Resource
	Serial, Model               string // "" when no meter is installed
	Installed                   time.Time
	CalibrationDue              time.Time
}

// ResourceUse is a building's daily consumption of one resource.
type ResourceUse struct {
	Resource Resource
	Unit     string
	Total    float64
	Days     []engine.Bucket
}

// Building returns a building's page to the municipality's staff.
func (w *Watch) Building(ctx context.Context, a *auth.Actor, muniID, code string) (Building, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Building{}, err
	}
	id, err := w.st.idByCode(ctx, "metering_objects", "code", m.ID, code)
	if err != nil {
		return Building{}, err
	}
	b := Building{Muni: m}
	if b.Object, err = w.st.object(ctx, id); err != nil {
		return b, wrap("building", err)
	}
	if b.Points, err = w.st.buildingPoints(ctx, id); err != nil {
		return b, wrap("building", err)
	}
	loc := locationOf(m)
	now := w.now().In(loc)
	to := engine.BucketEnd(engine.Day, engine.BucketStart(engine.Day, db.Millis(now), loc), loc)
	from := db.Millis(time.UnixMilli(to).In(loc).AddDate(0, 0, -DashboardDays))
	if b.Use, err = w.st.objectUse(ctx, id, from, to, loc); err != nil {
		return b, wrap("building", err)
	}
	b.Month = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	if b.Ledger, err = w.ledger(ctx, id, now); err != nil {
		return b, err
	}
	b.Interruptions, err = w.st.interruptions(ctx, id, db.Millis(now.AddDate(-1, 0, 0)), db.Millis(now)+1)
	return b, wrap("building", err)
}

func (st *store) object(ctx context.Context, id string) (ObjectRow, error) {
	var o ObjectRow
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT code, kind, name, address, lat, lon FROM metering_objects WHERE id = $1`, id).
		Scan(&o.Code, &o.Kind, &o.Name, &o.Address, &o.Lat, &o.Lon)
	return o, err
}

func (st *store) buildingPoints(ctx context.Context, objectID string) ([]BuildingPoint, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT p.code, p.name, p.role, p.apartment, n.resource,
		COALESCE(d.serial, ''), COALESCE(d.model, ''), i.from_ms, d.calibrated_ms, COALESCE(d.calibration_months, 0)
		FROM metering_points p JOIN metering_networks n ON n.id = p.network_id
		LEFT JOIN metering_installations i ON i.point_id = p.id AND i.to_ms IS NULL
		LEFT JOIN metering_devices d ON d.id = i.device_id
		WHERE p.object_id = $1 ORDER BY n.resource, p.apartment, p.code`, objectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BuildingPoint
	for rows.Next() {
		var p BuildingPoint
		var from, calibrated sql.NullInt64
		var months int
		if err := rows.Scan(&p.Code, &p.Name, &p.Role, &p.Apartment, &p.Resource, &p.Serial, &p.Model, &from, &calibrated, &months); err != nil {
			return nil, err
		}
		if from.Valid {
			p.Installed = db.Time(from.Int64)
		}
		if calibrated.Valid && months > 0 {
			p.CalibrationDue = db.Time(calibrated.Int64).AddDate(0, months, 0)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// objectUseSQL sums the daily consumption of the consumer points of
// objects, per object, resource and unit.
const objectUseSQL = `FROM metering_objects o
	JOIN metering_points p ON p.object_id = o.id AND p.role = 'consumer'
	JOIN metering_networks n ON n.id = p.network_id
	JOIN metering_installations i ON i.point_id = p.id
	JOIN metering_channels c ON c.device_id = i.device_id AND ` + consumptionChannelSQL + `
	JOIN metering_daily d ON d.channel_id = c.id AND d.day_ms + 86400000 > i.from_ms AND (i.to_ms IS NULL OR d.day_ms < i.to_ms)`

// objectUse returns the object's daily consumption per resource over [from, to).
func (st *store) objectUse(ctx context.Context, objectID string, from, to int64, loc *time.Location) ([]ResourceUse, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT n.resource, d.day_ms, SUM(d.value), MAX(d.quality) `+objectUseSQL+`
		WHERE o.id = $1 AND d.day_ms >= $2 AND d.day_ms < $3 GROUP BY n.resource, d.day_ms ORDER BY n.resource, d.day_ms`, objectID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ResourceUse
	for rows.Next() {
		var r Resource
		var b engine.Bucket
		var q Quality
		if err := rows.Scan(&r, &b.StartMs, &b.Value, &q); err != nil {
			return nil, err
		}
		b.EndMs, b.Quality = engine.BucketEnd(engine.Day, b.StartMs, loc), engine.Quality(q.String())
		if len(out) == 0 || out[len(out)-1].Resource != r {
			out = append(out, ResourceUse{Resource: r, Unit: unitOf(r)})
		}
		u := &out[len(out)-1]
		u.Days = append(u.Days, b)
		u.Total += b.Value
	}
	return out, rows.Err()
}
