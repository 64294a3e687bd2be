package transport

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// rd is a reading minutes after t0.
func rd(point, lane, measure string, min int, v float64) DetectorReading {
	return DetectorReading{Point: point, Lane: lane, Measure: measure, At: t0.Add(time.Duration(min) * time.Minute), Value: v}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestCongestionArithmetic(t *testing.T) {
	const free = 50.0
	cases := []struct {
		name     string
		readings []DetectorReading
		observed bool
		tti      float64
		speed    float64
		flow     float64
		level    string
		lanes    int
		known    int
		still    bool
	}{
		{name: "no readings is a gap, not free flow", observed: false, level: ""},
		{name: "free-flow speed", readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 50), rd("D", "l1", MeasureIntensity, 0, 300)},
			observed: true, tti: 1, speed: 50, flow: 300, level: LevelFree, lanes: 1, known: 1},
		{name: "faster than free flow stays at 1", readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 80)},
			observed: true, tti: 1, speed: 80, level: LevelFree, lanes: 1, known: 1},
		{name: "a lane's intervals: harmonic mean of speeds, mean of flows",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 20), rd("D", "l1", MeasureSpeed, 30, 60),
				rd("D", "l1", MeasureIntensity, 0, 600), rd("D", "l1", MeasureIntensity, 30, 200)},
			observed: true, speed: 30, tti: 50.0 / 30, flow: 400, level: LevelHeavy, lanes: 1, known: 1},
		{name: "lanes weighted by flow: Σq / Σ(q/v)",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 20), rd("D", "l1", MeasureIntensity, 0, 900),
				rd("D", "l2", MeasureSpeed, 0, 60), rd("D", "l2", MeasureIntensity, 0, 100)},
			observed: true, speed: 1000 / (900.0/20 + 100.0/60), tti: 50 / (1000 / (900.0/20 + 100.0/60)), flow: 1000, level: LevelJammed, lanes: 2, known: 2},
		{name: "a lane without a count: plain harmonic mean",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 20), rd("D", "l1", MeasureIntensity, 0, 900),
				rd("D", "l2", MeasureSpeed, 0, 60)},
			observed: true, speed: 30, tti: 50.0 / 30, flow: 900, level: LevelHeavy, lanes: 2, known: 2},
		{name: "two detectors of a segment count as lanes",
			readings: []DetectorReading{rd("A", "l1", MeasureSpeed, 0, 40), rd("B", "l1", MeasureSpeed, 0, 40)},
			observed: true, speed: 40, tti: 1.25, level: LevelFree, lanes: 2, known: 2},
		{name: "zero speed with vehicles counted is a standstill",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 0), rd("D", "l1", MeasureIntensity, 0, 120)},
			observed: true, speed: 5, tti: MaxTTI, flow: 120, level: LevelJammed, lanes: 1, known: 1, still: true},
		{name: "zero speed with a high occupancy is a standstill",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 0), rd("D", "l1", MeasureOccupancy, 0, 80)},
			observed: true, speed: 5, tti: MaxTTI, level: LevelJammed, lanes: 1, known: 1, still: true},
		{name: "zero speed on an empty lane is no observation",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 0), rd("D", "l1", MeasureIntensity, 0, 0), rd("D", "l1", MeasureOccupancy, 0, 2)},
			observed: false, known: 1},
		{name: "zero speed without flow or occupancy is no observation",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 0)}, observed: false, known: 1},
		{name: "some intervals standing: they count at the floor speed",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 50), rd("D", "l1", MeasureSpeed, 30, 0)},
			observed: true, speed: 2 / (1.0/50 + 1.0/5), tti: 50 / (2 / (1.0/50 + 1.0/5)), level: LevelJammed, lanes: 1, known: 1, still: true},
		{name: "negative and non-finite values are ignored",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, -30), rd("D", "l1", MeasureSpeed, 5, math.NaN()),
				rd("D", "l1", MeasureSpeed, 10, math.Inf(1)), rd("D", "l1", MeasureSpeed, 15, 40)},
			observed: true, speed: 40, tti: 1.25, level: LevelFree, lanes: 1, known: 1},
		{name: "readings outside the hour are ignored",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, -1, 5), rd("D", "l1", MeasureSpeed, 60, 5), rd("D", "l1", MeasureSpeed, 59, 35)},
			observed: true, speed: 35, tti: 50.0 / 35, level: LevelModerate, lanes: 1, known: 1},
		{name: "a silent lane makes the observation partial",
			readings: []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 45), rd("D", "l2", MeasureSpeed, -30, 45)},
			observed: true, speed: 45, tti: 50.0 / 45, level: LevelFree, lanes: 1, known: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Two buckets from t0-1h: the second is the hour under test, the
			// first holds what happened before it.
			bs := Congestion(c.readings, free, t0.Add(-time.Hour), time.Hour, 2)
			b := bs[1]
			if b.Observed != c.observed || b.Level() != c.level || b.Lanes != c.lanes || b.LanesKnown != c.known || b.Standstill != c.still {
				t.Fatalf("bucket %+v: observed %v level %q lanes %d/%d standstill %v, want %v %q %d/%d %v",
					b, b.Observed, b.Level(), b.Lanes, b.LanesKnown, b.Standstill, c.observed, c.level, c.lanes, c.known, c.still)
			}
			if !near(b.TTI, c.tti) && c.observed || !c.observed && b.TTI != 0 {
				t.Errorf("TTI %v, want %v", b.TTI, c.tti)
			}
			if c.observed && !near(b.Speed, c.speed) {
				t.Errorf("speed %v, want %v", b.Speed, c.speed)
			}
			if !near(b.Flow, c.flow) {
				t.Errorf("flow %v, want %v", b.Flow, c.flow)
			}
			if b.Partial() != (c.observed && c.lanes < c.known) {
				t.Errorf("partial %v", b.Partial())
			}
			if !b.Start.Equal(t0) {
				t.Errorf("start %v", b.Start)
			}
		})
	}
}

