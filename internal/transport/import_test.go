package transport

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func countRows(t *testing.T, d *db.DB, table string, feedNo int64) int {
	t.Helper()
	var n int
	if err := d.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE feed_id = $1`, feedNo).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportSampleFeed(t *testing.T) {
	dir := sampleDir(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		for _, from := range []string{dir, filepath.Join(dir, "..", "gtfs.zip")} {
			f := importDir(t, svc, muniA, from)
			// The sample breaks three of gtfs-validator's rules on purpose
			// (two agencies in different zones; trips whose first or last
			// stop has only one of its times): errors that lose no rows, so
			// the version is kept for the operator to review, not active.
			want := map[string]int{CodeInconsistentTimezone: 1, CodeMissingTripEdge: 4, CodeOnlyArrivalOrDeparture: 4}
			got := codes(f)
			for c, n := range want {
				if got[c] != n {
					t.Errorf("%s: %s × %d, want %d", from, c, got[c], n)
				}
			}
			if f.Status != StatusInactive || f.Errors() != 9 {
				t.Fatalf("%s: status %s, notices %+v", from, f.Status, f.Notices)
			}
			for file, table := range map[string]string{"stops.txt": "transport_stops", "routes.txt": "transport_routes",
				"trips.txt": "transport_trips", "stop_times.txt": "transport_stop_times", "agency.txt": "transport_agencies",
				"calendar.txt": "transport_calendar", "calendar_dates.txt": "transport_calendar_dates",
				"shapes.txt": "transport_shapes", "frequencies.txt": "transport_frequencies"} {
				want := dataLines(t, filepath.Join(dir, file))
				if got := countRows(t, d, table, f.No); got != want || f.Counts[file] != want {
					t.Errorf("%s %s: stored %d, counted %d, file has %d", from, file, got, f.Counts[file], want)
				}
			}
			if f.Info.TimeZone != "Europe/Warsaw" || f.Info.Version != "third version" {
				t.Errorf("feed info %+v", f.Info)
			}
		}
		feeds, err := svc.Feeds(as(adminOf(muniA)), muniA.ID)
		if err != nil || len(feeds) != 2 || feeds[0].Version != 2 || feeds[0].Status != StatusInactive || feeds[1].Status != StatusInactive {
			t.Fatalf("versions: %+v %v", feeds, err)
		}
		if _, err := svc.Activate(as(adminOf(muniA)), feeds[1].ID); err != nil {
			t.Fatal(err)
		}
		if a, _ := svc.st.activeFeed(context.Background(), muniA.ID); a.ID != feeds[1].ID {
			t.Errorf("active after Activate: %s, want %s", a.ID, feeds[1].ID)
		}
		if _, err := svc.Activate(as(adminOf(muniA)), feeds[0].ID); err != nil {
			t.Fatal(err)
		}
		if a, _ := svc.st.activeFeed(context.Background(), muniA.ID); a.ID != feeds[0].ID {
			t.Errorf("active after second Activate: %s, want %s", a.ID, feeds[0].ID)
		}
	})
}

func TestImportAuthorizationAndTenants(t *testing.T) {
	dir := sampleDir(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		src, _ := OpenSource(dir)
		defer src.Close()
		if _, err := svc.Import(as(operatorOf(muniA)), muniA.ID, "x", src); !errors.Is(err, ErrForbidden) {
			t.Fatalf("operator import: %v, want forbidden", err)
		}
		if _, err := svc.Import(as(adminOf(muniB)), muniA.ID, "x", src); !errors.Is(err, ErrForbidden) {
			t.Fatalf("other municipality's admin: %v, want forbidden", err)
		}
		f := importDir(t, svc, muniA, dir)
		if _, err := svc.Feed(as(adminOf(muniB)), f.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("B reads A's feed: %v, want not found", err)
		}
		if _, err := svc.Feeds(as(adminOf(muniB)), muniA.ID); !errors.Is(err, ErrForbidden) {
			t.Fatalf("B lists A's feeds: %v", err)
		}
		if n := countRows(t, d, "transport_stops", f.No); n == 0 {
			t.Fatal("no stops")
		}
	})
}
