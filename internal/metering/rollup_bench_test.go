package metering

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchPoints is the zone size of the zone benchmarks
// (MUNI_BENCH_POINTS, 10,000 by default as in the issue).
func benchPoints() int {
	if n, err := strconv.Atoi(os.Getenv("MUNI_BENCH_POINTS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// bulk inserts rows into table in multi-row statements, in one transaction.
func bulk(b *testing.B, d *db.DB, table string, cols int, rows [][]any) {
	b.Helper()
	ctx := context.Background()
	err := d.InTx(ctx, func(ctx context.Context) error {
		for len(rows) > 0 {
			chunk := rows[:min(len(rows), 500/cols)]
			rows = rows[len(chunk):]
			var sb strings.Builder
			args := make([]any, 0, cols*len(chunk))
			sb.WriteString("INSERT INTO " + table + " VALUES ")
			for i, r := range chunk {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('(')
				for j := range cols {
					if j > 0 {
						sb.WriteByte(',')
					}
					sb.WriteString("$" + strconv.Itoa(i*cols+j+1))
				}
				sb.WriteByte(')')
				args = append(args, r...)
			}
			if _, err := d.Q(ctx).ExecContext(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// zoneYear seeds one DMA of n points (one inlet, the rest consumers) with
// a year of daily rollups — what a year of 15-minute readings leaves —
// and its zone rollup, and returns the service and the year's start.
func zoneYear(b *testing.B, e db.Engine, n int) (*Service, time.Time) {
	d := testdb.Open(b, e, sets...)
	s := New(Deps{DB: d, Places: places(muniA)})
	msk, _ := time.LoadLocation(muniA.TimeZone)
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, msk)
	bulk(b, d, "metering_networks (id, tenant_id, code, resource, name, created_ms)", 6, [][]any{{"net", muniA.ID, "W", "water", "W", 0}})
	bulk(b, d, "metering_zones (id, tenant_id, network_id, code, kind, name, created_ms)", 7, [][]any{{"zone", muniA.ID, "net", "Z", ZoneDMA, "Z", 0}})
	var points, zps, devs, insts, chans, days [][]any
	for i := range n {
		id := fmt.Sprintf("p%05d", i)
		sign := 0
		if i == 0 {
			sign = 1
		}
		points = append(points, []any{id, muniA.ID, "net", id, id, RoleConsumer, 0})
		zps = append(zps, []any{"zone", id, sign})
		devs = append(devs, []any{"d" + id, muniA.ID, "S" + id, 900, 0})
		insts = append(insts, []any{"i" + id, muniA.ID, "d" + id, id, year.AddDate(0, 0, -1).UnixMilli(), 0.0, 0})
		chans = append(chans, []any{int64(i + 1), muniA.ID, "d" + id, "v", "volume", "m3", "cumulative", 0})
		for day := range 365 {
			v := 0.3 + float64(i%7)*0.01
			if i == 0 {
				v = 0.35 * float64(n)
			}
			days = append(days, []any{int64(i + 1), year.AddDate(0, 0, day).UnixMilli(), v, 0, 0})
		}
	}
	bulk(b, d, "metering_points (id, tenant_id, network_id, code, name, role, created_ms)", 7, points)
	bulk(b, d, "metering_zone_points (zone_id, point_id, sign)", 3, zps)
	bulk(b, d, "metering_devices (id, tenant_id, serial, interval_s, created_ms)", 5, devs)
	bulk(b, d, "metering_installations (id, tenant_id, device_id, point_id, from_ms, start_register, created_ms)", 7, insts)
	bulk(b, d, "metering_channels (id, tenant_id, device_id, name, quantity, unit, kind, created_ms)", 8, chans)
	bulk(b, d, "metering_daily (channel_id, day_ms, value, quality, suspect)", 5, days)
	ctx := context.Background()
	if err := s.rollupZones(ctx, map[string]span{"zone": {year.UnixMilli(), year.AddDate(1, 0, 0).UnixMilli()}}); err != nil {
		b.Fatal(err)
	}
	return s, year
}

// BenchmarkZoneYear reads the daily consumption of one zone of
// benchPoints points over a year: from the zone rollup (what the
// dashboard does), and, as the baseline, summed from the points' own
// daily rollups (365 × points rows).
func BenchmarkZoneYear(b *testing.B) {
	ctx := context.Background()
	for _, e := range testdb.Engines(b) {
		s, year := zoneYear(b, e, benchPoints())
		from, to := year.UnixMilli(), year.AddDate(1, 0, 0).UnixMilli()
		b.Run(testdb.Name(e, "zone-rollup"), func(b *testing.B) {
			for b.Loop() {
				days, err := s.ZoneDays(ctx, operatorOf(muniA), muniA.ID, "Z", year, year.AddDate(1, 0, 0))
				if err != nil || len(days) != 365 {
					b.Fatalf("%d days, %v", len(days), err)
				}
			}
		})
		b.Run(testdb.Name(e, "from-point-days"), func(b *testing.B) {
			for b.Loop() {
				rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT d.day_ms, zp.sign, SUM(d.value) `+zoneChannelsSQL+`
					WHERE z.id = $1 AND d.day_ms >= $2 AND d.day_ms < $3 GROUP BY d.day_ms, zp.sign`, "zone", from, to)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if n != 730 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}

// BenchmarkRollupChannelYear recomputes a year of one channel's
// 15-minute register readings (35,040) into hourly and daily rollups.
func BenchmarkRollupChannelYear(b *testing.B) {
	ctx := context.Background()
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, sets...)
			s := New(Deps{DB: d, Places: places(muniA)})
			year := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			bulk(b, d, "metering_devices (id, tenant_id, serial, interval_s, created_ms)", 5, [][]any{{"dev", muniA.ID, "S", 900, 0}})
			bulk(b, d, "metering_channels (id, tenant_id, device_id, name, quantity, unit, kind, created_ms)", 8, [][]any{{int64(1), muniA.ID, "dev", "v", "volume", "m3", "cumulative", 0}})
			var rows [][]any
			for i := range 35_040 {
				rows = append(rows, []any{int64(1), year.Add(time.Duration(i) * 15 * time.Minute).UnixMilli(), 0.01 * float64(i), 0, 1, 0})
			}
			bulk(b, d, "metering_readings (channel_id, ts_ms, value, quality, source, received_ms)", 6, rows)
			for b.Loop() {
				if err := s.Rollup(ctx, []int64{1}, year.UnixMilli(), year.AddDate(1, 0, 0).UnixMilli()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
