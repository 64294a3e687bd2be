package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
)

// appealsApp is the app with the demo's territory, people and appeals
// (answered ones among them, received over the last months).
func appealsApp(t *testing.T, e db.Engine) (*App, territory.Demo) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load("", []string{"MUNI_DATABASE_URL=" + testdb.URL(t, e), "MUNI_MQTT_LISTEN=off"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	a, err := New(ctx, cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	w := &DemoWorld{ids: map[string]any{}}
	for _, step := range []func(context.Context, *App, *DemoWorld) error{demoTerritory, demoIdentity, demoAppeals} {
		if err := step(ctx, a, w); err != nil {
			t.Fatal(err)
		}
	}
	return a, w.ids["territory"].(territory.Demo)
}

// sqlMedianDays is the median of answered appeals' days from receipt to
// answer, by SQL alone: the middle row (or the two middle rows) of the
// ordered durations.
func sqlMedianDays(t *testing.T, d *db.DB, tenant string, from, to time.Time) (float64, int) {
	t.Helper()
	ctx := context.Background()
	where := `FROM appeals WHERE tenant_id = $1 AND state = 'answered' AND received_ms >= $2 AND received_ms < $3`
	var n int
	if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) `+where, tenant, from.UnixMilli(), to.UnixMilli()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return -1, 0
	}
	var avg float64
	err := d.R(ctx).QueryRowContext(ctx, `SELECT AVG(CAST(ms AS DOUBLE PRECISION)) FROM (SELECT updated_ms - received_ms AS ms `+where+`
		ORDER BY ms LIMIT $4 OFFSET $5) mid`, tenant, from.UnixMilli(), to.UnixMilli(), 2-n%2, (n-1)/2).Scan(&avg)
	if err != nil {
		t.Fatal(err)
	}
	return avg / 86400000, n
}

// TestComputedMedianAnswerMatchesSQL: the indicator "median time to
// answer appeals", computed by monitoring through the appeals domain,
// equals the median a direct SQL query over the appeals table gives, for
// each period that holds answered appeals.
func TestComputedMedianAnswerMatchesSQL(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			a, td := appealsApp(t, e)
			ctx := AsSystem(context.Background())
			loc, _ := time.LoadLocation(td.Main.TimeZone)
			year := time.Now().In(loc).Year()
			checked := 0
			for _, y := range []int{year - 1, year} {
				vals, err := a.Monitoring.Compute(ctx, td.Main.Slug, strconv.Itoa(y))
				if err != nil {
					t.Fatal(err)
				}
				var got *float64
				for _, v := range vals {
					if v.Code == "P.APPEALS.MEDIAN" {
						got = &v.Value
					}
				}
				from := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
				want, n := sqlMedianDays(t, a.DB, td.Main.ID, from, from.AddDate(1, 0, 0))
				if n == 0 {
					if got != nil {
						t.Errorf("%d: no answered appeals, yet the indicator is %v", y, *got)
					}
					continue
				}
				if got == nil || math.Abs(*got-math.Round(want*100)/100) > 1e-9 {
					t.Errorf("%d: computed median %v, SQL median %.4f over %d answered appeals", y, got, want, n)
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("the demo holds no answered appeals: the comparison would pass vacuously")
			}
		})
	}
}

func TestGeometryPoint(t *testing.T) {
	for _, c := range []struct {
		typ, coords string
		lat, lon    float64
		ok          bool
	}{
		{transport.GeoPoint, `[29.85, 58.73]`, 58.73, 29.85, true},
		{transport.GeoLine, `[[29.8, 58.7], [29.9, 58.8], [30.0, 58.9]]`, 58.8, 29.9, true},
		{transport.GeoPolygon, `[[[29.8, 58.7], [29.9, 58.7], [29.9, 58.8], [29.8, 58.7]]]`, 58.7, 29.8, true},
		{transport.GeoLine, `[]`, 0, 0, false},
		{"MultiPoint", `[[1, 2]]`, 0, 0, false},
		{transport.GeoPoint, `"here"`, 0, 0, false},
	} {
		lat, lon, ok := geometryPoint(transport.Geometry{Type: c.typ, Coordinates: json.RawMessage(c.coords)})
		if ok != c.ok || lat != c.lat || lon != c.lon {
			t.Errorf("%s %s: got %v %v %v", c.typ, c.coords, lat, lon, ok)
		}
	}
}
