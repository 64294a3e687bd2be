package transport

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// readSample returns a file of the sample feed.
func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBrokenFeedNotices(t *testing.T) {
	dir := sampleDir(t)
	stopTimes := readSample(t, "stop_times.txt")
	shapes := readSample(t, "shapes.txt")
	trips := readSample(t, "trips.txt")
	agency := readSample(t, "agency.txt")
	cases := []struct {
		name   string
		edit   map[string]string
		want   map[string]int // code → total
		status string
	}{
		{"no stops file", map[string]string{"stops.txt": ""}, map[string]int{CodeMissingRequiredFile: 1}, StatusRejected},
		{"no calendars", map[string]string{"calendar.txt": "", "calendar_dates.txt": ""},
			map[string]int{CodeMissingCalendarFiles: 1}, StatusRejected},
		{"trip of an unknown route", map[string]string{"trips.txt": trips + "NOPE,all-day,x-trip,,,,,,\n"},
			map[string]int{CodeForeignKeyViolation: 1}, StatusRejected},
		{"duplicate trip", map[string]string{"trips.txt": trips + "A,all-day,a-downtown-all-day,,,,,,\n"},
			map[string]int{CodeDuplicateKey: 1}, StatusRejected},
		{"missing route type", map[string]string{"routes.txt": "route_id,agency_id,route_short_name,route_type\nA,MTA,Ada,\nB,FTA,Babbage,0\nC,MTA,Cerf,0\nD,MTA,Dst,3\n"},
			map[string]int{CodeMissingRequiredField: 1}, StatusRejected},
		{"bad timezone", map[string]string{"agency.txt": strings.Replace(agency, "Europe/Warsaw", "Europe/Nowhere", 1)},
			map[string]int{CodeInvalidTimezone: 1}, StatusRejected},
		{"bad time and date", map[string]string{
			"stop_times.txt":     strings.Replace(stopTimes, "15:35:00", "15:75:00", 1),
			"calendar_dates.txt": readSample(t, "calendar_dates.txt") + "all-day,20191350,1\n"},
			map[string]int{CodeInvalidTime: 1, CodeInvalidDate: 1}, StatusRejected},
		{"time goes back", map[string]string{"stop_times.txt": strings.Replace(stopTimes, "a-downtown-all-day,15:30:00,15:31:00", "a-downtown-all-day,15:20:00,15:31:00", 1)},
			map[string]int{CodeArrivalBeforeDeparture: 1}, StatusInactive},
		{"shape distance goes back", map[string]string{"shapes.txt": strings.Replace(shapes, ",1,52.364398956,13.510567665,51.8", ",1,52.364398956,13.510567665,0", 1)},
			map[string]int{CodeDecreasingShapeDistance: 1}, StatusInactive},
		{"short row", map[string]string{"trips.txt": trips + "A,all-day\n"}, map[string]int{CodeInvalidRowLength: 1}, StatusRejected},
		{"missing column", map[string]string{"calendar_dates.txt": "service_id,date\nall-day,20190501\n"},
			map[string]int{CodeMissingRequiredColumn: 1}, StatusRejected},
		{"unknown file and column", map[string]string{"extra.txt": "a\n1\n", "feed_info.txt": strings.Replace(readSample(t, "feed_info.txt"), "feed_lang", "feed_lang,muni_note", 1) + ""},
			map[string]int{CodeUnknownFile: 1, CodeUnknownColumn: 1}, ""},
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		for _, c := range cases {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				f := importDir(t, svc, muniA, copyFeed(t, dir, c.edit))
				got := codes(f)
				for code, n := range c.want {
					if got[code] != n {
						t.Errorf("%s: %d, want %d (all: %v)", code, got[code], n, got)
					}
				}
				if c.status != "" && f.Status != c.status {
					t.Errorf("status %s, want %s (%v)", f.Status, c.status, got)
				}
				if f.Status == StatusRejected {
					if n := countRows(t, d, "transport_stops", f.No) + countRows(t, d, "transport_trips", f.No); n != 0 {
						t.Errorf("rejected feed left %d rows", n)
					}
					stored, err := svc.Feed(as(adminOf(muniA)), f.ID)
					if err != nil || len(stored.Notices) != len(f.Notices) {
						t.Errorf("report not kept: %v %v", stored.Notices, err)
					}
				}
			})
		}
	})
}

func TestEncodingsAndDamage(t *testing.T) {
	dir := sampleDir(t)
	stops := readSample(t, "stops.txt")
	cyr := strings.Replace(stops, "Platform 1,Platform 1", "Платформа 1,Платформа 1", 1)
	cp1251, err := charmap.Windows1251.NewEncoder().String(strings.Map(func(r rune) rune {
		if r > 0x7f && (r < 'А' || r > 'я') {
			return 'x' // the sample's emoji have no place in Windows-1251
		}
		return r
	}, cyr))
	if err != nil {
		t.Fatal(err)
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		stopName := func(f Feed) string {
			var n string
			d.Writer().QueryRowContext(context.Background(), `SELECT name FROM transport_stops WHERE feed_id = $1 AND stop_id = 'airport-1'`, f.No).Scan(&n)
			return n
		}
		t.Run("bom", func(t *testing.T) {
			f := importDir(t, svc, muniA, copyFeed(t, dir, map[string]string{"stops.txt": "\uFEFF" + cyr}))
			if codes(f)[CodeUnknownColumn] != 0 || f.Counts["stops.txt"] != dataLines(t, filepath.Join(dir, "stops.txt")) || stopName(f) != "Платформа 1" {
				t.Errorf("BOM not stripped: %v %v %q", codes(f), f.Counts, stopName(f))
			}
		})
		t.Run("cp1251", func(t *testing.T) {
			f := importDir(t, svc, muniA, copyFeed(t, dir, map[string]string{"stops.txt": cp1251}))
			if codes(f)[CodeLegacyEncoding] != 1 || stopName(f) != "Платформа 1" {
				t.Errorf("cp1251: %v %q", codes(f), stopName(f))
			}
		})
		t.Run("corrupt zip", func(t *testing.T) {
			if _, err := ZipSource(bytes.NewReader([]byte("PK\x03\x04 not a zip")), 18); err == nil {
				t.Fatal("garbage opened as a zip")
			}
			// A zip whose stop_times entry is damaged inside.
			b, err := os.ReadFile(zipFeed(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(b, []byte("stop_times.txt"))
			for j := i + 40; j < i+200 && j < len(b); j++ {
				b[j] ^= 0x5A
			}
			src, err := ZipSource(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			f, err := svc.Import(as(adminOf(muniA)), muniA.ID, "damaged.zip", src)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != StatusRejected || codes(f)[CodeIOError] == 0 {
				t.Errorf("damaged entry: %s %v", f.Status, codes(f))
			}
		})
	})
}
