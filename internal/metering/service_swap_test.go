package metering

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestSwapMeter(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		seed(t, s, muniA, "SN-OLD")
		a := adminOf(muniA)
		if _, err := s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "SN-NEW"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: "SN-NEW", Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative"}); err != nil {
			t.Fatal(err)
		}
		at := c.t.Add(-time.Hour)
		end := 512.5
		swap := SwapInput{Device: "SN-OLD", At: at, EndRegister: &end, NewDevice: "SN-NEW", StartRegister: 3}
		audits := func() int {
			var n int
			if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('metering.installation.end', 'metering.installation.create')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := audits()
		open := func() map[string]bool {
			rows, err := d.R(ctx).QueryContext(ctx, `SELECT d.serial FROM metering_installations i JOIN metering_devices d ON d.id = i.device_id WHERE i.to_ms IS NULL`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]bool{}
			for rows.Next() {
				var sn string
				rows.Scan(&sn)
				out[sn] = true
			}
			return out
		}

		// Neither an operator nor another municipality's administrator may swap.
		for _, who := range []struct {
			name string
			err  error
		}{{"operator", s.SwapMeter(ctx, operatorOf(muniA), muniA.ID, "P1", swap)}, {"other admin", s.SwapMeter(ctx, adminOf(muniB), muniA.ID, "P1", swap)}} {
			if !errors.Is(who.err, fault.ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", who.name, who.err)
			}
		}
		// Refusals name the form's fields and leave nothing half-done.
		bad := []struct {
			in    SwapInput
			field string
		}{
			{SwapInput{Device: "SN-NEW", At: at, NewDevice: "SN-OLD"}, "device"},        // not on the point
			{SwapInput{Device: "SN-OLD", At: at, NewDevice: "SN-OLD"}, "new_device"},    // the same meter
			{SwapInput{Device: "SN-OLD", At: at, NewDevice: "SN-NOBODY"}, "new_device"}, // unknown: the removal is rolled back
			{SwapInput{Device: "SN-OLD", At: t0.Add(-time.Hour), NewDevice: "SN-NEW"}, "at"},
		}
		for _, b := range bad {
			err := s.SwapMeter(ctx, a, muniA.ID, "P1", b.in)
			f, ok := fault.As(err)
			if !ok || f.Fields[b.field] == "" {
				t.Errorf("%+v: %v, want a refusal of %s", b.in, err, b.field)
			}
		}
		if o := open(); !o["SN-OLD"] || o["SN-NEW"] || audits() != before {
			t.Fatalf("after refusals: open %v, %d audit entries", o, audits()-before)
		}

		if err := s.SwapMeter(ctx, a, muniA.ID, "P1", swap); err != nil {
			t.Fatal(err)
		}
		if o := open(); o["SN-OLD"] || !o["SN-NEW"] || audits() != before+2 {
			t.Fatalf("after the swap: open %v, %d audit entries", o, audits()-before)
		}
		// The old meter's readings stop at the swap, the new one's start there.
		res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: []Input{
			{Device: "SN-OLD", Channel: "v", At: at.Add(time.Minute), Value: 513},
			{Device: "SN-NEW", Channel: "v", At: at.Add(time.Minute), Value: 3.1},
		}})
		if err != nil || res.Stored != 1 || len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonAfterRemoval {
			t.Fatalf("%+v %v", res, err)
		}
		// Ending an installation without a successor leaves the point empty.
		if err := s.SwapMeter(ctx, a, muniA.ID, "P1", SwapInput{Device: "SN-NEW", At: at.Add(30 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if o := open(); len(o) != 0 {
			t.Fatalf("open installations %v", o)
		}
	})
}

func TestUpdateDevice(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		seed(t, s, muniA, "SN-1")
		seed(t, s, muniB, "SN-1") // the same serial elsewhere is another device
		cal := t0.AddDate(0, -3, 0)
		in := DeviceInput{Model: "ВСХ-20", Seal: "S-9", CalibratedAt: &cal, CalibrationMonths: 48, Interval: time.Hour}
		if err := s.UpdateDevice(ctx, operatorOf(muniA), muniA.ID, "SN-1", in); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator: %v", err)
		}
		if err := s.UpdateDevice(ctx, adminOf(muniB), muniA.ID, "SN-1", in); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("another municipality's admin: %v", err)
		}
		if err := s.UpdateDevice(ctx, adminOf(muniA), muniA.ID, "NOPE", in); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown device: %v", err)
		}
		bad := in
		bad.Interval = -time.Second
		if f, ok := fault.As(s.UpdateDevice(ctx, adminOf(muniA), muniA.ID, "SN-1", bad)); !ok || f.Fields["interval_s"] == "" {
			t.Errorf("negative interval accepted")
		}
		if err := s.UpdateDevice(ctx, adminOf(muniA), muniA.ID, "SN-1", in); err != nil {
			t.Fatal(err)
		}
		got, err := s.DeviceBySerial(ctx, adminOf(muniA), muniA.ID, "SN-1")
		if err != nil || got.Model != "ВСХ-20" || got.Seal != "S-9" || got.CalibratedAt == nil || !got.CalibratedAt.Equal(cal) || got.CalibrationMonths != 48 || got.Interval != time.Hour {
			t.Fatalf("%+v %v", got, err)
		}
		other, err := s.DeviceBySerial(ctx, adminOf(muniB), muniB.ID, "SN-1")
		if err != nil || other.Model != "ВСХ-15" {
			t.Fatalf("the other municipality's device changed: %+v %v", other, err)
		}
		var n int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'metering.device.update'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d audit entries (%v), want 1", n, err)
		}
	})
}
