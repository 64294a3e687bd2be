package metering

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/testdb"
)

// BenchmarkTrafficWeek reads a week of one detector's five-minute lane
// readings (2 lanes × intensity, occupancy, speed: 12,096 readings), what
// a road segment's page asks for, beside the baseline in the same run:
// the plain read of one channel's raw readings over the same rows that
// the rollup job does (go test -run '^$' -bench TrafficWeek ./internal/metering/).
func BenchmarkTrafficWeek(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, sets...)
			s, _ := newService(b, d)
			ctx := context.Background()
			a := adminOf(muniA)
			from := t0
			for _, err := range []error{
				func() error {
					_, err := s.CreateNetwork(ctx, a, muniA.ID, NetworkInput{Code: "ROADS", Resource: string(Traffic), Name: "Дороги"})
					return err
				}(),
				func() error {
					_, err := s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "TD-1", Network: "ROADS", Name: "Детектор", Role: RoleInternal})
					return err
				}(),
				func() error { _, err := s.CreateDevice(ctx, a, muniA.ID, DeviceInput{Serial: "R1"}); return err }(),
				func() error {
					_, err := s.Install(ctx, a, muniA.ID, InstallationInput{Device: "R1", Point: "TD-1", From: from})
					return err
				}(),
			} {
				if err != nil {
					b.Fatal(err)
				}
			}
			var names []string
			var chans []int64
			for _, lane := range []string{"l1", "l2"} {
				for _, q := range []string{"intensity", "occupancy", "speed"} {
					id, err := s.CreateChannel(ctx, a, muniA.ID, ChannelInput{Device: "R1", Name: lane + "." + q, Quantity: q, Unit: "x", Kind: "instantaneous"})
					if err != nil {
						b.Fatal(err)
					}
					names, chans = append(names, lane+"."+q), append(chans, id)
				}
			}
			const steps = 7 * 24 * 12
			var in []Input
			for i := range steps {
				for _, n := range names {
					in = append(in, Input{Device: "R1", Channel: n, At: from.Add(time.Duration(i) * 5 * time.Minute), Value: float64(i % 90)})
				}
			}
			if res, err := s.IngestAs(ctx, a, muniA.ID, SourceImport, in); err != nil || res.Stored != len(in) {
				b.Fatalf("%+v %v", res, err)
			}
			to := from.Add(7 * 24 * time.Hour)
			b.Run("detector", func(b *testing.B) {
				for range b.N {
					rs, err := s.TrafficReadings(ctx, muniA.ID, []string{"TD-1"}, from, to)
					if err != nil || len(rs) != len(in) {
						b.Fatalf("%d readings, %v", len(rs), err)
					}
				}
				b.ReportMetric(float64(len(in)), "readings")
			})
			b.Run("baseline-raw-channels", func(b *testing.B) {
				for range b.N {
					n := 0
					for _, c := range chans {
						rs, err := s.st.readingsBetween(ctx, c, from.UnixMilli(), to.UnixMilli())
						if err != nil {
							b.Fatal(err)
						}
						n += len(rs)
					}
					if n != len(in) {
						b.Fatalf("%d readings", n)
					}
				}
				b.ReportMetric(float64(len(in)), "readings")
			})
		})
	}
}
