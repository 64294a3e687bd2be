package transport

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/db"
)

// FeedInfo is what feed_info.txt and agency.txt say about the feed.
type FeedInfo struct {
	TimeZone      string // the agencies' zone, the feed's local time
	PublisherName string
	PublisherURL  string
	Lang          string
	DefaultLang   string
	StartDate     string
	EndDate       string
	Version       string
	ContactEmail  string
	ContactURL    string
	HasFeedInfo   bool
}

// Counts are the rows stored per GTFS file.
type Counts map[string]int

// loader reads a feed file by file, checks it and writes its rows under
// feedID through q. It keeps only keys (and, for stop_times and shapes,
// compact numbers per trip and shape) in memory, never a file.
type loader struct {
	q      db.Querier
	w      *writer // runs the INSERTs beside the reading
	engine db.Engine
	feedID int64 // the feed's short key (Feed.No)
	ns     *Notices
	info   FeedInfo
	counts Counts

	agencies map[string]bool
	stops    map[string]string // stop_id → parent_station
	routes   map[string]bool
	services map[string]bool
	shapes   map[string][]shapePt
	trips    map[string]int32 // trip_id → index into times
	tripIDs  []string
	times    [][]stopTime
	usedShp  map[string]bool
}

type shapePt struct {
	seq      int32
	row      int32
	lat, lon float64
	dist     float64
	hasDist  bool
}

type stopTime struct {
	seq, row  int32
	arr, dep  int32 // -1 when absent
	dist      float32
	hasDist   bool
	timepoint bool
}

// load reads every file of src. It returns the counts; notices go to ns.
// Only a database failure is returned as an error.
func load(ctx context.Context, d *db.DB, feedID int64, src Source, ns *Notices) (FeedInfo, Counts, error) {
	return loadInto(ctx, d.Q(ctx), d.Engine, feedID, src, ns)
}

// loadInto is load over any Querier of an engine.
func loadInto(ctx context.Context, q db.Querier, engine db.Engine, feedID int64, src Source, ns *Notices) (_ FeedInfo, _ Counts, err error) {
	w := startWriter(ctx, q)
	defer func() {
		if werr := w.wait(); err == nil {
			err = werr
		}
	}()
	l := &loader{q: q, w: w, engine: engine, feedID: feedID, ns: ns, counts: Counts{},
		agencies: map[string]bool{}, stops: map[string]string{}, routes: map[string]bool{},
		services: map[string]bool{}, shapes: map[string][]shapePt{}, trips: map[string]int32{},
		usedShp: map[string]bool{}}
	known := map[string]bool{}
	for _, f := range files {
		known[f.name] = true
		if err := l.file(ctx, src, f); err != nil {
			return l.info, l.counts, err
		}
	}
	for _, n := range otherGTFSFiles {
		known[n] = true
	}
	names := src.Names()
	sort.Strings(names)
	for _, n := range names {
		if !known[n] {
			ns.Add(Notice{Code: CodeUnknownFile, File: n})
		}
	}
	if !l.present("calendar.txt", src) && !l.present("calendar_dates.txt", src) {
		ns.Add(Notice{Code: CodeMissingCalendarFiles})
	}
	l.checkStopTimes()
	l.checkShapes()
	return l.info, l.counts, nil
}

func (l *loader) present(name string, src Source) bool {
	for _, n := range src.Names() {
		if n == name {
			return true
		}
	}
	return false
}

// gtfsFile is how one file is read: its columns and its row handler.
type gtfsFile struct {
	name     string
	required bool
	columns  []string
	must     []string // required columns
	read     func(l *loader, ctx context.Context, t *table) error
}

// otherGTFSFiles are files of the specification muni keeps no rows of;
// they are not "unknown".
var otherGTFSFiles = []string{"transfers.txt", "levels.txt", "pathways.txt", "translations.txt", "attributions.txt",
	"fare_attributes.txt", "fare_rules.txt", "fare_media.txt", "fare_products.txt", "fare_leg_rules.txt",
	"fare_transfer_rules.txt", "areas.txt", "stop_areas.txt", "networks.txt", "route_networks.txt",
	"timeframes.txt", "rider_categories.txt", "booking_rules.txt", "location_groups.txt",
	"location_group_stops.txt", "locations.geojson"}

