package metering

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// DeviceBySerial returns a device of a municipality to its
// administrators, for the edit form.
func (s *Service) DeviceBySerial(ctx context.Context, a *auth.Actor, muniID, serial string) (Device, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleMunicipalAdmin)
	if err != nil {
		return Device{}, err
	}
	return s.st.deviceBySerial(ctx, m.ID, serial)
}

// UpdateDevice changes what is known of a device (model, firmware, seal,
// calibration, reporting interval); its serial stays, as the readings and
// installations name it. The change is audited with the old and new values.
func (s *Service) UpdateDevice(ctx context.Context, a *auth.Actor, muniID, serial string, in DeviceInput) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		old, err := s.st.deviceBySerial(ctx, t, serial)
		if err != nil {
			return err
		}
		in.Serial = old.Serial
		f := fields{}
		f.check(len(in.Model) <= 100, "model", "metering.error.too_long")
		f.check(len(in.Firmware) <= 50, "firmware", "metering.error.too_long")
		f.check(len(in.Seal) <= 50, "seal", "metering.error.too_long")
		f.check(in.CalibrationMonths >= 0 && in.CalibrationMonths <= 240, "calibration_months", "metering.error.calibration")
		f.check(in.Interval >= 0 && in.Interval <= 31*24*time.Hour, "interval_s", "metering.error.interval")
		if err := f.err("metering-device-invalid"); err != nil {
			return err
		}
		if _, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE metering_devices SET model = $1, firmware = $2, seal = $3, calibrated_ms = $4,
			calibration_months = $5, interval_s = $6 WHERE id = $7`, in.Model, in.Firmware, in.Seal, millisPtr(in.CalibratedAt),
			in.CalibrationMonths, int64(in.Interval/time.Second), old.ID); err != nil {
			return err
		}
		return s.record(ctx, "device.update", "metering_device", old.ID, t, map[string]any{"serial": old.Serial,
			"before": map[string]any{"model": old.Model, "firmware": old.Firmware, "seal": old.Seal, "calibrated": millisPtr(old.CalibratedAt),
				"calibration_months": old.CalibrationMonths, "interval_s": int64(old.Interval / time.Second)},
			"after": map[string]any{"model": in.Model, "firmware": in.Firmware, "seal": in.Seal, "calibrated": millisPtr(in.CalibratedAt),
				"calibration_months": in.CalibrationMonths, "interval_s": int64(in.Interval / time.Second)}})
	})
}

// deviceBySerial reads a tenant's device; not found is fault's not-found.
func (st *store) deviceBySerial(ctx context.Context, tenant, serial string) (Device, error) {
	d := Device{TenantID: tenant}
	var cal sql.NullInt64
	var interval, created int64
	var token string
	err := st.db.Q(ctx).QueryRowContext(ctx, `SELECT id, serial, model, firmware, calibrated_ms, calibration_months, seal, interval_s, token_hash, created_ms
		FROM metering_devices WHERE tenant_id = $1 AND serial = $2`, tenant, serial).Scan(&d.ID, &d.Serial, &d.Model, &d.Firmware, &cal,
		&d.CalibrationMonths, &d.Seal, &interval, &token, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, ErrNotFound
	}
	if err != nil {
		return Device{}, err
	}
	d.CalibratedAt = db.TimePtr(cal)
	d.Interval = time.Duration(interval) * time.Second
	d.HasToken = token != ""
	d.CreatedAt = db.Time(created)
	return d, nil
}
