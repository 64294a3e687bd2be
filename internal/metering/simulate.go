package metering

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// SimOptions describe a simulated water network and what goes wrong in it.
type SimOptions struct {
	MunicipalityID string
	Points         int           // buildings, each with a 15-minute (Interval) register
	ZoneSize       int           // buildings per district metered area (50)
	Interval       time.Duration // reporting interval (15 min)
	From, To       time.Time     // the span to generate readings for
	Leak           float64       // share of zones that spring a leak (0–1)
	LeakFrom       time.Time     // when leaks start (the last 3 days of the span by default)
	Stuck          float64       // share of building meters that stick (0–1), from LeakFrom
	Outage         string        // zone code whose building meters fall silent
	OutageFrom     time.Time     // when (the last 2 hours of the span by default)
	Seed           uint64
	Lat, Lon       float64 // centre of the map
}

func (o *SimOptions) defaults() {
	if o.ZoneSize <= 0 {
		o.ZoneSize = 50
	}
	if o.Interval <= 0 {
		o.Interval = 15 * time.Minute
	}
	if o.LeakFrom.IsZero() {
		o.LeakFrom = o.To.Add(-72 * time.Hour)
	}
	if o.OutageFrom.IsZero() {
		o.OutageFrom = o.To.Add(-2 * time.Hour)
	}
	if o.Lat == 0 && o.Lon == 0 {
		o.Lat, o.Lon = 58.73, 29.85
	}
}

// SimZone is one simulated district metered area.
type SimZone struct {
	Code      string
	Inlet     string   // the inlet meter's serial
	Buildings []string // the building meters' serials
}

// SimWorld is the simulated registry.
type SimWorld struct {
	Zones []SimZone
}

func simZoneCode(i int) string { return fmt.Sprintf("SIM-Z%03d", i+1) }

// SimRegistry creates the simulated network once (network SIM-W, zones
// SIM-Z001…, buildings SIM-B00001… with their meters SIM-M00001… and one
// inlet meter SIM-I001… per zone) through the CSV import, and returns it.
// Run again with the same options it only returns the world.
func (s *Service) SimRegistry(ctx context.Context, a *auth.Actor, o SimOptions) (SimWorld, error) {
	o.defaults()
	w := simWorld(o)
	if _, err := s.st.idByCode(ctx, "metering_networks", "code", o.MunicipalityID, "SIM-W"); err == nil {
		return w, nil
	}
	var objects, points, zones, zonePoints, devices, installs, channels strings.Builder
	objects.WriteString("code,kind,name,address,lat,lon\n")
	points.WriteString("code,network,name,role,object\n")
	zones.WriteString("code,network,kind,name\n")
	zonePoints.WriteString("zone,point,sign\n")
	devices.WriteString("serial,model,calibrated_on,calibration_months,seal,interval_s\n")
	installs.WriteString("device,point,from,start_register\n")
	channels.WriteString("device,name,quantity,unit,kind,multiplier,digits\n")
	from := o.From.AddDate(0, 0, -1).UTC().Format("2006-01-02")
	meter := func(serial, point string) {
		devices.WriteString(fmt.Sprintf("%s,СИМ-15,2025-01-15,72,%s-S,%d\n", serial, serial, int(o.Interval/time.Second)))
		installs.WriteString(fmt.Sprintf("%s,%s,%s,%d\n", serial, point, from, simStartRegister(serial)))
		channels.WriteString(serial + ",v,volume,m3,cumulative,1,8\n")
	}
	n := 0
	for zi, z := range w.Zones {
		zones.WriteString(fmt.Sprintf("%s,SIM-W,dma,Симулируемая зона %d\n", z.Code, zi+1))
		inlet := "SIM-P-" + z.Inlet
		points.WriteString(fmt.Sprintf("%s,SIM-W,Ввод зоны %d,boundary,\n", inlet, zi+1))
		zonePoints.WriteString(fmt.Sprintf("%s,%s,1\n", z.Code, inlet))
		meter(z.Inlet, inlet)
		for _, serial := range z.Buildings {
			n++
			b := fmt.Sprintf("SIM-B%05d", n)
			ang, r := float64(n)*2.39996, 0.002*math.Sqrt(float64(n))
			objects.WriteString(fmt.Sprintf("%s,building,Дом %d,\"Симуляционная ул., %d\",%.5f,%.5f\n", b, n, n, o.Lat+r*math.Sin(ang), o.Lon+1.8*r*math.Cos(ang)))
			p := "SIM-P-" + serial
			points.WriteString(fmt.Sprintf("%s,SIM-W,Дом %d: ввод воды,consumer,%s\n", p, n, b))
			zonePoints.WriteString(fmt.Sprintf("%s,%s,0\n", z.Code, p))
			meter(serial, p)
		}
	}
	for _, f := range [][2]string{
		{"networks", "code,resource,name\nSIM-W,water,Симулируемый водопровод\n"},
		{"objects", objects.String()}, {"points", points.String()}, {"zones", zones.String()},
		{"zone_points", zonePoints.String()}, {"devices", devices.String()},
		{"installations", installs.String()}, {"channels", channels.String()},
	} {
		if _, err := s.Import(ctx, a, o.MunicipalityID, f[0], strings.NewReader(f[1])); err != nil {
			return w, fmt.Errorf("simulate: import %s: %w", f[0], err)
		}
	}
	return w, nil
}

// simStartRegister is a simulated meter's register when it is installed
// and when Simulate starts: a few thousand m³ for a building's meter, 0
// for a new zone inlet. Simulate continues from it, so the installation
// counts nothing before the first reading.
func simStartRegister(serial string) int {
	if strings.HasPrefix(serial, "SIM-I") {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(serial))
	return int(h.Sum32() % 5000)
}

