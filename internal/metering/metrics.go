package metering

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the ingest series muni exports on /metrics.
type Metrics struct {
	readings *prometheus.CounterVec // by source and outcome
	rejected *prometheus.CounterVec // by source and reason
	bad      *prometheus.CounterVec // unreadable MQTT payloads by device
}

// NewMetrics registers the metering series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		readings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "muni_metering_readings_total",
			Help: "Readings received by the ingest pipeline, by source and outcome (stored, duplicate, rejected).",
		}, []string{"source", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "muni_metering_rejected_total",
			Help: "Readings refused by the ingest pipeline, by source and reason.",
		}, []string{"source", "reason"}),
		bad: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "muni_metering_mqtt_bad_payloads_total",
			Help: "MQTT messages that were not a readable batch, or held refused readings, by device.",
		}, []string{"device"}),
	}
	reg.MustRegister(m.readings, m.rejected, m.bad)
	return m
}

func (m *Metrics) observe(src Source, r Result) {
	if m == nil {
		return
	}
	s := src.String()
	m.readings.WithLabelValues(s, "stored").Add(float64(r.Stored))
	m.readings.WithLabelValues(s, "duplicate").Add(float64(r.Duplicates))
	m.readings.WithLabelValues(s, "rejected").Add(float64(len(r.Rejected)))
	for _, x := range r.Rejected {
		m.rejected.WithLabelValues(s, x.Reason).Inc()
	}
}

// badPayload counts one unreadable or partly refused message of a device.
func (m *Metrics) badPayload(device string) {
	if m == nil {
		return
	}
	m.bad.WithLabelValues(device).Inc()
}
