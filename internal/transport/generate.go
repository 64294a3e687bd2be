package transport

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strconv"
)

// Place is a locality a generated network serves.
type Place struct {
	Name     string
	Lat, Lon float64
}

// GenSpec describes a generated network: routes between places with
// stops along the way, weekday and weekend timetables.
type GenSpec struct {
	Agency        string
	AgencyURL     string
	TimeZone      string
	Places        []Place // at least two
	Routes        int     // lines; line i runs between places i and i+1 (cycling), through the hub place 0 for even i
	StopsPerRoute int     // stops per direction, terminals included (≥ 2)
	WeekdayEvery  int     // minutes between departures on working days
	WeekendEvery  int     // minutes between departures on weekends
	FirstMinute   int     // first departure, minutes after midnight
	LastMinute    int     // last departure
	StartDate     string  // YYYYMMDD
	EndDate       string
	SpeedKMH      float64
}

// Generate writes a plausible GTFS feed as a zip to w. It is what the demo
// municipality runs on and what the import benchmark reads.
func Generate(w io.Writer, spec GenSpec) error {
	if len(spec.Places) < 2 || spec.StopsPerRoute < 2 || spec.Routes < 1 || spec.WeekdayEvery < 1 || spec.WeekendEvery < 1 {
		return fmt.Errorf("transport: generate: need two places, two stops per route, one route and positive headways")
	}
	g := &gen{spec: spec, zw: zip.NewWriter(w)}
	for _, step := range []func() error{g.agency, g.calendar, g.network, g.feedInfo} {
		if err := step(); err != nil {
			return err
		}
	}
	return g.zw.Close()
}

type gen struct {
	spec GenSpec
	zw   *zip.Writer
}

func (g *gen) file(name string, header ...string) (*csv.Writer, error) {
	fw, err := g.zw.Create(name)
	if err != nil {
		return nil, err
	}
	cw := csv.NewWriter(fw)
	return cw, cw.Write(header)
}

func (g *gen) agency() error {
	cw, err := g.file("agency.txt", "agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang")
	if err != nil {
		return err
	}
	cw.Write([]string{"1", g.spec.Agency, g.spec.AgencyURL, g.spec.TimeZone, "ru"})
	cw.Flush()
	return cw.Error()
}

