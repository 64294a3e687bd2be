package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// TestSimulateTraffic: after the demo, `muni simulate traffic` gives a
// second municipality the road segments and detectors and plays their
// readings through the ingest; bad flags are a usage error.
func TestSimulateTraffic(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	environ := []string{"MUNI_DATABASE_URL=" + url, "MUNI_LOG_LEVEL=error"}
	ctx := context.Background()
	if err := run(ctx, []string{"demo", "-seed-only"}, environ); err != nil {
		t.Fatalf("demo: %v", err)
	}
	var out bytes.Buffer
	if err := simulateTraffic(ctx, &cmdEnv{environ: environ, out: &out}, []string{"-municipality", "gatchina", "-hours", "3"}); err != nil {
		t.Fatalf("simulate traffic: %v", err)
	}
	// 3 hours of 5-minute intervals, 4 detectors × 2 lanes × 3 measures.
	if !strings.Contains(out.String(), "3 road segments, 4 detectors; sent 864 readings") {
		t.Errorf("output: %s", out.String())
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var segments, readings int
	d.Writer().QueryRow(`SELECT COUNT(*) FROM transport_road_segments`).Scan(&segments)
	d.Writer().QueryRow(`SELECT COUNT(*) FROM metering_readings r JOIN metering_channels c ON c.id = r.channel_id
		JOIN metering_devices v ON v.id = c.device_id WHERE v.serial LIKE 'TD-%'`).Scan(&readings)
	if segments != 6 || readings < 864 {
		t.Errorf("%d segments, %d detector readings", segments, readings)
	}
	for _, args := range [][]string{{"simulate", "traffic"}, {"simulate", "traffic", "-municipality", "gatchina", "-hours", "0"},
		{"simulate", "traffic", "-municipality", "gatchina", "-url", "http://127.0.0.1:1"}} {
		if err := run(ctx, args, environ); exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
}
