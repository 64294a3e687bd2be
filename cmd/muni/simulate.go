package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/muni-platform/muni/internal/metering"
)

// cmdSimulate runs a simulator: "meters" or "traffic".
func cmdSimulate(ctx context.Context, env *cmdEnv, args []string) error {
	const usage = "simulate meters -municipality SLUG [-points N] [-interval 15m] [-days D] [-leak P] [-stuck P] [-outage ZONE] [-url URL -api-key KEY | -mqtt mqtt://HOST:PORT]"
	if len(args) > 0 && args[0] == "traffic" {
		return simulateTraffic(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "meters" {
		return usageError{"usage: muni " + usage}
	}
	fs := flags(usage, "Creates a simulated water network of N metered buildings in district metered areas of 50 (once) and sends D days of readings "+
		"up to now with daily and weekly patterns: through the ingest pipeline of the configured database, or over HTTP to a running muni at -url "+
		"with an API key, or to the MQTT broker at -mqtt (the registry is still created in the configured database, which must be that server's). -leak and -stuck are shares (0–1) "+
		"of zones that leak for the last 3 days and of meters that stick; -outage silences a zone's building meters for the last 2 hours.")
	slug := fs.String("municipality", "", "the municipality's slug (required)")
	points := fs.Int("points", 100, "simulated buildings")
	interval := fs.Duration("interval", 15*time.Minute, "reporting interval")
	days := fs.Int("days", 10, "days of readings up to now")
	leak := fs.Float64("leak", 0, "share of zones that leak (0–1)")
	stuck := fs.Float64("stuck", 0, "share of building meters that stick (0–1)")
	outage := fs.String("outage", "", "zone code whose building meters fall silent (e.g. SIM-Z001)")
	sink := sinkFlags(fs, "publish SenML uplinks to this MQTT broker instead (one muni takes uplinks from with MUNI_MQTT_URL)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || *points <= 0 || *days <= 0 || *interval < time.Minute || *leak < 0 || *leak > 1 || *stuck < 0 || *stuck > 1 || !sink.valid() {
		return usageError{"usage: muni " + usage}
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	to := time.Now().Truncate(*interval)
	o := metering.SimOptions{Points: *points, Interval: *interval, From: to.AddDate(0, 0, -*days), To: to,
		Leak: *leak, Stuck: *stuck, Outage: *outage, Seed: *seed}
	send, closeSink, err := sink.sender(ctx, *slug)
	if err != nil {
		return err
	}
	defer closeSink()
	start := time.Now()
	st, err := a.SimulateMeters(ctx, *slug, o, send)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "Sent %d readings in %d batches in %s; leaking zones %v, stuck meters %d.\n",
		st.Readings, st.Batches, time.Since(start).Round(time.Millisecond), st.Leaking, len(st.Stuck))
	return nil
}

// readingSink is where a simulator delivers readings: a muni over HTTP
// (-url with -api-key), an MQTT broker (-mqtt), or, with neither, this
// process's own ingest.
type readingSink struct{ url, key, broker *string }

// sinkFlags declares -url, -api-key and -mqtt; brokerHelp describes -mqtt.
func sinkFlags(fs *flag.FlagSet, brokerHelp string) readingSink {
	return readingSink{
		url:    fs.String("url", "", "post readings to this muni over HTTP instead of ingesting them here"),
		key:    fs.String("api-key", "", "API key for -url"),
		broker: fs.String("mqtt", "", brokerHelp),
	}
}

// valid reports whether the flags name at most one way, -url with its key.
func (s readingSink) valid() bool {
	return (*s.url == "" || *s.key != "") && (*s.url == "" || *s.broker == "")
}

// sender is the delivery function for the municipality slug (nil: ingest
// here) and what closes it.
func (s readingSink) sender(ctx context.Context, slug string) (send func([]metering.Input) error, closeFn func() error, err error) {
	switch {
	case *s.url != "":
		return metering.HTTPSender(ctx, &http.Client{Timeout: time.Minute}, *s.url, slug, *s.key), func() error { return nil }, nil
	case *s.broker != "":
		return metering.MQTTSender(ctx, *s.broker, slug)
	}
	return nil, func() error { return nil }, nil
}
