package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/transport"
)

// buildTraffic makes the road traffic and road works service over the
// territory tree, reading detectors through metering.
func (a *App) buildTraffic() *transport.Traffic {
	return transport.NewTraffic(transport.TrafficDeps{DB: a.DB, Audit: a.Audit, Places: transportPlaces{a.Territory},
		Readings: trafficReadings{a.Metering}, Boundaries: transportPlaces{a.Territory}, Log: a.Log})
}

// trafficReadings adapts metering's read API to transport's detectors: a
// detector is a metering device on a point of a traffic network, with a
// channel per lane and measure named "lane.measure" ("l1.speed") whose
// quantity is the measure.
type trafficReadings struct{ m *metering.Service }

// DetectorReadings returns the points' lane readings in [from, to).
func (t trafficReadings) DetectorReadings(ctx context.Context, municipalityID string, points []string, from, to time.Time) ([]transport.DetectorReading, error) {
	rs, err := t.m.TrafficReadings(ctx, municipalityID, points, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]transport.DetectorReading, 0, len(rs))
	for _, r := range rs {
		switch r.Quantity {
		case transport.MeasureIntensity, transport.MeasureOccupancy, transport.MeasureSpeed:
		default:
			continue // a detector's other channels (vehicle classes, headway) are not used here
		}
		lane := r.Channel
		if i := strings.LastIndexByte(lane, '.'); i > 0 {
			lane = lane[:i]
		}
		out = append(out, transport.DetectorReading{Point: r.Point, Lane: lane, Measure: r.Quantity, At: r.At, Value: r.Value})
	}
	return out, nil
}

// KnownDetectors returns which codes are points of the municipality's
// traffic networks.
func (t trafficReadings) KnownDetectors(ctx context.Context, municipalityID string, codes []string) ([]string, error) {
	return t.m.TrafficPoints(ctx, municipalityID, codes)
}