func simWorld(o SimOptions) SimWorld {
	var w SimWorld
	for i := 0; i < o.Points; i++ {
		if i%o.ZoneSize == 0 {
			zi := len(w.Zones)
			w.Zones = append(w.Zones, SimZone{Code: simZoneCode(zi), Inlet: fmt.Sprintf("SIM-I%03d", zi+1)})
		}
		z := &w.Zones[len(w.Zones)-1]
		z.Buildings = append(z.Buildings, fmt.Sprintf("SIM-M%05d", i+1))
	}
	return w
}

// simProfile is a household water profile: the share of the daily mean
// flow used in each local hour (a night trough, a morning and an evening
// peak).
var simProfile = [24]float64{0.25, 0.15, 0.1, 0.1, 0.15, 0.4, 1.2, 1.9, 1.7, 1.2, 1.0, 1.0,
	1.1, 1.0, 0.9, 0.9, 1.0, 1.2, 1.5, 1.8, 1.7, 1.4, 0.9, 0.5}

// simRate is a building's flow in m³/h at t: its mean times the hour's
// share (an hour later and a tenth higher at weekends), with noise.
func simRate(mean float64, t time.Time, rng *rand.Rand) float64 {
	h := t.Hour()
	f := 1.0
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		h, f = (h+23)%24, 1.1
	}
	return mean * simProfile[h] * f * (0.85 + 0.3*rng.Float64())
}

// SimStats count what Simulate sent.
type SimStats struct {
	Readings, Batches int
	Leaking, Stuck    []string // zone codes, meter serials
}

// simBatch is how many readings Simulate hands over at most at once.
const simBatch = 10_000

// Simulate generates the readings of the simulated world over
// (From, To] and hands them to send in batches of up to 10,000 readings
// of many devices, a local day at a time: every
// building's register advancing with a daily and weekly pattern, every
// inlet carrying its zone's use plus 5 % background leakage, plus a leak
// of a third of the zone's mean flow in the zones chosen to leak; stuck
// meters stop moving, and the outage zone's building meters fall silent
// while its inlet drops to the background.
func Simulate(o SimOptions, w SimWorld, loc *time.Location, send func(batch []Input) error) (SimStats, error) {
	o.defaults()
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	var st SimStats
	type meter struct {
		serial string
		mean   float64
		reg    float64
		stuck  bool
	}
	type zone struct {
		SimZone
		meters []*meter
		inlet  float64
		leak   bool
		outage bool
	}
	var zs []*zone
	for _, z := range w.Zones {
		zz := &zone{SimZone: z, leak: rng.Float64() < o.Leak, outage: z.Code == o.Outage}
		if zz.leak {
			st.Leaking = append(st.Leaking, z.Code)
		}
		for _, serial := range z.Buildings {
			m := &meter{serial: serial, mean: 0.1 + 0.4*rng.Float64(), reg: float64(simStartRegister(serial)), stuck: rng.Float64() < o.Stuck}
			if m.stuck {
				st.Stuck = append(st.Stuck, serial)
			}
			zz.meters = append(zz.meters, m)
		}
		zs = append(zs, zz)
	}
	var batch []Input
	flush := func() error {
		for len(batch) > 0 {
			chunk := batch[:min(len(batch), simBatch)]
			if err := send(chunk); err != nil {
				return err
			}
			st.Batches++
			st.Readings += len(chunk)
			batch = batch[len(chunk):]
		}
		batch = nil
		return nil
	}
	step := o.Interval
	hours := step.Hours()
	start := o.From.Truncate(step)
	day := start.In(loc).YearDay()
	for t := start.Add(step); !t.After(o.To); t = t.Add(step) {
		if d := t.In(loc).YearDay(); d != day {
			if err := flush(); err != nil {
				return st, err
			}
			day = d
		}
		mid := t.Add(-step / 2).In(loc)
		for _, z := range zs {
			var use, mean float64
			silent := z.outage && t.After(o.OutageFrom)
			for _, m := range z.meters {
				mean += m.mean
				if silent {
					continue
				}
				v := simRate(m.mean, mid, rng) * hours
				use += v
				if !(m.stuck && t.After(o.LeakFrom)) {
					m.reg += v
				}
				batch = append(batch, Input{Device: m.serial, Channel: "v", At: t, Value: round3(m.reg)})
			}
			in := use + 0.05*mean*hours
			if z.leak && t.After(o.LeakFrom) {
				in += mean / 3 * hours
			}
			z.inlet += in
			batch = append(batch, Input{Device: z.Inlet, Channel: "v", At: t, Value: round3(z.inlet)})
		}
	}
	return st, flush()
}

// HTTPSender posts batches as JSON to POST /api/v1/readings of a muni at
// base, for the municipality with the slug, under an API key.
func HTTPSender(ctx context.Context, client *http.Client, base, slug, apiKey string) func(batch []Input) error {
	type wire struct {
		Device  string  `json:"device"`
		Channel string  `json:"channel"`
		TS      string  `json:"ts"`
		Value   float64 `json:"value"`
	}
	url := strings.TrimRight(base, "/") + "/api/v1/readings?municipality=" + slug
	return func(batch []Input) error {
		ws := make([]wire, len(batch))
		for i, in := range batch {
			ws[i] = wire{Device: in.Device, Channel: in.Channel, TS: in.At.UTC().Format(time.RFC3339), Value: in.Value}
		}
		body, err := json.Marshal(ws)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+apiKey)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("simulate: POST %s: %s: %s", url, resp.Status, msg)
		}
		var res Result
		if err := json.Unmarshal(msg, &res); err == nil && len(res.Rejected) > 0 {
			return fmt.Errorf("simulate: %d readings refused, first: %+v", len(res.Rejected), res.Rejected[0])
		}
		return nil
	}
}
