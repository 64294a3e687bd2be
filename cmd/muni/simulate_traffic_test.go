package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
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
	// 3 hours of 5-minute intervals, 4 detectors × 2 lanes × 3 measures:
	// 864 readings, less those of the lane silent from 03:00 to 05:00.
	m := regexp.MustCompile(`^3 road segments, 4 detectors; sent (\d+) readings`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output: %s", out.String())
	}
	sent, _ := strconv.Atoi(m[1])
	if sent < 864-3*24 || sent > 864 {
		t.Errorf("sent %d readings", sent)
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var segments, readings int
	d.Writer().QueryRow(`SELECT COUNT(*) FROM transport_road_segments`).Scan(&segments)
	d.Writer().QueryRow(`SELECT COUNT(*) FROM metering_readings r JOIN metering_channels c ON c.id = r.channel_id
		JOIN metering_devices v ON v.id = c.device_id
		WHERE v.tenant_id = (SELECT tenant_id FROM transport_road_segments ORDER BY created_ms DESC LIMIT 1)`).Scan(&readings)
	if segments != 6 || readings != sent {
		t.Errorf("%d segments, %d of gatchina's detector readings stored, %d sent", segments, readings, sent)
	}
	for _, args := range [][]string{{"simulate", "traffic"}, {"simulate", "traffic", "-municipality", "gatchina", "-hours", "0"},
		{"simulate", "traffic", "-municipality", "gatchina", "-url", "http://127.0.0.1:1"}} {
		if err := run(ctx, args, environ); exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
}
