package transport

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// fakeDetectors serves readings per municipality and remembers what it
// was asked for.
type fakeDetectors struct {
	byMuni map[string][]DetectorReading
	known  map[string][]string // municipality -> its detector points
	asked  [][]string
}

func (f *fakeDetectors) KnownDetectors(_ context.Context, muni string, codes []string) ([]string, error) {
	var out []string
	for _, c := range codes {
		if slices.Contains(f.known[muni], c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeDetectors) Detectors(_ context.Context, muni string) ([]Detector, error) {
	var out []Detector
	for _, c := range f.known[muni] {
		out = append(out, Detector{Code: c, Name: "Детектор " + c})
	}
	return out, nil
}

func (f *fakeDetectors) DetectorReadings(_ context.Context, muni string, points []string, from, to time.Time) ([]DetectorReading, error) {
	f.asked = append(f.asked, slices.Clone(points))
	var out []DetectorReading
	for _, r := range f.byMuni[muni] {
		if slices.Contains(points, r.Point) && !r.At.Before(from) && r.At.Before(to) {
			out = append(out, r)
		}
	}
	return out, nil
}

// trafficNow is 10:30 in Moscow on 26 November 2026.
var trafficNow = time.Date(2026, 11, 26, 7, 30, 0, 0, time.UTC)

func newTraffic(d *db.DB, det DetectorReadings) *Traffic {
	return NewTraffic(TrafficDeps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Readings: det,
		Now: func() time.Time { return trafficNow }})
}

func segmentIn(name string, detectors ...string) SegmentInput {
	return SegmentInput{Name: name, Geometry: json.RawMessage(`{"type":"LineString","coordinates":[[37.60,55.75],[37.62,55.75]]}`),
		FreeFlowKmh: 60, Detectors: detectors}
}

func residentCtx() context.Context {
	return as(&auth.Actor{Kind: auth.User, ID: "resident"})
}

func auditCount(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.Q(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Q(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fields(err error) map[string]string {
	if fe, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
		return fe.Fields
	}
	return nil
}

func TestRoadSegments(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		det := &fakeDetectors{byMuni: map[string][]DetectorReading{}, known: map[string][]string{muniA.ID: {"TD-1", "TD-2"}, muniB.ID: {"TD-1"}}}
		tr := newTraffic(d, det)
		ctx := as(operatorOf(muniA))

		s, err := tr.SaveSegment(ctx, muniA.ID, "S-1", segmentIn("Тверская", "TD-1", "TD-2", "TD-1"))
		if err != nil {
			t.Fatal(err)
		}
		// 0.02° of longitude at 55.75° N is about 1,252 m.
		if s.LengthM < 1240 || s.LengthM > 1265 || !slices.Equal(s.Detectors, []string{"TD-1", "TD-2"}) {
			t.Fatalf("segment: %+v", s)
		}
		in := segmentIn("Тверская ул.", "TD-1")
		in.LengthM = 1300
		if s, err = tr.SaveSegment(ctx, muniA.ID, "S-1", in); err != nil || s.LengthM != 1300 || s.Name != "Тверская ул." {
			t.Fatalf("update: %+v %v", s, err)
		}
		if n := rows(t, d, "transport_road_segments"); n != 1 {
			t.Fatalf("%d segments after an update", n)
		}
		if auditCount(t, d, "transport.segment_created") != 1 || auditCount(t, d, "transport.segment_updated") != 1 {
			t.Error("segment changes not audited")
		}

		// Bad input: every field is named, nothing is written.
		bad := SegmentInput{Name: " ", Geometry: json.RawMessage(`{"type":"Point","coordinates":[37,55]}`), FreeFlowKmh: 500,
			LengthM: 5, Detectors: []string{"has space"}}
		_, err = tr.SaveSegment(ctx, muniA.ID, "bad/code", bad)
		want := map[string]string{"code": "transport.traffic.error.code", "name": "transport.traffic.error.name",
			"geometry": "transport.traffic.error.line", "free_flow_kmh": "transport.traffic.error.free_flow",
			"length_m": "transport.traffic.error.length", "detectors": "transport.traffic.error.detectors"}
		if got := fields(err); len(got) != len(want) {
			t.Fatalf("invalid segment: %v", err)
		} else {
			for k, v := range want {
				if got[k] != v {
					t.Errorf("field %s: %q, want %q", k, got[k], v)
				}
			}
		}
		if _, err := tr.SaveSegment(ctx, muniA.ID, "S-2", segmentIn("Без детекторов")); fields(err)["detectors"] == "" {
			t.Errorf("a segment without detectors: %v", err)
		}
		// A detector code that is not a detector point of the municipality.
		if _, err := tr.SaveSegment(ctx, muniA.ID, "S-3", segmentIn("Садовая", "TD-1", "TD-7")); fields(err)["detectors"] != "transport.traffic.error.unknown_detectors" {
			t.Errorf("an unknown detector: %v", err)
		}
		if _, err := tr.SaveSegment(as(adminOf(muniB)), muniB.ID, "S-3", segmentIn("Садовая", "TD-2")); fields(err)["detectors"] != "transport.traffic.error.unknown_detectors" {
			t.Errorf("A's detector taken by B: %v", err)
		}
		if n := rows(t, d, "transport_road_segments"); n != 1 {
			t.Fatalf("%d segments after invalid input", n)
		}

		// Authorization: a resident and another municipality's operator may not.
		if _, err := tr.SaveSegment(residentCtx(), muniA.ID, "S-9", segmentIn("x", "TD-1")); !errors.Is(err, ErrForbidden) {
			t.Errorf("resident: %v", err)
		}
		if _, err := tr.SaveSegment(as(operatorOf(muniB)), muniA.ID, "S-9", segmentIn("x", "TD-1")); !errors.Is(err, ErrForbidden) {
			t.Errorf("other municipality's operator: %v", err)
		}
		if err := tr.DeleteSegment(as(operatorOf(muniB)), muniA.ID, "S-1"); !errors.Is(err, ErrForbidden) {
			t.Errorf("other municipality's operator deleted: %v", err)
		}

		// Tenant isolation: B has its own S-1 and its own readings.
		if _, err := tr.SaveSegment(as(adminOf(muniB)), muniB.ID, "S-1", segmentIn("Ленина", "TD-1")); err != nil {
			t.Fatal(err)
		}
		det.byMuni[muniA.ID] = []DetectorReading{
			{Point: "TD-1", Lane: "l1", Measure: MeasureSpeed, At: trafficNow.Add(-10 * time.Minute), Value: 20},
			{Point: "TD-1", Lane: "l1", Measure: MeasureIntensity, At: trafficNow.Add(-10 * time.Minute), Value: 800},
			{Point: "TD-1", Lane: "l1", Measure: MeasureSpeed, At: trafficNow.Add(-2 * time.Hour), Value: 60}, // before the hour
		}
		det.byMuni[muniB.ID] = []DetectorReading{{Point: "TD-1", Lane: "l1", Measure: MeasureSpeed, At: trafficNow.Add(-10 * time.Minute), Value: 60}}
		ma, err := tr.Current(context.Background(), muniA.Slug, trafficNow)
		if err != nil || len(ma.Segments) != 1 {
			t.Fatalf("current A: %+v %v", ma, err)
		}
		if last := det.asked[len(det.asked)-1]; !slices.Equal(last, []string{"TD-1"}) {
			t.Errorf("asked for %v", last)
		}
		if b := ma.Segments[0].Now; !b.Observed || b.TTI != 3 || b.Level() != LevelJammed || b.Flow != 800 {
			t.Errorf("A now: %+v", b)
		}
		mb, err := tr.Current(context.Background(), muniB.Slug, trafficNow)
		if err != nil || len(mb.Segments) != 1 || mb.Segments[0].Name != "Ленина" || mb.Segments[0].Now.TTI != 1 {
			t.Fatalf("current B: %+v %v", mb, err)
		}
		if ma.CanManage || mb.CanManage {
			t.Error("an anonymous visitor may manage")
		}

		// The segment's day in Moscow time up to now (10:30): 11 hours, the
		// 10:00 hour jammed.
		p, err := tr.SegmentPage(context.Background(), muniA.Slug, "S-1", trafficNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Hours) != 11 || p.Day.Hour() != 0 || p.Day.Location().String() != "Europe/Moscow" || len(p.Week) != 7 {
			t.Fatalf("day: %d hours from %v, %d days", len(p.Hours), p.Day, len(p.Week))
		}
		if h := p.Hours[10]; !h.Observed || h.TTI != 3 || p.Hours[9].Observed != false || p.Hours[8].TTI != 1 {
			t.Errorf("hours: 8 %+v, 9 %+v, 10 %+v", p.Hours[8], p.Hours[9], h)
		}
		if p.Summary.Observed != 2 || p.Summary.PeakTTI != 3 || p.Summary.PeakHour.Hour() != 10 || p.Summary.Congested != 1 {
			t.Errorf("summary: %+v", p.Summary)
		}
		if p, err := tr.SegmentPage(context.Background(), muniA.Slug, "S-1", trafficNow.AddDate(0, 0, -1)); err != nil || len(p.Hours) != 24 {
			t.Errorf("yesterday: %d hours, %v", len(p.Hours), err)
		}
		if _, err := tr.SegmentPage(context.Background(), muniA.Slug, "S-404", trafficNow); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown segment: %v", err)
		}

		if err := tr.DeleteSegment(ctx, muniA.ID, "S-1"); err != nil {
			t.Fatal(err)
		}
		if n := rows(t, d, "transport_road_segments"); n != 1 || auditCount(t, d, "transport.segment_deleted") != 1 {
			t.Errorf("after delete: %d segments", n)
		}
	})
}

