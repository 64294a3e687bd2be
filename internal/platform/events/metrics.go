package events

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/muni-platform/muni/internal/platform/db"
)

// RegisterMetrics registers the outbox lag and database pool collectors
// on reg. Both read fresh values on every scrape.
func RegisterMetrics(reg prometheus.Registerer, d *db.DB) error {
	if err := reg.Register(NewOutboxCollector(d)); err != nil {
		return err
	}
	return reg.Register(NewPoolCollector(d))
}

// OutboxCollector exports the relay's lag (how many committed events wait
// and the age of the oldest; a growing age means the relay or the bus is
// stuck) and how many in-process deliveries wait for a retry (a growing
// count means a consumer keeps failing).
type OutboxCollector struct {
	db                    *db.DB
	pending, age, retries *prometheus.Desc
	up                    *prometheus.Desc
}

// NewOutboxCollector returns the collector over d.
func NewOutboxCollector(d *db.DB) *OutboxCollector {
	return &OutboxCollector{
		db:      d,
		pending: prometheus.NewDesc("muni_events_outbox_pending", "Committed events not yet published to the bus.", nil, nil),
		age:     prometheus.NewDesc("muni_events_outbox_oldest_age_seconds", "Age of the oldest unpublished event (0 when none).", nil, nil),
		retries: prometheus.NewDesc("muni_events_consumer_retries_pending", "Deliveries waiting for a retry after a handler error (in-process bus).", nil, nil),
		up:      prometheus.NewDesc("muni_events_outbox_up", "1 when the outbox could be read at this scrape.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *OutboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.age
	ch <- c.retries
	ch <- c.up
}

// Collect implements prometheus.Collector.
func (c *OutboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, age, err := Lag(ctx, c.db)
	var retries int64
	if err == nil {
		err = c.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM event_retry`).Scan(&retries)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age.Seconds())
	ch <- prometheus.MustNewConstMetric(c.retries, prometheus.GaugeValue, float64(retries))
}
