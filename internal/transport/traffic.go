package transport

// Road traffic and road works.
//
// One pipeline for telemetry: a traffic detector is a metering device on
// a metering point of a network of resource "traffic", with a channel per
// lane and measure named "lane.measure" (l1.intensity veh/h, l1.occupancy
// %, l1.speed km/h; instantaneous or interval kind). Its readings come in
// like any meter's — HTTP batches, MQTT uplinks, CSV — and are validated,
// deduplicated and stored by metering; transport never writes telemetry.
// Transport keeps what metering has no notion of: road segments (a
// GeoJSON line, length, free-flow speed and the codes of the detector
// points that measure it), which officials keep on their pages (the line
// drawn on a map) or over the JSON API through the same service methods,
// and reads the detectors' raw readings through
// the DetectorReadings interface, which internal/app implements over
// metering's TrafficReadings (domains do not import each other).
//
// Congestion is the travel-time index per segment and hour (see
// Congestion for the arithmetic) and per day (Summarize). Road works are
// a registry of their own, managed by officials and published to
// residents on a map and a list, with a JSON list for other domains.

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// DetectorReadings gives the readings of traffic detectors. Detectors are
// metering devices on metering points of a traffic network: their data
// comes in through metering's ingest (HTTP, MQTT, CSV) like any meter's,
// and internal/app adapts metering's read API to this interface.
type DetectorReadings interface {
	// DetectorReadings returns the readings in [from, to) of the
	// municipality's detectors on the given metering points.
	DetectorReadings(ctx context.Context, municipalityID string, points []string, from, to time.Time) ([]DetectorReading, error)
	// KnownDetectors returns which of the codes are detector points of
	// the municipality.
	KnownDetectors(ctx context.Context, municipalityID string, codes []string) ([]string, error)
	// Detectors lists the municipality's detector points in service, by
	// code: what officials choose from when they describe a segment.
	Detectors(ctx context.Context, municipalityID string) ([]Detector, error)
}

// Detector is a detector point a segment may name.
type Detector struct {
	Code, Name string
}

// Boundaries gives a municipality's boundary (GeoJSON Polygon or
// MultiPolygon, nil when unknown) to frame the officials' map on which
// they draw a segment; the app adapts the territory domain.
type Boundaries interface {
	Boundary(ctx context.Context, municipalityID string) (json.RawMessage, error)
}

// TrafficDeps are what the traffic service is built over.
type TrafficDeps struct {
	DB       *db.DB
	Audit    *audit.Log
	Places   Places
	Readings DetectorReadings
	// Boundaries is optional: without it the segment form's map is
	// framed by the segments alone.
	Boundaries Boundaries
	Now        func() time.Time
	Log        *slog.Logger
}

// Traffic keeps road segments and their congestion, and the road works
// registry residents read. Officials (an operator or above on the
// municipality) manage both; every change is audited.
type Traffic struct {
	db       *db.DB
	st       *trafficStore
	audit    *audit.Log
	places   Places
	readings DetectorReadings
	bounds   Boundaries
	now      func() time.Time
	log      *slog.Logger
}

// NewTraffic builds the traffic service.
func NewTraffic(d TrafficDeps) *Traffic {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Traffic{db: d.DB, st: &trafficStore{db: d.DB}, audit: d.Audit, places: d.Places, readings: d.Readings, bounds: d.Boundaries,
		now: d.Now, log: d.Log}
}

// Municipality resolves a slug.
func (t *Traffic) Municipality(ctx context.Context, slug string) (Municipality, error) {
	return t.places.MunicipalityBySlug(ctx, slug)
}

// CanManage reports whether the actor in ctx may manage the
// municipality's segments and road works.
func (t *Traffic) CanManage(ctx context.Context, m Municipality) bool {
	return auth.From(ctx).Can(auth.RoleOperator, m.Path)
}

func (t *Traffic) manage(ctx context.Context, municipalityID string) (Municipality, error) {
	m, err := t.places.Municipality(ctx, municipalityID)
	if err != nil {
		return m, err
	}
	if !t.CanManage(ctx, m) {
		return m, forbidden()
	}
	return m, nil
}

// zone is the municipality's time zone, UTC when it has none.
func zone(m Municipality) *time.Location {
	if loc, ok := LoadZone(m.TimeZone); ok {
		return loc
	}
	return time.UTC
}

func invalidFields(typ string, f map[string]string) error {
	e := fault.Invalid(typ, f)
	e.Err = ErrInvalid
	return e
}

// fieldErrs collects the first message key per field.
type fieldErrs map[string]string