// TestSegmentCreateAndUpdate: the forms' service methods share the API's
// validation; creating refuses a code in use, updating an unknown one is
// not found, a line's problem is named, and only officials of the
// municipality list segments and their detectors to choose from.
func TestSegmentCreateAndUpdate(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		det := &fakeDetectors{known: map[string][]string{muniA.ID: {"TD-1", "TD-2"}, muniB.ID: {"TD-B"}}}
		tr := newTraffic(d, det)
		ctx := as(operatorOf(muniA))
		if _, err := tr.CreateSegment(ctx, muniA.ID, "S-1", segmentIn("Тверская", "TD-1")); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.CreateSegment(ctx, muniA.ID, "S-1", segmentIn("Другая", "TD-2")); fields(err)["code"] != "transport.traffic.error.code_taken" {
			t.Errorf("a code in use: %v", err)
		}
		// B may use the same code: codes are per municipality.
		if _, err := tr.CreateSegment(as(operatorOf(muniB)), muniB.ID, "S-1", segmentIn("Ленина", "TD-B")); err != nil {
			t.Errorf("B's S-1: %v", err)
		}
		if _, err := tr.UpdateSegment(ctx, muniA.ID, "S-9", segmentIn("Нет такого", "TD-1")); !errors.Is(err, ErrNotFound) {
			t.Errorf("update of an unknown code: %v", err)
		}
		s, err := tr.UpdateSegment(ctx, muniA.ID, "S-1", segmentIn("Тверская ул.", "TD-2"))
		if err != nil || s.Name != "Тверская ул." || !slices.Equal(s.Detectors, []string{"TD-2"}) {
			t.Fatalf("update: %+v %v", s, err)
		}
		if auditCount(t, d, "transport.segment_created") != 2 || auditCount(t, d, "transport.segment_updated") != 1 {
			t.Error("creations and the update not audited once each")
		}
		for raw, key := range map[string]string{
			`{"type":"LineString","coordinates":[[37.6,55.75]]}`:              "transport.traffic.error.line_short",
			`{"type":"LineString","coordinates":[]}`:                          "transport.traffic.error.line_short",
			`{"type":"LineString","coordinates":[[37.6,95],[37.62,55.75]]}`:   "transport.traffic.error.line_range",
			`{"type":"LineString","coordinates":[[190,55],[37.62,55.75]]}`:    "transport.traffic.error.line_range",
			`{"type":"LineString","coordinates":[["x",55],[37.62,55.75]]}`:    "transport.traffic.error.line",
			`{"type":"Point","coordinates":[37.6,55.75]}`:                     "transport.traffic.error.line",
			`{"type":"LineString","coordinates":` + manyPositions(5001) + `}`: "transport.traffic.error.line_size",
		} {
			in := segmentIn("Линия", "TD-1")
			in.Geometry = json.RawMessage(raw)
			if _, err := tr.CreateSegment(ctx, muniA.ID, "S-2", in); fields(err)["geometry"] != key {
				t.Errorf("%.60s: %v, want %s", raw, err, key)
			}
		}
		if n := rows(t, d, "transport_road_segments"); n != 2 {
			t.Errorf("%d segments after refused input, want 2", n)
		}

		if segs, err := tr.Segments(ctx, muniA.ID); err != nil || len(segs) != 1 || segs[0].Name != "Тверская ул." {
			t.Errorf("A's segments: %+v %v", segs, err)
		}
		if got, err := tr.Segment(ctx, muniA.ID, "S-1"); err != nil || got.Name != "Тверская ул." {
			t.Errorf("A's S-1: %+v %v", got, err)
		}
		dets, err := tr.DetectorChoices(ctx, muniA.ID)
		if err != nil || len(dets) != 2 || dets[0].Code != "TD-1" {
			t.Errorf("A's detectors: %+v %v", dets, err)
		}
		for name, c := range map[string]context.Context{"a resident": residentCtx(), "B's operator": as(operatorOf(muniB))} {
			if _, err := tr.Segments(c, muniA.ID); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s listed A's segments: %v", name, err)
			}
			if _, err := tr.Segment(c, muniA.ID, "S-1"); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s opened A's segment: %v", name, err)
			}
			if _, err := tr.DetectorChoices(c, muniA.ID); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s listed A's detectors: %v", name, err)
			}
			if _, err := tr.CreateSegment(c, muniA.ID, "S-3", segmentIn("x", "TD-1")); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s created in A: %v", name, err)
			}
			if _, err := tr.UpdateSegment(c, muniA.ID, "S-1", segmentIn("x", "TD-1")); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s changed A's segment: %v", name, err)
			}
		}
		if _, err := tr.Segment(ctx, muniA.ID, "S-404"); !errors.Is(err, ErrNotFound) {
			t.Errorf("an unknown segment: %v", err)
		}
	})
}