func TestCongestionDegenerateArguments(t *testing.T) {
	rs := []DetectorReading{rd("D", "l1", MeasureSpeed, 0, 10)}
	for _, bs := range [][]Bucket{Congestion(rs, 0, t0, time.Hour, 2), Congestion(rs, 50, t0, 0, 2)} {
		for _, b := range bs {
			if b.Observed {
				t.Fatalf("observed with a zero free-flow speed or step: %+v", b)
			}
		}
	}
	if bs := Congestion(rs, 50, t0, time.Hour, 0); len(bs) != 0 {
		t.Fatalf("%d buckets for n=0", len(bs))
	}
}

func TestLevelBoundaries(t *testing.T) {
	for tti, want := range map[float64]string{0: "", 1: LevelFree, 1.2999: LevelFree, 1.3: LevelModerate, 1.5999: LevelModerate,
		1.6: LevelHeavy, 1.9999: LevelHeavy, 2: LevelJammed, MaxTTI: LevelJammed, math.NaN(): ""} {
		if got := Level(tti); got != want {
			t.Errorf("Level(%v) = %q, want %q", tti, got, want)
		}
	}
}

func TestTravelTime(t *testing.T) {
	b := Bucket{Observed: true, Speed: 36} // 10 m/s
	if got := b.TravelTime(1500); got != 150*time.Second {
		t.Errorf("1.5 km at 36 km/h: %v", got)
	}
	if got := (Bucket{}).TravelTime(1500); got != 0 {
		t.Errorf("no observation: %v", got)
	}
	s := RoadSegment{LengthM: 1000, FreeFlowKmh: 60}
	if got := s.FreeFlowTime(); got != time.Minute {
		t.Errorf("1 km at 60 km/h: %v", got)
	}
}