func (f fieldErrs) check(ok bool, field, key string) {
	if _, seen := f[field]; !ok && !seen {
		f[field] = key
	}
}

func codeValid(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsAny(s, " ,;\t\r\n\"/+#?%&")
}

func textValid(s string, max int) bool {
	s = strings.TrimSpace(s)
	return s != "" && utf8.RuneCountInString(s) <= max
}

// RoadSegment is a stretch of road whose congestion is measured by the
// detectors on it (metering point codes).
type RoadSegment struct {
	ID          string    `json:"-"`
	TenantID    string    `json:"-"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Geometry    Geometry  `json:"geometry"`
	LengthM     float64   `json:"length_m"`
	FreeFlowKmh float64   `json:"free_flow_kmh"`
	Detectors   []string  `json:"detectors"`
	CreatedAt   time.Time `json:"-"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// FreeFlowTime is the time to drive the segment at free-flow speed.
func (s RoadSegment) FreeFlowTime() time.Duration {
	return time.Duration(math.Round(s.LengthM * 3.6 / s.FreeFlowKmh * float64(time.Second)))
}

// FreeFlowMinutes is FreeFlowTime in minutes.
func (s RoadSegment) FreeFlowMinutes() float64 { return s.FreeFlowTime().Minutes() }

// LengthKm is the length in kilometres.
func (s RoadSegment) LengthKm() float64 { return s.LengthM / 1000 }

// SegmentInput describes a segment. LengthM 0 is the geometry's length.
type SegmentInput struct {
	Name        string          `json:"name"`
	Geometry    json.RawMessage `json:"geometry"`
	LengthM     float64         `json:"length_m"`
	FreeFlowKmh float64         `json:"free_flow_kmh"`
	Detectors   []string        `json:"detectors"`
}

// maxDetectors bounds the detectors of one segment.
const maxDetectors = 20

// lineKeys are the messages of a refused line, by what is wrong.
var lineKeys = map[geoProblem]string{
	geoShape:  "transport.traffic.error.line",
	geoShort:  "transport.traffic.error.line_short",
	geoRange:  "transport.traffic.error.line_range",
	geoTooBig: "transport.traffic.error.line_size",
}

// check validates the input for the segment code, collecting the message
// key of the first problem per field.
func (in SegmentInput) check(code string) (RoadSegment, fieldErrs) {
	f := fieldErrs{}
	f.check(codeValid(code), "code", "transport.traffic.error.code")
	f.check(textValid(in.Name, 200), "name", "transport.traffic.error.name")
	g, problem := readGeometry(in.Geometry, GeoLine)
	f.check(problem == geoOK, "geometry", lineKeys[problem])
	f.check(in.FreeFlowKmh >= 5 && in.FreeFlowKmh <= 200, "free_flow_kmh", "transport.traffic.error.free_flow")
	f.check(in.LengthM == 0 || in.LengthM >= 10 && in.LengthM <= 100_000, "length_m", "transport.traffic.error.length")
	f.check(len(in.Detectors) >= 1 && len(in.Detectors) <= maxDetectors, "detectors", "transport.traffic.error.detectors")
	var dets []string
	for _, d := range in.Detectors {
		d = strings.TrimSpace(d)
		f.check(codeValid(d), "detectors", "transport.traffic.error.detectors")
		if !slices.Contains(dets, d) {
			dets = append(dets, d)
		}
	}
	length := in.LengthM
	if problem == geoOK && length == 0 {
		length = math.Round(lineLength(g.line()))
		f.check(length >= 10 && length <= 100_000, "length_m", "transport.traffic.error.length")
	}
	return RoadSegment{Code: code, Name: strings.TrimSpace(in.Name), Geometry: g, LengthM: length, FreeFlowKmh: in.FreeFlowKmh, Detectors: dets}, f
}

// How putSegment treats a code: the API's PUT creates or replaces, the
// officials' forms create a new code or change an existing one.
type segmentMode int

const (
	createOrReplace segmentMode = iota
	createNew
	replaceExisting
)

// SaveSegment creates the segment with the code or replaces it.
func (t *Traffic) SaveSegment(ctx context.Context, municipalityID, code string, in SegmentInput) (RoadSegment, error) {
	return t.putSegment(ctx, municipalityID, code, in, createOrReplace)
}

// CreateSegment adds a segment with a new code; a code the municipality
// already has is refused as invalid input on the field "code".
func (t *Traffic) CreateSegment(ctx context.Context, municipalityID, code string, in SegmentInput) (RoadSegment, error) {
	return t.putSegment(ctx, municipalityID, code, in, createNew)
}

// UpdateSegment replaces the description of an existing segment (its
// code stays); an unknown code is not found.
func (t *Traffic) UpdateSegment(ctx context.Context, municipalityID, code string, in SegmentInput) (RoadSegment, error) {
	return t.putSegment(ctx, municipalityID, code, in, replaceExisting)
}

// codeTaken is the refusal of a new segment whose code is in use.
func codeTaken() error {
	return invalidFields("transport-segment-invalid", map[string]string{"code": "transport.traffic.error.code_taken"})
}

// putSegment validates the input, then writes the segment and its audit
// entry in one transaction.
func (t *Traffic) putSegment(ctx context.Context, municipalityID, code string, in SegmentInput, mode segmentMode) (RoadSegment, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return RoadSegment{}, err
	}
	s, err := t.checkSegment(ctx, m, code, in, mode)
	if err != nil {
		return RoadSegment{}, err
	}
	now := t.now().UTC().Truncate(time.Millisecond)
	s.TenantID, s.ID, s.CreatedAt, s.UpdatedAt = m.ID, db.NewID(), now, now
	err = t.db.InTx(ctx, func(ctx context.Context) error {
		old, err := t.st.segment(ctx, m.ID, code)
		action := "transport.segment_created"
		switch {
		case err == nil && mode == createNew: // taken since checkSegment looked
			return codeTaken()
		case err == nil:
			s.ID, s.CreatedAt, action = old.ID, old.CreatedAt, "transport.segment_updated"
			err = t.st.updateSegment(ctx, s)
		case errors.Is(err, fault.ErrNotFound) && mode != replaceExisting:
			if err = t.st.insertSegment(ctx, s); db.IsUnique(err) {
				return codeTaken()
			}
		}
		if err != nil {
			return err
		}
		return t.audit.Record(ctx, audit.Entry{Action: action, ObjectType: "transport_road_segment", ObjectID: s.ID, TenantID: m.ID,
			Detail: map[string]any{"code": s.Code, "name": s.Name, "length_m": s.LengthM, "free_flow_kmh": s.FreeFlowKmh, "detectors": s.Detectors}})
	})
	if err != nil {
		return RoadSegment{}, err
	}
	return s, nil
}