// manyPositions is a JSON array of n positions along a parallel.
func manyPositions(n int) string {
	ps := make([][2]float64, n)
	for i := range ps {
		ps[i] = [2]float64{37 + float64(i)*1e-5, 55.75}
	}
	b, _ := json.Marshal(ps)
	return string(b)
}

func workIn(title string, from, to time.Duration) WorkInput {
	return WorkInput{Title: title, Contractor: "ООО «Дорога»", Geometry: json.RawMessage(`{"type": "Point", "coordinates": [37.61, 55.75]}`),
		Starts: trafficNow.Add(from), Ends: trafficNow.Add(to), Impact: ImpactLaneClosed}
}

func TestRoadWorks(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		tr := newTraffic(d, nil)
		ctx := as(operatorOf(muniA))
		day := 24 * time.Hour

		cur, err := tr.CreateWork(ctx, muniA.ID, workIn("Ремонт водопровода", -day, 3*day))
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status != WorksScheduled || string(cur.Geometry.Coordinates) != "[37.61,55.75]" {
			t.Fatalf("created: %+v", cur)
		}
		planned, err := tr.CreateWork(ctx, muniA.ID, WorkInput{Title: "Замена асфальта", Contractor: "АО «Дорстрой»",
			Geometry: json.RawMessage(`{"type":"LineString","coordinates":[[37.6,55.7],[37.7,55.8]]}`), Starts: trafficNow.Add(5 * day),
			Ends: trafficNow.Add(9 * day), Impact: ImpactRoadClosed, Detour: "По ул. Садовой"})
		if err != nil {
			t.Fatal(err)
		}
		over, err := tr.CreateWork(ctx, muniA.ID, workIn("Ямочный ремонт", -10*day, -2*day))
		if err != nil {
			t.Fatal(err)
		}
		cancelled := workIn("Отменённые", day, 2*day)
		cancelled.Status = WorksCancelled
		gone, err := tr.CreateWork(ctx, muniA.ID, cancelled)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.CreateWork(as(adminOf(muniB)), muniB.ID, workIn("Работы в Бете", -day, day)); err != nil {
			t.Fatal(err)
		}
		if auditCount(t, d, "transport.works_created") != 5 {
			t.Error("creations not audited")
		}

		// A resident sees A's current and planned works only.
		l, err := tr.Works(residentCtx(), muniA, trafficNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Current) != 1 || l.Current[0].ID != cur.ID || len(l.Planned) != 1 || l.Planned[0].ID != planned.ID || l.Other != nil || l.CanManage {
			t.Fatalf("resident's list: %+v", l)
		}
		// The operator also sees the ones over and cancelled.
		l, err = tr.Works(ctx, muniA, trafficNow)
		if err != nil || len(l.Other) != 2 || !l.CanManage {
			t.Fatalf("operator's list: %+v %v", l, err)
		}
		if _, err := tr.Work(residentCtx(), muniA, gone.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a resident opened cancelled works: %v", err)
		}
		if _, err := tr.Work(ctx, muniA, gone.ID); err != nil {
			t.Errorf("the operator could not open cancelled works: %v", err)
		}
		if w, err := tr.Work(residentCtx(), muniA, over.ID); err != nil || w.Phase(trafficNow) != PhaseOver {
			t.Errorf("works over: %v %v", w.Phase(trafficNow), err)
		}
		now, err := tr.CurrentWorks(context.Background(), muniA.ID, trafficNow)
		if err != nil || len(now) != 1 || now[0].ID != cur.ID {
			t.Errorf("current works: %+v %v", now, err)
		}
		// A week later the planned works are on, the first ones over.
		if now, _ := tr.CurrentWorks(context.Background(), muniA.ID, trafficNow.Add(6*day)); len(now) != 1 || now[0].ID != planned.ID {
			t.Errorf("current works a week later: %+v", now)
		}

		// Completing works early ends them whatever the period says.
		done := workIn("Ремонт водопровода", -day, 3*day)
		done.Status = WorksCompleted
		if _, err := tr.UpdateWork(ctx, muniA.ID, cur.ID, done); err != nil {
			t.Fatal(err)
		}
		if now, _ := tr.CurrentWorks(context.Background(), muniA.ID, trafficNow); len(now) != 0 {
			t.Errorf("completed works still current: %+v", now)
		}
		if auditCount(t, d, "transport.works_updated") != 1 {
			t.Error("update not audited")
		}

		// Tenant isolation and authorization.
		if _, err := tr.UpdateWork(as(adminOf(muniB)), muniB.ID, cur.ID, done); !errors.Is(err, ErrNotFound) {
			t.Errorf("B's admin changed A's works: %v", err)
		}
		if _, err := tr.Work(residentCtx(), muniB, cur.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("A's works seen in B: %v", err)
		}
		if _, err := tr.CreateWork(residentCtx(), muniA.ID, workIn("x", 0, day)); !errors.Is(err, ErrForbidden) {
			t.Errorf("a resident added works: %v", err)
		}
		if _, err := tr.UpdateWork(as(operatorOf(muniB)), muniA.ID, cur.ID, done); !errors.Is(err, ErrForbidden) {
			t.Errorf("B's operator changed A's works: %v", err)
		}

		// Bad input: every field named, nothing written.
		before := rows(t, d, "transport_road_works")
		_, err = tr.CreateWork(ctx, muniA.ID, WorkInput{Title: "", Contractor: "  ", Geometry: json.RawMessage(`{"type":"Point"}`),
			Starts: trafficNow, Ends: trafficNow.Add(-time.Hour), Impact: "closed", Status: "done"})
		want := map[string]string{"title": "transport.works.error.title", "contractor": "transport.works.error.contractor",
			"geometry": "transport.works.error.geometry", "ends": "transport.works.error.period", "impact": "transport.works.error.impact",
			"status": "transport.works.error.status"}
		got := fields(err)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("field %s: %q, want %q (%v)", k, got[k], v, err)
			}
		}
		noDetour := workIn("Мост", 0, day)
		noDetour.Impact = ImpactRoadClosed
		if _, err := tr.CreateWork(ctx, muniA.ID, noDetour); fields(err)["detour"] != "transport.works.error.detour_needed" {
			t.Errorf("road closed without a detour: %v", err)
		}
		if _, err := tr.UpdateWork(ctx, muniA.ID, planned.ID, WorkInput{}); fields(err) == nil {
			t.Errorf("empty update: %v", err)
		}
		if n := rows(t, d, "transport_road_works"); n != before {
			t.Errorf("%d works after invalid input, %d before", n, before)
		}
		if w, _ := tr.Work(ctx, muniA, planned.ID); w.Title != "Замена асфальта" {
			t.Errorf("an invalid update changed the works: %+v", w)
		}
	})
}
