package web

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP series muni exports on /metrics.
type Metrics struct {
	latency *prometheus.HistogramVec
}

// NewMetrics registers the HTTP series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "muni_http_request_duration_seconds",
		Help:    "Latency of HTTP requests by route pattern, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})}
	reg.MustRegister(m.latency)
	return m
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.latency.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}
