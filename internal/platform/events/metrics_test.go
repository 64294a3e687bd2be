package events_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
)

func gather(t *testing.T, reg *prometheus.Registry) map[string][]*dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*dto.Metric{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf.GetMetric()
	}
	return out
}

func TestOutboxLagMetrics(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, bus events.Bus) {
		reg := prometheus.NewRegistry()
		if err := events.RegisterMetrics(reg, d); err != nil {
			t.Fatal(err)
		}
		o := events.NewOutbox(d)
		relay := fastRelay(d, o, bus)
		publish(t, d, o, "x.happened", 1, 2, 3)
		m := gather(t, reg)
		if v := m["muni_events_outbox_pending"][0].GetGauge().GetValue(); v != 3 {
			t.Fatalf("pending = %v, want 3", v)
		}
		if v := m["muni_events_outbox_oldest_age_seconds"][0].GetGauge().GetValue(); v < 0 {
			t.Fatalf("oldest age = %v", v)
		}
		if r := m["muni_events_consumer_retries_pending"]; len(r) != 1 || r[0].GetGauge().GetValue() != 0 {
			t.Fatalf("retries gauge %v, want 0", r)
		}
		if v := m["muni_events_outbox_up"][0].GetGauge().GetValue(); v != 1 {
			t.Fatalf("up = %v", v)
		}
		if err := relay.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		m = gather(t, reg)
		if p, a := m["muni_events_outbox_pending"][0].GetGauge().GetValue(), m["muni_events_outbox_oldest_age_seconds"][0].GetGauge().GetValue(); p != 0 || a != 0 {
			t.Fatalf("after drain pending = %v, age = %v; want 0, 0", p, a)
		}
	})
}

func TestPoolMetrics(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, _ events.Bus) {
		reg := prometheus.NewRegistry()
		if err := reg.Register(events.NewPoolCollector(d)); err != nil {
			t.Fatal(err)
		}
		pools := map[string]float64{}
		for _, m := range gather(t, reg)["muni_db_pool_max_open_connections"] {
			pools[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
		want := map[string]float64{"writer": 1, "reader": 8}
		if d.Engine == db.Postgres {
			want = map[string]float64{"shared": 20}
		}
		if len(pools) != len(want) {
			t.Fatalf("pools %v, want %v", pools, want)
		}
		for k, v := range want {
			if pools[k] != v {
				t.Fatalf("pools %v, want %v", pools, want)
			}
		}
		for _, name := range []string{"muni_db_pool_open_connections", "muni_db_pool_in_use_connections",
			"muni_db_pool_idle_connections", "muni_db_pool_wait_count_total", "muni_db_pool_wait_seconds_total"} {
			if len(gather(t, reg)[name]) != len(want) {
				t.Fatalf("%s missing", name)
			}
		}
	})
}