// checkSegment validates every field at once: the input's own rules, the
// detectors being the municipality's, and for a new segment its code
// being free.
func (t *Traffic) checkSegment(ctx context.Context, m Municipality, code string, in SegmentInput, mode segmentMode) (RoadSegment, error) {
	s, f := in.check(code)
	if _, bad := f["detectors"]; !bad && t.readings != nil {
		known, err := t.readings.KnownDetectors(ctx, m.ID, s.Detectors)
		if err != nil {
			return s, err
		}
		f.check(len(known) >= len(s.Detectors), "detectors", "transport.traffic.error.unknown_detectors")
	}
	if _, bad := f["code"]; !bad && mode == createNew {
		_, err := t.st.segment(ctx, m.ID, code)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return s, err
		}
		f.check(err != nil, "code", "transport.traffic.error.code_taken")
	}
	if len(f) > 0 {
		return s, invalidFields("transport-segment-invalid", f)
	}
	return s, nil
}

// DeleteSegment removes a segment (its detectors' data stays in metering).
func (t *Traffic) DeleteSegment(ctx context.Context, municipalityID, code string) error {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return err
	}
	return t.db.InTx(ctx, func(ctx context.Context) error {
		s, err := t.st.segment(ctx, m.ID, code)
		if err != nil {
			return err
		}
		if err := t.st.deleteSegment(ctx, s.ID); err != nil {
			return err
		}
		return t.audit.Record(ctx, audit.Entry{Action: "transport.segment_deleted", ObjectType: "transport_road_segment", ObjectID: s.ID,
			TenantID: m.ID, Detail: map[string]any{"code": s.Code}})
	})
}

// Segments lists the municipality's segments by name for those who
// manage them.
func (t *Traffic) Segments(ctx context.Context, municipalityID string) ([]RoadSegment, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	return t.st.segments(ctx, m.ID)
}

// Segment returns one segment of the municipality for those who manage
// it.
func (t *Traffic) Segment(ctx context.Context, municipalityID, code string) (RoadSegment, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return RoadSegment{}, err
	}
	return t.st.segment(ctx, m.ID, code)
}