// Detectors lists the points in service of the municipality's traffic
// networks.
func (t trafficReadings) Detectors(ctx context.Context, municipalityID string) ([]transport.Detector, error) {
	ps, err := t.m.TrafficPointList(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	out := make([]transport.Detector, len(ps))
	for i, p := range ps {
		out[i] = transport.Detector{Code: p.Code, Name: p.Name}
	}
	return out, nil
}

// demoRoad is one demo road segment: its detectors' points, its shape
// as offsets in kilometres (east, north) from the town centre, and how
// close its peak demand comes to capacity.
type demoRoad struct {
	code, name string
	path       [][2]float64
	freeKmh    float64
	detectors  []string
	peakRatio  float64 // demand over capacity at the peak hour
}

var demoRoads = []demoRoad{
	{"S-01", "ул. Ленина: центр — вокзал", [][2]float64{{0, 0}, {0.6, 0.05}, {1.3, 0.1}}, 50, []string{"TD-01"}, 1.15},
	{"S-02", "пр. Мира: центр — микрорайон Северный", [][2]float64{{0, 0.1}, {0.1, 0.9}, {0.15, 1.7}}, 60, []string{"TD-02"}, 0.8},
	{"S-03", "Объездная дорога", [][2]float64{{-2.5, -1.5}, {-1.2, -1.9}, {0.3, -2.0}, {1.8, -1.6}}, 70, []string{"TD-03", "TD-04"}, 0.65},
}

// demoDemand is the share of the peak demand at a local time of day:
// a night floor, a morning peak at 8:00 and an evening one at 17:30.
func demoDemand(h float64) float64 {
	g := func(mu, sigma float64) float64 { return math.Exp(-(h - mu) * (h - mu) / (2 * sigma * sigma)) }
	return 0.08 + 0.35*g(13, 4) + 0.9*g(8, 1) + g(17.5, 1.2)
}

// TrafficStats is what SimulateTraffic did.
type TrafficStats struct {
	Segments, Detectors, Readings int
}

// SimulateTraffic keeps the demo road segments and their detectors in
// the municipality (registering what is missing: a traffic network in
// metering, a point, a radar and its lane channels per detector, the
// segments in transport) and plays five-minute detector readings from
// from to to: through send (an HTTP or MQTT sender to a running muni)
// or, when send is nil, through this instance's metering ingest. The
// road network is laid out around the municipality's centre.
func (a *App) SimulateTraffic(ctx context.Context, slug string, from, to time.Time, send func([]metering.Input) error) (TrafficStats, error) {
	ctx = AsSystem(ctx)
	n, err := a.Territory.NodeBySlug(ctx, slug)
	if err != nil {
		return TrafficStats{}, err
	}
	c := n.Center
	if c == nil || !n.Municipal() {
		return TrafficStats{}, fmt.Errorf("traffic: %s is not a municipality with a centre", slug)
	}
	if err := demoDetectors(ctx, a.Metering, n.ID, from); err != nil {
		return TrafficStats{}, err
	}
	st := TrafficStats{}
	for _, r := range demoRoads {
		var line [][2]float64
		for _, p := range r.path {
			line = append(line, offsetKm(c.Lat, c.Lon, p[0], p[1]))
		}
		geo, _ := json.Marshal(map[string]any{"type": "LineString", "coordinates": line})
		if _, err := a.Traffic.SaveSegment(ctx, n.ID, r.code, transport.SegmentInput{Name: r.name, Geometry: geo,
			FreeFlowKmh: r.freeKmh, Detectors: r.detectors}); err != nil {
			return st, err
		}
		st.Segments++
		st.Detectors += len(r.detectors)
	}
	if send == nil {
		send = func(batch []metering.Input) error {
			res, err := a.Metering.IngestAs(ctx, systemActor, n.ID, metering.SourceHTTP, batch)
			if err == nil && len(res.Rejected) > 0 {
				err = fmt.Errorf("traffic: %d readings refused, the first for %s", len(res.Rejected), res.Rejected[0].Reason)
			}
			return err
		}
	}
	st.Readings, err = demoDetectorReadings(send, zoneOf(n.TimeZone), from, to)
	return st, err
}

// offsetKm is the position (lon, lat) east and north km from a centre.
func offsetKm(lat, lon, east, north float64) [2]float64 {
	return [2]float64{lon + east/(111.32*math.Cos(lat*math.Pi/180)), lat + north/111.32}
}

// demoTraffic gives the main demo municipality road segments measured by
// traffic detectors (metering devices of a traffic network) with the
// last two days of five-minute readings through metering's ingest, and
// four road works: one closing a lane now, one planned, a detour now and
// one completed. A municipality that has segments keeps them.
func demoTraffic(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	c := td.Main.Center
	if c == nil {
		return nil
	}
	ctx = AsSystem(ctx)
	if cur, err := a.Traffic.Current(ctx, td.Main.Slug, time.Now()); err != nil || len(cur.Segments) > 0 {
		return err
	}
	now := time.Now().UTC().Truncate(5 * time.Minute)
	st, err := a.SimulateTraffic(ctx, td.Main.Slug, now.Add(-48*time.Hour), now, nil)
	if err != nil {
		return err
	}
	at := func(east, north float64) [2]float64 { return offsetKm(c.Lat, c.Lon, east, north) }
	var mid [][2]float64
	for _, r := range demoRoads {
		mid = append(mid, at(r.path[len(r.path)/2][0], r.path[len(r.path)/2][1]))
	}
	day := now.Truncate(time.Hour)
	point := func(p [2]float64) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"type": "Point", "coordinates": p})
		return b
	}
	line, _ := json.Marshal(map[string]any{"type": "LineString", "coordinates": [][2]float64{at(0, 0.1), at(0.1, 0.9)}})
	b := at(-0.9, 0.6)
	d := 0.0008
	bridge, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{b[0] - d, b[1] - d}, {b[0] + d, b[1] - d},
		{b[0] + d, b[1] + d}, {b[0] - d, b[1] + d}, {b[0] - d, b[1] - d}}}})
	works := []transport.WorkInput{
		{Title: "Ремонт водопровода на ул. Ленина у д. 12", Contractor: "ООО «Водоканал-Сервис» (демо)", Geometry: point(mid[0]),
			Starts: day.Add(-3 * 24 * time.Hour), Ends: day.Add(10 * 24 * time.Hour), Impact: transport.ImpactLaneClosed},
		{Title: "Замена асфальта на пр. Мира", Contractor: "АО «Дорстрой» (демо)", Geometry: line,
			Starts: day.Add(7 * 24 * time.Hour), Ends: day.Add(14 * 24 * time.Hour), Impact: transport.ImpactRoadClosed,
			Detour: "По ул. Садовой и ул. Школьной; автобусы следуют в объезд без остановок на пр. Мира."},
		{Title: "Ремонт моста через р. Оредеж", Contractor: "ГБУ «Мостотрест» (демо)", Geometry: bridge,
			Starts: day.Add(-10 * 24 * time.Hour), Ends: day.Add(20 * 24 * time.Hour), Impact: transport.ImpactDetour,
			Detour: "Движение по одной полосе с регулировщиком; грузовики — через Объездную дорогу."},
		{Title: "Ямочный ремонт Объездной дороги", Contractor: "АО «Дорстрой» (демо)", Geometry: point(mid[2]),
			Starts: day.Add(-20 * 24 * time.Hour), Ends: day.Add(-5 * 24 * time.Hour), Impact: transport.ImpactLaneClosed,
			Status: transport.WorksCompleted},
	}
	for _, in := range works {
		if _, err := a.Traffic.CreateWork(ctx, td.Main.ID, in); err != nil {
			return err
		}
	}
	w.Notes = append(w.Notes, fmt.Sprintf("traffic: %d road segments with %d detectors (%d readings of the last 48 h through the metering ingest), %d road works",
		st.Segments, st.Detectors, st.Readings, len(works)))
	return nil
}

