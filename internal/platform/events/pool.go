package events

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/muni-platform/muni/internal/platform/db"
)

// PoolCollector exports database/sql pool statistics with a pool label:
// "writer" and "reader" on SQLite, "shared" on PostgreSQL where one pool
// serves both. It lives here, beside the outbox gauges, so the app
// registers all storage health series in one call (RegisterMetrics).
type PoolCollector struct {
	db                         *db.DB
	open, inUse, idle, maxOpen *prometheus.Desc
	waitCount, waitSeconds     *prometheus.Desc
}

// NewPoolCollector returns the collector over d.
func NewPoolCollector(d *db.DB) *PoolCollector {
	l := []string{"pool"}
	return &PoolCollector{
		db:          d,
		open:        prometheus.NewDesc("muni_db_pool_open_connections", "Open connections (in use and idle).", l, nil),
		inUse:       prometheus.NewDesc("muni_db_pool_in_use_connections", "Connections in use.", l, nil),
		idle:        prometheus.NewDesc("muni_db_pool_idle_connections", "Idle connections.", l, nil),
		maxOpen:     prometheus.NewDesc("muni_db_pool_max_open_connections", "Limit of open connections.", l, nil),
		waitCount:   prometheus.NewDesc("muni_db_pool_wait_count_total", "Times a caller waited for a connection.", l, nil),
		waitSeconds: prometheus.NewDesc("muni_db_pool_wait_seconds_total", "Time spent waiting for a connection.", l, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.inUse, c.idle, c.maxOpen, c.waitCount, c.waitSeconds} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	w, r := c.db.Stats()
	if c.db.Engine == db.Postgres {
		c.emit(ch, "shared", w)
		return
	}
	c.emit(ch, "writer", w)
	c.emit(ch, "reader", r)
}

func (c *PoolCollector) emit(ch chan<- prometheus.Metric, pool string, s sql.DBStats) {
	g := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, pool)
	}
	g(c.open, float64(s.OpenConnections))
	g(c.inUse, float64(s.InUse))
	g(c.idle, float64(s.Idle))
	g(c.maxOpen, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(c.waitCount, prometheus.CounterValue, float64(s.WaitCount), pool)
	ch <- prometheus.MustNewConstMetric(c.waitSeconds, prometheus.CounterValue, s.WaitDuration.Seconds(), pool)
}