func (g *gen) calendar() error {
	cw, err := g.file("calendar.txt", "service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "start_date", "end_date")
	if err != nil {
		return err
	}
	cw.Write([]string{"weekday", "1", "1", "1", "1", "1", "0", "0", g.spec.StartDate, g.spec.EndDate})
	cw.Write([]string{"weekend", "0", "0", "0", "0", "0", "1", "1", g.spec.StartDate, g.spec.EndDate})
	cw.Flush()
	return cw.Error()
}

func (g *gen) feedInfo() error {
	cw, err := g.file("feed_info.txt", "feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date", "feed_end_date", "feed_version")
	if err != nil {
		return err
	}
	cw.Write([]string{g.spec.Agency, g.spec.AgencyURL, "ru", g.spec.StartDate, g.spec.EndDate, "generated"})
	cw.Flush()
	return cw.Error()
}

type genStop struct {
	id, name string
	lat, lon float64
}

// line is one route's stops, outbound order.
func (g *gen) line(i int) []genStop {
	ps := g.spec.Places
	a, b := ps[i%len(ps)], ps[(i+1)%len(ps)]
	if i%2 == 0 && i%len(ps) != 0 { // even lines start at the hub
		a = ps[0]
		b = ps[i%len(ps)]
	}
	n := g.spec.StopsPerRoute
	out := make([]genStop, n)
	// A gentle bend so lines between the same places do not overlap.
	bend := 0.01 * float64(i%5-2)
	for k := range n {
		f := float64(k) / float64(n-1)
		lat := a.Lat + (b.Lat-a.Lat)*f + bend*math.Sin(math.Pi*f)
		lon := a.Lon + (b.Lon-a.Lon)*f + bend*math.Sin(math.Pi*f)
		s := genStop{id: fmt.Sprintf("r%d-s%d", i+1, k+1), lat: round6(lat), lon: round6(lon)}
		switch k {
		case 0:
			s.id, s.name = "p-"+a.Name, a.Name+", автостанция"
			s.lat, s.lon = station(a)
		case n - 1:
			s.id, s.name = "p-"+b.Name, b.Name+", автостанция"
			s.lat, s.lon = station(b)
		default:
			s.name = fmt.Sprintf("%s — %s, %d-я остановка", a.Name, b.Name, k)
		}
		out[k] = s
	}
	return out
}

// station places a locality's bus station near, not on, its centre: up
// to about 700 m away, the same for every line that ends there.
func station(p Place) (lat, lon float64) {
	h := fnv.New32a()
	h.Write([]byte(p.Name))
	v := h.Sum32()
	dlat := float64(int(v%13)-6) * 0.001
	dlon := float64(int(v/13%13)-6) * 0.0017
	return round6(p.Lat + dlat), round6(p.Lon + dlon)
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// metres is the straight-line distance between two stops.
func metres(a, b genStop) float64 {
	const r = 6371000
	la1, la2 := a.lat*math.Pi/180, b.lat*math.Pi/180
	dla, dlo := la2-la1, (b.lon-a.lon)*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func (g *gen) network() error {
	stops, err := g.file("stops.txt", "stop_id", "stop_name", "stop_lat", "stop_lon")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	lines := make([][]genStop, g.spec.Routes)
	for i := range lines {
		lines[i] = g.line(i)
		for _, s := range lines[i] {
			if !seen[s.id] {
				seen[s.id] = true
				stops.Write([]string{s.id, s.name, ftoa(s.lat), ftoa(s.lon)})
			}
		}
	}
	stops.Flush()
	if err := stops.Error(); err != nil {
		return err
	}
	routes, err := g.file("routes.txt", "route_id", "agency_id", "route_short_name", "route_long_name", "route_type", "route_color", "route_text_color")
	if err != nil {
		return err
	}
	for i, l := range lines {
		routes.Write([]string{strconv.Itoa(i + 1), "1", strconv.Itoa(100 + i + 1), l[0].name + " — " + l[len(l)-1].name, "3", routeColors[i%len(routeColors)], "FFFFFF"})
	}
	routes.Flush()
	if err := routes.Error(); err != nil {
		return err
	}
	return g.timetables(lines)
}

var routeColors = []string{"1F6FB2", "B23A1F", "2E7D32", "6A1B9A", "EF6C00", "00838F"}

func (g *gen) timetables(lines [][]genStop) error {
	shapes, err := g.file("shapes.txt", "shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence", "shape_dist_traveled")
	if err != nil {
		return err
	}
	for i, l := range lines {
		for dir := range 2 {
			d := 0.0
			for k := range l {
				s := l[k]
				if dir == 1 {
					s = l[len(l)-1-k]
				}
				if k > 0 {
					prev := l[k-1]
					if dir == 1 {
						prev = l[len(l)-k]
					}
					d += metres(prev, s)
				}
				shapes.Write([]string{fmt.Sprintf("sh%d-%d", i+1, dir), ftoa(s.lat), ftoa(s.lon), strconv.Itoa(k + 1), strconv.FormatFloat(math.Round(d), 'f', 0, 64)})
			}
		}
	}
	shapes.Flush()
	if err := shapes.Error(); err != nil {
		return err
	}
	trips, err := g.file("trips.txt", "route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "shape_id")
	if err != nil {
		return err
	}
	// A zip entry must be finished before the next starts: the trips are
	// listed first, written to trips.txt, then their times follow.
	type tripRow struct {
		line, dir, start int
		service, id      string
	}
	var rows []tripRow
	for i := range lines {
		for dir := range 2 {
			for _, sv := range []struct {
				id    string
				every int
			}{{"weekday", g.spec.WeekdayEvery}, {"weekend", g.spec.WeekendEvery}} {
				for m := g.spec.FirstMinute + i%7; m <= g.spec.LastMinute; m += sv.every {
					id := fmt.Sprintf("t%d-%d-%s-%04d", i+1, dir, sv.id, m)
					rows = append(rows, tripRow{i, dir, m, sv.id, id})
				}
			}
		}
	}
	for _, r := range rows {
		l := lines[r.line]
		head := l[len(l)-1].name
		if r.dir == 1 {
			head = l[0].name
		}
		trips.Write([]string{strconv.Itoa(r.line + 1), r.service, r.id, head, strconv.Itoa(r.dir), fmt.Sprintf("sh%d-%d", r.line+1, r.dir)})
	}
	trips.Flush()
	if err := trips.Error(); err != nil {
		return err
	}
	fw, err := g.zw.Create("stop_times.txt")
	if err != nil {
		return err
	}
	times := csv.NewWriter(fw)
	times.Write([]string{"trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence", "shape_dist_traveled"})
	speed := g.spec.SpeedKMH / 3.6
	if speed <= 0 {
		speed = 30 / 3.6
	}
	for _, r := range rows {
		l := lines[r.line]
		t := float64(r.start * 60)
		d := 0.0
		for k := range l {
			s, prev := l[k], genStop{}
			if r.dir == 1 {
				s = l[len(l)-1-k]
			}
			if k > 0 {
				prev = l[k-1]
				if r.dir == 1 {
					prev = l[len(l)-k]
				}
				step := metres(prev, s)
				d += step
				t += step/speed + 30 // dwell
			}
			sec := int(math.Round(t/30) * 30)
			times.Write([]string{r.id, FormatTime(sec), FormatTime(sec), s.id, strconv.Itoa(k + 1), strconv.FormatFloat(math.Round(d), 'f', 0, 64)})
		}
	}
	times.Flush()
	return times.Error()
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
