package metering

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// RemovalInput takes a device off its point at To, with the register
// read when it came out: the first half of a meter swap (the second is
// the new device's installation from the same instant).
type RemovalInput struct {
	Device      string // serial
	To          time.Time
	EndRegister *float64
}

// RemoveDevice ends a device's open installation.
func (s *Service) RemoveDevice(ctx context.Context, a *auth.Actor, muniID string, in RemovalInput) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { return s.removeDevice(ctx, t, in) })
}

func (s *Service) removeDevice(ctx context.Context, tenant string, in RemovalInput) error {
	f := fields{}
	f.check(!in.To.IsZero(), "to", "metering.error.required")
	f.check(in.EndRegister == nil || (!math.IsNaN(*in.EndRegister) && !math.IsInf(*in.EndRegister, 0)), "end_register", "metering.error.number")
	device := s.ref(ctx, f, "metering_devices", "serial", tenant, in.Device, "device")
	var id string
	var from int64
	if len(f) == 0 {
		err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT id, from_ms FROM metering_installations WHERE device_id = $1 AND to_ms IS NULL`, device).Scan(&id, &from)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			f.check(false, "device", "metering.error.not_installed")
		case err != nil:
			return err
		default:
			f.check(db.Millis(in.To) > from, "to", "metering.error.period")
		}
	}
	if err := f.err("metering-removal-invalid"); err != nil {
		return err
	}
	if _, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE metering_installations SET to_ms = $1, end_register = $2 WHERE id = $3`,
		db.Millis(in.To), in.EndRegister, id); err != nil {
		return err
	}
	db.AfterCommit(ctx, s.chans.reset)
	return s.record(ctx, "installation.end", "metering_installation", id, tenant, map[string]any{"device": in.Device, "to": db.Millis(in.To)})
}

func importRemoval(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := RemovalInput{Device: r["device"], EndRegister: c.float("end_register")}
	if to := c.time("to"); to != nil {
		in.To = *to
	}
	if err := c.err(); err != nil {
		return err
	}
	return s.removeDevice(ctx, t, in)
}

// SwapInput ends the installation of the device on a point at At, with
// the register read as it came out, and optionally puts a new device on
// the point from the same instant with its start register: a meter swap.
type SwapInput struct {
	Device        string // serial of the device on the point now
	At            time.Time
	EndRegister   *float64
	NewDevice     string // serial; empty only ends the installation
	StartRegister float64
}

// SwapMeter ends the point's current installation and, when a new device
// is named, installs it from the same instant, in one transaction: either
// both happen or neither. Both steps are audited.
func (s *Service) SwapMeter(ctx context.Context, a *auth.Actor, muniID, point string, in SwapInput) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		f := fields{}
		var on int
		if err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_installations i
			JOIN metering_devices d ON d.id = i.device_id JOIN metering_points p ON p.id = i.point_id
			WHERE i.tenant_id = $1 AND p.code = $2 AND d.serial = $3 AND i.to_ms IS NULL`, t, point, in.Device).Scan(&on); err != nil {
			return err
		}
		f.check(on == 1, "device", "metering.error.not_installed")
		f.check(in.NewDevice != in.Device, "new_device", "metering.error.same_device")
		if err := f.err("metering-swap-invalid"); err != nil {
			return err
		}
		if err := s.removeDevice(ctx, t, RemovalInput{Device: in.Device, To: in.At, EndRegister: in.EndRegister}); err != nil {
			return swapFields(err, map[string]string{"to": "at"})
		}
		if in.NewDevice == "" {
			return nil
		}
		_, err := s.addInstallation(ctx, t, InstallationInput{Device: in.NewDevice, Point: point, From: in.At, StartRegister: in.StartRegister})
		return swapFields(err, map[string]string{"device": "new_device", "from": "at"})
	})
}

// swapFields renames the fields of a removal's or an installation's
// refusal to the swap form's.
func swapFields(err error, names map[string]string) error {
	f, ok := fault.As(err)
	if !ok || len(f.Fields) == 0 {
		return err
	}
	out := map[string]string{}
	for k, v := range f.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return invalid("metering-swap-invalid", out)
}