func TestSummarize(t *testing.T) {
	h := func(i int, tti, flow float64) Bucket {
		return Bucket{Start: t0.Add(time.Duration(i) * time.Hour), Observed: true, TTI: tti, Flow: flow}
	}
	cases := []struct {
		name      string
		hours     []Bucket
		tti, peak float64
		peakAt    int
		observed  int
		congested int
	}{
		{name: "no observation", hours: []Bucket{{Start: t0}, {Start: t0.Add(time.Hour)}}},
		{name: "flow-weighted", hours: []Bucket{h(0, 1, 100), h(1, 3, 900), {Start: t0.Add(2 * time.Hour)}},
			tti: (100 + 2700) / 1000.0, peak: 3, peakAt: 1, observed: 2, congested: 1},
		{name: "an hour without a count: plain mean", hours: []Bucket{h(0, 1, 100), h(1, 1.7, 0), h(2, 1.3, 50)},
			tti: 4.0 / 3, peak: 1.7, peakAt: 1, observed: 3, congested: 1},
		{name: "the first worst hour is the peak", hours: []Bucket{h(0, 2.5, 10), h(1, 2.5, 10)},
			tti: 2.5, peak: 2.5, peakAt: 0, observed: 2, congested: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Summarize(t0, c.hours)
			if !near(d.TTI, c.tti) || d.PeakTTI != c.peak || d.Observed != c.observed || d.Congested != c.congested {
				t.Fatalf("%+v, want tti %v peak %v observed %d congested %d", d, c.tti, c.peak, c.observed, c.congested)
			}
			if c.observed > 0 && !d.PeakHour.Equal(t0.Add(time.Duration(c.peakAt)*time.Hour)) {
				t.Errorf("peak hour %v", d.PeakHour)
			}
		})
	}
}

func TestParseGeometry(t *testing.T) {
	cases := []struct {
		raw     string
		allowed []string
		problem geoProblem
	}{
		{`{"type":"Point","coordinates":[29.85, 58.74]}`, []string{GeoPoint}, geoOK},
		{`{"type":"Point","coordinates":[190, 58]}`, []string{GeoPoint}, geoRange},
		{`{"type":"Point","coordinates":[29.85]}`, []string{GeoPoint}, geoShape},
		{`{"type":"LineString","coordinates":[[29.8,58.7],[29.9,58.8]]}`, []string{GeoLine}, geoOK},
		{`{"type":"LineString","coordinates":[[29.8,58.7]]}`, []string{GeoLine}, geoShort},
		{`{"type":"LineString","coordinates":[[29.8,58.7],[29.9,-90.5]]}`, []string{GeoLine}, geoRange},
		{`{"type":"LineString","coordinates":[[29.8,58.7],[29.9,58.8]]}`, []string{GeoPoint}, geoShape},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, []string{GeoPolygon}, geoOK},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, []string{GeoPolygon}, geoShort}, // not closed
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}`, []string{GeoPolygon}, geoRange},
		{`{"type":"MultiPoint","coordinates":[[0,0]]}`, []string{GeoPoint, GeoLine, GeoPolygon}, geoShape},
		{`not json`, []string{GeoPoint}, geoShape},
		{``, []string{GeoPoint}, geoShape},
	}
	for _, c := range cases {
		if _, p := readGeometry([]byte(c.raw), c.allowed...); p != c.problem {
			t.Errorf("%s: problem %v, want %v", c.raw, p, c.problem)
		}
		if _, ok := parseGeometry([]byte(c.raw), c.allowed...); ok != (c.problem == geoOK) {
			t.Errorf("%s: ok %v", c.raw, ok)
		}
	}
	// A degree of latitude is about 111.2 km.
	if l := lineLength([]position{{30, 59}, {30, 60}}); math.Abs(l-111_195) > 100 {
		t.Errorf("a degree of latitude: %v m", l)
	}
}

// BenchmarkSegmentWeek is the arithmetic of a segment's page: a week of
// five-minute readings of two detectors with two lanes each (24,192
// readings) into 7 days of hourly buckets and their summaries
// (go test -run '^$' -bench SegmentWeek ./internal/transport/).
func BenchmarkSegmentWeek(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	var rs []DetectorReading
	for i := range 7 * 24 * 12 {
		at := start.Add(time.Duration(i) * 5 * time.Minute)
		for _, p := range []string{"A", "B"} {
			for _, l := range []string{"l1", "l2"} {
				rs = append(rs, DetectorReading{p, l, MeasureSpeed, at, float64(20 + i%40)},
					DetectorReading{p, l, MeasureIntensity, at, float64(100 + i%700)},
					DetectorReading{p, l, MeasureOccupancy, at, float64(i % 30)})
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		for d := range 7 {
			day := start.AddDate(0, 0, d)
			if s := Summarize(day, Congestion(rs, 60, day, time.Hour, 24)); s.Observed != 24 {
				b.Fatalf("%+v", s)
			}
		}
	}
	b.ReportMetric(float64(len(rs)), "readings")
}