func zoneOf(tz string) *time.Location {
	if loc, ok := transport.LoadZone(tz); ok {
		return loc
	}
	return time.UTC
}

// dupOK passes a registry row that already exists (a demo run again
// after a partial failure).
func dupOK(err error) error {
	if fe, ok := fault.As(err); ok && fe.Type == "metering-duplicate" {
		return nil
	}
	return err
}

// demoDetectors registers the traffic network, a point and a radar
// detector with two lanes for each demo detector.
func demoDetectors(ctx context.Context, m *metering.Service, muniID string, installed time.Time) error {
	if _, err := m.CreateNetwork(ctx, systemActor, muniID, metering.NetworkInput{Code: "ROADS", Resource: string(metering.Traffic),
		Name: "Улично-дорожная сеть (детекторы транспорта)"}); dupOK(err) != nil {
		return err
	}
	for _, r := range demoRoads {
		for _, code := range r.detectors {
			if _, err := m.CreatePoint(ctx, systemActor, muniID, metering.PointInput{Code: code, Network: "ROADS",
				Name: "Детектор " + code + ", " + r.name, Role: metering.RoleInternal}); dupOK(err) != nil {
				return err
			}
			serial := code + "-RADAR"
			if _, err := m.CreateDevice(ctx, systemActor, muniID, metering.DeviceInput{Serial: serial, Model: "Радарный детектор (демо)",
				Interval: 5 * time.Minute}); dupOK(err) != nil {
				return err
			}
			if _, err := m.Install(ctx, systemActor, muniID, metering.InstallationInput{Device: serial, Point: code, From: installed}); err != nil {
				if fe, ok := fault.As(err); !ok || fe.Fields["from"] == "" {
					return err
				}
			}
			for _, lane := range []string{"l1", "l2"} {
				for q, unit := range map[string]string{transport.MeasureIntensity: "veh/h", transport.MeasureOccupancy: "%", transport.MeasureSpeed: "km/h"} {
					if _, err := m.CreateChannel(ctx, systemActor, muniID, metering.ChannelInput{Device: serial, Name: lane + "." + q,
						Quantity: q, Unit: unit, Kind: string(metering.Instantaneous)}); dupOK(err) != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// demoDetectorReadings plays five-minute detector readings from from to
// to through send, in batches: demand by time of day, speed by the BPR
// curve t = t0·(1 + 1.2·(q/c)^4), occupancy from density. The centre's
// street (S-01) goes over capacity at the peaks; lane 2 of TD-04 is
// silent from 03:00 to 05:00 local, a gap the pages show as partial.
func demoDetectorReadings(send func([]metering.Input) error, loc *time.Location, from, to time.Time) (int, error) {
	rng := rand.New(rand.NewPCG(6, 2026))
	const capacity = 900.0 // veh/h per lane
	var batch []metering.Input
	total := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := send(batch); err != nil {
			return err
		}
		total += len(batch)
		batch = batch[:0]
		return nil
	}
	for t := from; t.Before(to); t = t.Add(5 * time.Minute) {
		lt := t.In(loc)
		h := float64(lt.Hour()) + float64(lt.Minute())/60
		for _, r := range demoRoads {
			for _, code := range r.detectors {
				for li, lane := range []string{"l1", "l2"} {
					if code == "TD-04" && lane == "l2" && h >= 3 && h < 5 {
						continue
					}
					ratio := r.peakRatio * demoDemand(h) / 1.27 * (1 - 0.12*float64(li)) * (0.95 + 0.1*rng.Float64())
					q := capacity * math.Min(ratio, 1.02) // a lane passes no more than its capacity
					v := r.freeKmh / (1 + 1.2*math.Pow(ratio, 4)) * (0.96 + 0.08*rng.Float64())
					v = math.Max(v, 4)
					occ := math.Min(95, q/v*0.75) // density veh/km × 7.5 m effective length
					serial := code + "-RADAR"
					batch = append(batch,
						metering.Input{Device: serial, Channel: lane + "." + transport.MeasureIntensity, At: t, Value: math.Round(q)},
						metering.Input{Device: serial, Channel: lane + "." + transport.MeasureSpeed, At: t, Value: math.Round(v*10) / 10},
						metering.Input{Device: serial, Channel: lane + "." + transport.MeasureOccupancy, At: t, Value: math.Round(occ*10) / 10})
				}
			}
		}
		if len(batch) >= 3000 {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := flush(); err != nil {
		return total, err
	}
	if total == 0 {
		return 0, errors.New("demo traffic: no readings stored")
	}
	return total, nil
}
