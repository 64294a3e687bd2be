package metering

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store is the registry's SQL; readings are written by writer.go.
type store struct{ db *db.DB }

// idByCode returns the id of a registry row by its municipality's code.
func (st *store) idByCode(ctx context.Context, table, col, tenant, code string) (string, error) {
	var id string
	err := st.db.Q(ctx).QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE tenant_id = $1 AND `+col+` = $2`, tenant, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

func (st *store) insertNetwork(ctx context.Context, n Network) error {
	return st.insertOnce(ctx, `INSERT INTO metering_networks (id, tenant_id, code, resource, name, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, n.ID, n.TenantID, n.Code, string(n.Resource), n.Name, db.Millis(n.CreatedAt))
}

func (st *store) insertObject(ctx context.Context, o Object) error {
	return st.insertOnce(ctx, `INSERT INTO metering_objects (id, tenant_id, code, kind, name, address, lat, lon, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`, o.ID, o.TenantID, o.Code, o.Kind, o.Name, o.Address, o.Lat, o.Lon, db.Millis(o.CreatedAt))
}

func (st *store) insertZone(ctx context.Context, z Zone) error {
	return st.insertOnce(ctx, `INSERT INTO metering_zones (id, tenant_id, network_id, code, kind, name, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, z.ID, z.TenantID, z.NetworkID, z.Code, z.Kind, z.Name, db.Millis(z.CreatedAt))
}

func (st *store) upsertZonePoint(ctx context.Context, zoneID string, zp ZonePoint) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO metering_zone_points (zone_id, point_id, sign) VALUES ($1, $2, $3)
		ON CONFLICT (zone_id, point_id) DO UPDATE SET sign = excluded.sign`, zoneID, zp.PointID, zp.Sign)
	return err
}

func (st *store) insertPoint(ctx context.Context, p Point) error {
	return st.insertOnce(ctx, `INSERT INTO metering_points (id, tenant_id, network_id, object_id, code, name, role, apartment, resident_account_id, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`, p.ID, p.TenantID, p.NetworkID, nullable(p.ObjectID), p.Code, p.Name, p.Role,
		p.Apartment, p.ResidentAccountID, db.Millis(p.CreatedAt))
}

func (st *store) insertDevice(ctx context.Context, d Device) error {
	return st.insertOnce(ctx, `INSERT INTO metering_devices (id, tenant_id, serial, model, firmware, calibrated_ms, calibration_months, seal, interval_s, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`, d.ID, d.TenantID, d.Serial, d.Model, d.Firmware, millisPtr(d.CalibratedAt),
		d.CalibrationMonths, d.Seal, int64(d.Interval/time.Second), db.Millis(d.CreatedAt))
}

func (st *store) setDeviceToken(ctx context.Context, id, hash string) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE metering_devices SET token_hash = $1 WHERE id = $2`, hash, id)
	return err
}

// deviceToken returns a device's tenant and token hash.
func (st *store) deviceToken(ctx context.Context, id string) (tenant, hash string, err error) {
	err = st.db.R(ctx).QueryRowContext(ctx, `SELECT tenant_id, token_hash FROM metering_devices WHERE id = $1`, id).Scan(&tenant, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	return tenant, hash, err
}

// installedOverlap reports whether the device or the point already has an
// installation overlapping [from, to).
func (st *store) installedOverlap(ctx context.Context, deviceID, pointID string, from time.Time, to *time.Time) (bool, error) {
	end := int64(1<<62 - 1)
	if to != nil {
		end = db.Millis(*to)
	}
	var n int
	err := st.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_installations
		WHERE (device_id = $1 OR point_id = $2) AND from_ms < $3 AND (to_ms IS NULL OR to_ms > $4)`,
		deviceID, pointID, end, db.Millis(from)).Scan(&n)
	return n > 0, err
}

func (st *store) insertInstallation(ctx context.Context, in Installation) error {
	return st.insertOnce(ctx, `INSERT INTO metering_installations (id, tenant_id, device_id, point_id, from_ms, to_ms, start_register, end_register, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`, in.ID, in.TenantID, in.DeviceID, in.PointID, db.Millis(in.From), millisPtr(in.To),
		in.StartRegister, in.EndRegister, db.Millis(in.CreatedAt))
}

func (st *store) insertChannel(ctx context.Context, c Channel) (int64, error) {
	var id int64
	err := st.db.Q(ctx).QueryRowContext(ctx, `INSERT INTO metering_channels (tenant_id, device_id, name, quantity, unit, kind, multiplier, digits, direction, created_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id`, c.TenantID, c.DeviceID, c.Name, c.Quantity, c.Unit, string(c.Kind),
		c.Multiplier, c.Digits, c.Direction, db.Millis(c.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errDuplicate
	}
	return id, err
}

// errDuplicate is an insert that met an existing row with the same key;
// ON CONFLICT DO NOTHING keeps a PostgreSQL transaction usable after it.
var errDuplicate = errors.New("metering: duplicate")

// insertOnce runs an INSERT … ON CONFLICT DO NOTHING and reports a row
// that was already there as errDuplicate.
func (st *store) insertOnce(ctx context.Context, query string, args ...any) error {
	res, err := st.db.Q(ctx).ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return errDuplicate
	}
	return err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func millisPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.Millis(*t)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("metering: %s: %w", op, err)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