// DetectorChoices lists the detectors a segment of the municipality may
// name, for those who manage its segments.
func (t *Traffic) DetectorChoices(ctx context.Context, municipalityID string) ([]Detector, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil || t.readings == nil {
		return nil, err
	}
	return t.readings.Detectors(ctx, m.ID)
}

// Boundary is the municipality's boundary as GeoJSON, nil when unknown.
func (t *Traffic) Boundary(ctx context.Context, municipalityID string) (json.RawMessage, error) {
	if t.bounds == nil {
		return nil, nil
	}
	return t.bounds.Boundary(ctx, municipalityID)
}

// SegmentState is a segment with its congestion in the last hour.
type SegmentState struct {
	RoadSegment
	Now Bucket
}

// TrafficMap is the municipality's segments with their current state.
type TrafficMap struct {
	Municipality Municipality
	At           time.Time
	Segments     []SegmentState
	CanManage    bool
}

// Window is how far back "now" looks for detector data.
const Window = time.Hour

// Current returns every segment with its congestion over the hour
// before at.
func (t *Traffic) Current(ctx context.Context, slug string, at time.Time) (TrafficMap, error) {
	m, err := t.places.MunicipalityBySlug(ctx, slug)
	if err != nil {
		return TrafficMap{}, err
	}
	p := TrafficMap{Municipality: m, At: at, CanManage: t.CanManage(ctx, m)}
	segs, err := t.st.segments(ctx, m.ID)
	if err != nil {
		return p, err
	}
	var points []string
	for _, s := range segs {
		points = append(points, s.Detectors...)
	}
	rs, err := t.detectorReadings(ctx, m.ID, points, at.Add(-Window), at)
	if err != nil {
		return p, err
	}
	for _, s := range segs {
		p.Segments = append(p.Segments, SegmentState{RoadSegment: s, Now: Congestion(readingsOf(rs, s), s.FreeFlowKmh, at.Add(-Window), Window, 1)[0]})
	}
	return p, nil
}

// detectorReadings asks for the points' readings, once per point.
func (t *Traffic) detectorReadings(ctx context.Context, municipalityID string, points []string, from, to time.Time) ([]DetectorReading, error) {
	if t.readings == nil || len(points) == 0 {
		return nil, nil
	}
	slices.Sort(points)
	return t.readings.DetectorReadings(ctx, municipalityID, slices.Compact(points), from, to)
}

// readingsOf keeps the readings of the segment's detectors.
func readingsOf(rs []DetectorReading, s RoadSegment) []DetectorReading {
	var out []DetectorReading
	for _, r := range rs {
		if slices.Contains(s.Detectors, r.Point) {
			out = append(out, r)
		}
	}
	return out
}

// SegmentDay is a segment's page: its hours on one day and the
// summaries of the week up to it.
type SegmentDay struct {
	Municipality Municipality
	Segment      RoadSegment
	Day          time.Time // local midnight
	Hours        []Bucket
	Summary      DaySummary
	Week         []DaySummary // the seven days ending with Day, oldest first
	CanManage    bool         // the visitor may change the segment
}

// SegmentPage computes a segment's hourly congestion on the local day
// of day and the daily summaries of the six days before it.
func (t *Traffic) SegmentPage(ctx context.Context, slug, code string, day time.Time) (SegmentDay, error) {
	m, err := t.places.MunicipalityBySlug(ctx, slug)
	if err != nil {
		return SegmentDay{}, err
	}
	s, err := t.st.segment(ctx, m.ID, code)
	if err != nil {
		return SegmentDay{}, err
	}
	loc := zone(m)
	day = day.In(loc)
	midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	first := midnight.AddDate(0, 0, -6)
	end := midnight.AddDate(0, 0, 1)
	rs, err := t.detectorReadings(ctx, m.ID, slices.Clone(s.Detectors), first, end)
	if err != nil {
		return SegmentDay{}, err
	}
	p := SegmentDay{Municipality: m, Segment: s, Day: midnight, CanManage: t.CanManage(ctx, m)}
	for d := first; d.Before(end); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		hours := Congestion(rs, s.FreeFlowKmh, d, time.Hour, int(next.Sub(d)/time.Hour)) // 23 or 25 hours on a DST day
		p.Week = append(p.Week, Summarize(d, hours))
		if d.Equal(midnight) {
			p.Hours = hours
		}
	}
	for len(p.Hours) > 0 && p.Hours[len(p.Hours)-1].Start.After(t.now()) { // today's hours still to come
		p.Hours = p.Hours[:len(p.Hours)-1]
	}
	p.Summary = p.Week[len(p.Week)-1]
	return p, nil
}
