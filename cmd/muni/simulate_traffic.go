package main

import (
	"context"
	"fmt"
	"time"
)

const simulateTrafficUsage = "simulate traffic -municipality SLUG [-hours 24] [-url URL -api-key KEY | -mqtt mqtt://HOST:PORT]"

// simulateTraffic runs "muni simulate traffic": the demo road segments
// with their detectors, and five-minute lane readings up to now.
func simulateTraffic(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags(simulateTrafficUsage, "Keeps three road segments with four radar detectors (metering devices of a traffic network, two lanes each) "+
		"around the municipality's centre and sends H hours of five-minute readings up to now (intensity, occupancy, speed per lane, with morning "+
		"and evening peaks; the centre's street jams): through the ingest pipeline of the configured database, or over HTTP to a running muni "+
		"at -url with an API key, or to the MQTT broker at -mqtt (the registry is still kept in the configured database, which must be that server's).")
	slug := fs.String("municipality", "", "the municipality's slug (required)")
	hours := fs.Int("hours", 24, "hours of readings up to now")
	sink := sinkFlags(fs, "publish SenML uplinks to this MQTT broker instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *hours <= 0 || *hours > 24*31 || !sink.valid() {
		return usageError{"usage: muni " + simulateTrafficUsage}
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	send, closeSink, err := sink.sender(ctx, *slug)
	if err != nil {
		return err
	}
	defer closeSink()
	to := time.Now().Truncate(5 * time.Minute)
	start := time.Now()
	st, err := a.SimulateTraffic(ctx, *slug, to.Add(-time.Duration(*hours)*time.Hour), to, send)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "%d road segments, %d detectors; sent %d readings in %s. Congestion: /m/%s/transport/traffic\n",
		st.Segments, st.Detectors, st.Readings, time.Since(start).Round(time.Millisecond), *slug)
	return nil
}
