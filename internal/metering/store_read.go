package metering

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// PointRow is one metering point in the registry list, with the device
// installed on it now.
type PointRow struct {
	Point
	NetworkCode string
	Resource    Resource
	ObjectName  string
	Serial      string // "" when no device is installed
}

// ZoneRow is one zone with how many points bound it and lie inside it.
type ZoneRow struct {
	Zone
	NetworkCode      string
	Boundary, Inside int
}

// DeviceRow is one device with its current point and last reading.
type DeviceRow struct {
	Device
	PointCode string
	LastAt    *int64 // ms of the newest reading of any channel
}

const listLimit = 500

func (st *store) networks(ctx context.Context, tenant string) ([]Network, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT id, code, resource, name FROM metering_networks WHERE tenant_id = $1 AND retired_ms IS NULL ORDER BY code`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Network
	for rows.Next() {
		n := Network{TenantID: tenant}
		if err := rows.Scan(&n.ID, &n.Code, &n.Resource, &n.Name); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (st *store) zones(ctx context.Context, tenant string) ([]ZoneRow, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT z.id, z.code, z.kind, z.name, n.code,
		(SELECT COUNT(*) FROM metering_zone_points zp WHERE zp.zone_id = z.id AND zp.sign <> 0),
		(SELECT COUNT(*) FROM metering_zone_points zp WHERE zp.zone_id = z.id AND zp.sign = 0)
		FROM metering_zones z JOIN metering_networks n ON n.id = z.network_id WHERE z.tenant_id = $1 AND z.retired_ms IS NULL ORDER BY z.code`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ZoneRow
	for rows.Next() {
		var z ZoneRow
		if err := rows.Scan(&z.ID, &z.Code, &z.Kind, &z.Name, &z.NetworkCode, &z.Boundary, &z.Inside); err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, rows.Err()
}

// pointRows lists a tenant's points (or one resident's, across
// municipalities, when resident is set).
func (st *store) pointRows(ctx context.Context, tenant, resident string, now int64) ([]PointRow, error) {
	q := `SELECT p.id, p.tenant_id, p.code, p.name, p.role, p.apartment, p.resident_account_id, n.code, n.resource, COALESCE(o.name, ''),
		COALESCE((SELECT d.serial FROM metering_installations i JOIN metering_devices d ON d.id = i.device_id
			WHERE i.point_id = p.id AND i.from_ms <= $2 AND (i.to_ms IS NULL OR i.to_ms > $2) ORDER BY i.from_ms DESC LIMIT 1), '')
		FROM metering_points p JOIN metering_networks n ON n.id = p.network_id LEFT JOIN metering_objects o ON o.id = p.object_id `
	arg := tenant
	if resident != "" {
		q += `WHERE p.resident_account_id = $1 AND p.retired_ms IS NULL ORDER BY p.code LIMIT 500`
		arg = resident
	} else {
		q += `WHERE p.tenant_id = $1 AND p.retired_ms IS NULL ORDER BY n.code, p.code LIMIT 500`
	}
	rows, err := st.db.R(ctx).QueryContext(ctx, q, arg, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PointRow
	for rows.Next() {
		var p PointRow
		if err := rows.Scan(&p.ID, &p.TenantID, &p.Code, &p.Name, &p.Role, &p.Apartment, &p.ResidentAccountID, &p.NetworkCode, &p.Resource, &p.ObjectName, &p.Serial); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (st *store) deviceRows(ctx context.Context, tenant string, now int64) ([]DeviceRow, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT d.id, d.serial, d.model, d.calibrated_ms, d.calibration_months, d.seal,
		COALESCE((SELECT p.code FROM metering_installations i JOIN metering_points p ON p.id = i.point_id
			WHERE i.device_id = d.id AND i.from_ms <= $2 AND (i.to_ms IS NULL OR i.to_ms > $2) ORDER BY i.from_ms DESC LIMIT 1), ''),
		(SELECT MAX(r.ts_ms) FROM metering_channels c JOIN metering_readings r ON r.channel_id = c.id WHERE c.device_id = d.id)
		FROM metering_devices d WHERE d.tenant_id = $1 ORDER BY d.serial LIMIT 500`, tenant, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeviceRow
	for rows.Next() {
		var d DeviceRow
		var cal, last sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Serial, &d.Model, &cal, &d.CalibrationMonths, &d.Seal, &d.PointCode, &last); err != nil {
			return nil, err
		}
		d.CalibratedAt = db.TimePtr(cal)
		if last.Valid {
			d.LastAt = &last.Int64
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (st *store) countObjects(ctx context.Context, tenant string) (int, error) {
	var n int
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_objects WHERE tenant_id = $1 AND retired_ms IS NULL`, tenant).Scan(&n)
	return n, err
}

// point returns one point by its tenant's code, or by id when tenant is "".
func (st *store) point(ctx context.Context, tenant, key string) (Point, error) {
	q := `SELECT id, tenant_id, network_id, COALESCE(object_id, ''), code, name, role, apartment, resident_account_id, created_ms FROM metering_points `
	args := []any{key}
	if tenant == "" {
		q += `WHERE id = $1`
	} else {
		q += `WHERE tenant_id = $2 AND code = $1`
		args = append(args, tenant)
	}
	var p Point
	var created int64
	err := st.db.R(ctx).QueryRowContext(ctx, q, args...).Scan(&p.ID, &p.TenantID, &p.NetworkID, &p.ObjectID, &p.Code, &p.Name, &p.Role, &p.Apartment, &p.ResidentAccountID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Point{}, ErrNotFound
	}
	p.CreatedAt = db.Time(created)
	return p, err
}

// InstalledChannel is a channel of a device installed on a point.
type InstalledChannel struct {
	Channel
	Serial       string
	Installation Installation
	Last         []Reading // newest first
}

// installedChannels lists the channels of every device ever installed on
// the point, newest installation first, with their last readings.
func (st *store) installedChannels(ctx context.Context, pointID string, last int) ([]InstalledChannel, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT c.id, c.device_id, c.name, c.quantity, c.unit, c.kind, c.multiplier, c.digits, c.direction,
		d.serial, i.id, i.from_ms, i.to_ms, i.start_register, i.end_register
		FROM metering_installations i JOIN metering_devices d ON d.id = i.device_id JOIN metering_channels c ON c.device_id = d.id
		WHERE i.point_id = $1 ORDER BY i.from_ms DESC, c.name`, pointID)
	if err != nil {
		return nil, err
	}
	var out []InstalledChannel
	for rows.Next() {
		var ic InstalledChannel
		var from int64
		var to sql.NullInt64
		var end sql.NullFloat64
		if err := rows.Scan(&ic.ID, &ic.DeviceID, &ic.Name, &ic.Quantity, &ic.Unit, &ic.Kind, &ic.Multiplier, &ic.Digits, &ic.Direction,
			&ic.Serial, &ic.Installation.ID, &from, &to, &ic.Installation.StartRegister, &end); err != nil {
			rows.Close()
			return nil, err
		}
		ic.Installation.From, ic.Installation.To = db.Time(from), db.TimePtr(to)
		if end.Valid {
			ic.Installation.EndRegister = &end.Float64
		}
		out = append(out, ic)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Last, err = st.lastReadings(ctx, out[i].ID, last); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (st *store) lastReadings(ctx context.Context, channel int64, n int) ([]Reading, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT ts_ms, value, quality, source, received_ms FROM metering_readings
		WHERE channel_id = $1 ORDER BY ts_ms DESC LIMIT $2`, channel, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reading
	for rows.Next() {
		var at, rec int64
		r := Reading{ChannelID: channel}
		if err := rows.Scan(&at, &r.Value, &r.Quality, &r.Source, &rec); err != nil {
			return nil, err
		}
		r.At, r.Received = db.Time(at), db.Time(rec)
		out = append(out, r)
	}
	return out, rows.Err()
}

// meteredTenants are the municipalities with a registry.
func (st *store) meteredTenants(ctx context.Context) ([]string, error) {
	return db.Strings(ctx, st.db.R(ctx), `SELECT DISTINCT tenant_id FROM metering_networks ORDER BY tenant_id`)
}

// Last is the time of the device's newest reading, zero when none.
func (d DeviceRow) Last() time.Time {
	if d.LastAt == nil {
		return time.Time{}
	}
	return db.Time(*d.LastAt)
}