func (l *loader) file(ctx context.Context, src Source, f gtfsFile) error {
	rc, err := src.Open(f.name)
	if errors.Is(err, fs.ErrNotExist) {
		if f.required {
			l.ns.Add(Notice{Code: CodeMissingRequiredFile, File: f.name})
		}
		return nil
	}
	if err != nil {
		l.ns.Add(Notice{Code: CodeIOError, File: f.name, Value: err.Error()})
		return nil
	}
	defer rc.Close()
	t := openTable(f.name, rc, f.columns, l.ns)
	if t == nil || !t.requireColumns(f.must...) {
		return nil
	}
	if err := f.read(l, ctx, t); err != nil {
		return err
	}
	// Read what the parser left: a damaged zip entry shows its checksum
	// error only at its end, and the operator should hear about the
	// archive, not only about the garbled text it produced.
	if _, err := io.Copy(io.Discard, rc); err != nil && (isZipError(err) || errors.Is(err, io.ErrUnexpectedEOF)) {
		l.ns.Add(Notice{Code: CodeIOError, File: f.name, Value: err.Error()})
	}
	return nil
}

// need returns the value of a required field, noting it when empty.
func (l *loader) need(r record, col string) (string, bool) {
	v := r.get(col)
	if v == "" {
		l.ns.Add(Notice{Code: CodeMissingRequiredField, File: r.t.file, Row: r.t.row, Field: col})
		return "", false
	}
	return v, true
}

// intIn reads an optional integer in [lo, hi]; def when empty.
func (l *loader) intIn(r record, col string, lo, hi, def int) (int, bool) {
	v := r.get(col)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		l.ns.Add(Notice{Code: CodeInvalidInteger, File: r.t.file, Row: r.t.row, Field: col, Value: v})
		return 0, false
	}
	if n < lo || n > hi {
		l.ns.Add(Notice{Code: CodeUnexpectedEnumValue, File: r.t.file, Row: r.t.row, Field: col, Value: v})
		return def, true
	}
	return n, true
}

// float reads an optional float in [lo, hi]; ok false when invalid.
func (l *loader) float(r record, col string, lo, hi float64) (v float64, present, ok bool) {
	s := r.get(col)
	if s == "" {
		return 0, false, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		l.ns.Add(Notice{Code: CodeInvalidFloat, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return 0, false, false
	}
	if f < lo || f > hi {
		l.ns.Add(Notice{Code: CodeNumberOutOfRange, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return 0, false, false
	}
	return f, true, true
}

// time reads an optional GTFS time; -1 when empty.
func (l *loader) time(r record, col string) (int, bool) {
	s := r.get(col)
	if s == "" {
		return -1, true
	}
	sec, ok := ParseTime(s)
	if !ok {
		l.ns.Add(Notice{Code: CodeInvalidTime, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return -1, false
	}
	return sec, true
}

// date reads a GTFS date; required says whether empty is a notice.
func (l *loader) date(r record, col string, required bool) (string, bool) {
	s := r.get(col)
	if s == "" {
		if required {
			l.ns.Add(Notice{Code: CodeMissingRequiredField, File: r.t.file, Row: r.t.row, Field: col})
			return "", false
		}
		return "", true
	}
	if _, ok := ParseDate(s); !ok {
		l.ns.Add(Notice{Code: CodeInvalidDate, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return "", false
	}
	return s, true
}

func (l *loader) url(r record, col string) (string, bool) {
	s := r.get(col)
	if s != "" && !validURL(s) {
		l.ns.Add(Notice{Code: CodeInvalidURL, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return s, false
	}
	return s, true
}

func (l *loader) color(r record, col string) (string, bool) {
	s := r.get(col)
	if s != "" && !validColor(s) {
		l.ns.Add(Notice{Code: CodeInvalidColor, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return s, false
	}
	return s, true
}

func (l *loader) zone(r record, col string, required bool) (string, bool) {
	s := r.get(col)
	if s == "" {
		if required {
			l.ns.Add(Notice{Code: CodeMissingRequiredField, File: r.t.file, Row: r.t.row, Field: col})
			return "", false
		}
		return "", true
	}
	if _, ok := LoadZone(s); !ok {
		l.ns.Add(Notice{Code: CodeInvalidTimezone, File: r.t.file, Row: r.t.row, Field: col, Value: s})
		return s, false
	}
	return s, true
}

// duplicate notes a repeated key and reports whether it was one.
func (l *loader) duplicate(r record, seen bool, col, v string) bool {
	if seen {
		l.ns.Add(Notice{Code: CodeDuplicateKey, File: r.t.file, Row: r.t.row, Field: col, Value: v})
	}
	return seen
}

// foreign notes a reference to a missing key.
func (l *loader) foreign(r record, ok bool, col, v, ref string) bool {
	if !ok {
		l.ns.Add(Notice{Code: CodeForeignKeyViolation, File: r.t.file, Row: r.t.row, Field: col, Value: v, Ref: ref})
	}
	return ok
}

// nullable turns "absent" markers into SQL NULL.
func nullInt(v int, absent bool) any {
	if absent {
		return nil
	}
	return v
}
