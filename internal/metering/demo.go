package metering

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// DemoInput asks for the demo registry of one municipality.
type DemoInput struct {
	MunicipalityID string
	Lat, Lon       float64   // the town centre; buildings are placed around it
	Now            time.Time // readings end here
	Buildings      int       // default 50
	Days           int       // days of 15-minute readings, default 2
}

// DemoResult counts what the demo made.
type DemoResult struct {
	Objects, Points, Devices, Channels, Readings int
	Existed                                      bool
}

// demoStreets are the demo buildings' streets.
var demoStreets = []string{"ул. Ленина", "ул. Советская", "пр. Кирова", "ул. Победы", "ул. Садовая"}

// SeedDemo builds a water and a heat network for a municipality through
// the CSV import (the path a municipality takes): a pumping station and a
// boiler house feeding two district metered areas and a heat circuit,
// Buildings buildings with a water meter each and a heat meter on every
// other one, and Days of 15-minute readings through Ingest. It does
// nothing when the municipality already has the demo's water network.
func SeedDemo(ctx context.Context, s *Service, a *auth.Actor, in DemoInput) (DemoResult, error) {
	if in.Buildings == 0 {
		in.Buildings = 50
	}
	if in.Days == 0 {
		in.Days = 2
	}
	if _, err := s.st.idByCode(ctx, "metering_networks", "code", in.MunicipalityID, "DEMO-W"); err == nil {
		return DemoResult{Existed: true}, nil
	}
	files, res := demoFiles(in)
	for _, f := range files {
		if _, err := s.Import(ctx, a, in.MunicipalityID, f[0], strings.NewReader(f[1])); err != nil {
			return res, fmt.Errorf("demo %s: %w", f[0], err)
		}
	}
	n, err := demoReadings(ctx, s, in)
	res.Readings = n
	return res, err
}

// demoFiles writes the demo registry as the CSV files Import takes.
func demoFiles(in DemoInput) ([][2]string, DemoResult) {
	var objects, points, zonePoints, devices, installs, channels strings.Builder
	objects.WriteString("code,kind,name,address,lat,lon\n")
	points.WriteString("code,network,name,role,object\n")
	zonePoints.WriteString("zone,point,sign\n")
	devices.WriteString("serial,model,calibrated_on,calibration_months,seal,interval_s\n")
	installs.WriteString("device,point,from,start_register\n")
	channels.WriteString("device,name,quantity,unit,kind,multiplier,digits\n")
	from := in.Now.AddDate(0, 0, -in.Days-1).UTC().Format("2006-01-02")
	var res DemoResult
	meter := func(serial, model, point string, heat bool) {
		devices.WriteString(fmt.Sprintf("%s,%s,2024-06-01,72,%s-S,900\n", serial, model, serial))
		// The installation's start register is the meter's first reading,
		// so nothing is counted between the installation and the readings.
		installs.WriteString(fmt.Sprintf("%s,%s,%s,%d\n", serial, point, from, demoStartRegister(serial)))
		if heat {
			channels.WriteString(serial + ",e,heat,Gcal,cumulative,1,7\n" + serial + ",t1,temperature,Cel,instantaneous,1,0\n" + serial + ",t2,temperature,Cel,instantaneous,1,0\n")
			res.Channels += 3
		} else {
			channels.WriteString(serial + ",v,volume,m3,cumulative,1,6\n")
			res.Channels++
		}
		res.Devices++
	}
	objects.WriteString(fmt.Sprintf("DEMO-PS1,pumping_station,ВНС-1,ул. Заводская 2,%.5f,%.5f\n", in.Lat+0.01, in.Lon-0.02))
	objects.WriteString(fmt.Sprintf("DEMO-BH1,boiler_house,Котельная №1,ул. Заводская 4,%.5f,%.5f\n", in.Lat+0.012, in.Lon-0.018))
	points.WriteString("DEMO-W-IN1,DEMO-W,Ввод ВНС-1 → зона 1,boundary,DEMO-PS1\nDEMO-W-IN2,DEMO-W,Ввод ВНС-1 → зона 2,boundary,DEMO-PS1\nDEMO-H-OUT,DEMO-H,Выход котельной №1,boundary,DEMO-BH1\n")
	zonePoints.WriteString("DEMO-DMA1,DEMO-W-IN1,1\nDEMO-DMA2,DEMO-W-IN2,1\nDEMO-HC1,DEMO-H-OUT,1\n")
	meter("DEMO-WI1", "ВСХНд-80", "DEMO-W-IN1", false)
	meter("DEMO-WI2", "ВСХНд-80", "DEMO-W-IN2", false)
	meter("DEMO-HO1", "ВКТ-7", "DEMO-H-OUT", true)
	res.Objects, res.Points = 2, 3
	for i := 1; i <= in.Buildings; i++ {
		b := fmt.Sprintf("DEMO-B%02d", i)
		ang := float64(i) * 2.4
		r := 0.004 + 0.0003*float64(i%10)
		objects.WriteString(fmt.Sprintf("%s,building,Жилой дом %d,\"%s, %d\",%.5f,%.5f\n", b, i, demoStreets[i%len(demoStreets)], 1+i/len(demoStreets),
			in.Lat+r*math.Sin(ang), in.Lon+1.8*r*math.Cos(ang)))
		zone := "DEMO-DMA1"
		if i > in.Buildings/2 {
			zone = "DEMO-DMA2"
		}
		wp := fmt.Sprintf("DEMO-W-B%02d", i)
		points.WriteString(fmt.Sprintf("%s,DEMO-W,Дом %d: холодная вода,consumer,%s\n", wp, i, b))
		zonePoints.WriteString(fmt.Sprintf("%s,%s,0\n", zone, wp))
		meter(fmt.Sprintf("DEMO-WM%02d", i), "ВСХ-32", wp, false)
		res.Objects++
		res.Points++
		if i%2 == 0 {
			hp := fmt.Sprintf("DEMO-H-B%02d", i)
			points.WriteString(fmt.Sprintf("%s,DEMO-H,Дом %d: отопление,consumer,%s\n", hp, i, b))
			zonePoints.WriteString(fmt.Sprintf("DEMO-HC1,%s,0\n", hp))
			meter(fmt.Sprintf("DEMO-HM%02d", i), "ТСК-7", hp, true)
			res.Points++
		}
	}
	return [][2]string{
		{"networks", "code,resource,name\nDEMO-W,water,Водопроводная сеть\nDEMO-H,heat,Тепловая сеть котельной №1\n"},
		{"objects", objects.String()},
		{"points", points.String()},
		{"zones", "code,network,kind,name\nDEMO-DMA1,DEMO-W,dma,Зона водоснабжения 1 (центр)\nDEMO-DMA2,DEMO-W,dma,Зона водоснабжения 2 (север)\nDEMO-HC1,DEMO-H,heat_circuit,Контур котельной №1\n"},
		{"zone_points", zonePoints.String()},
		{"devices", devices.String()},
		{"installations", installs.String()},
		{"channels", channels.String()},
	}, res
}

// demoReadings sends Days of 15-minute readings of every demo meter
// through Ingest: water use with a morning and an evening peak, heat with
// the supply and return temperatures of a mild winter, and the zone
// inlets reading what their consumers drew plus the losses.
func demoReadings(ctx context.Context, s *Service, in DemoInput) (int, error) {
	rng := rand.New(rand.NewPCG(7, 11))
	end := in.Now.UTC().Truncate(15 * time.Minute)
	start := end.Add(-time.Duration(in.Days) * 24 * time.Hour)
	var batch []Input
	total := 0
	flush := func() error {
		res, err := s.Ingest(ctx, Batch{TenantID: in.MunicipalityID, Source: SourceImport, Readings: batch})
		total += res.Stored
		batch = batch[:0]
		return err
	}
	profile := func(t time.Time) float64 { // share of the daily mean, by hour
		h := float64(t.Hour()) + float64(t.Minute())/60
		return 0.35 + 0.9*math.Exp(-math.Pow(h-7.5, 2)/3) + 1.1*math.Exp(-math.Pow(h-20, 2)/4)
	}
	meters := []struct {
		serial string
		perDay float64 // m3 or Gcal a day
		heat   bool
	}{}
	for i := 1; i <= in.Buildings; i++ {
		meters = append(meters, struct {
			serial string
			perDay float64
			heat   bool
		}{fmt.Sprintf("DEMO-WM%02d", i), 4 + rng.Float64()*8, false})
		if i%2 == 0 {
			meters = append(meters, struct {
				serial string
				perDay float64
				heat   bool
			}{fmt.Sprintf("DEMO-HM%02d", i), 0.8 + rng.Float64()*0.6, true})
		}
	}
	// What the consumers draw, per feeding meter and step, so the inlets
	// read it plus the losses (8 % of the water, 12 % of the heat that
	// enters the zone).
	steps := int(end.Sub(start)/(15*time.Minute)) + 1
	feeds := map[string][]float64{}
	feeder := func(serial string, i int) string {
		switch {
		case strings.HasPrefix(serial, "DEMO-HM"):
			return "DEMO-HO1"
		case i > in.Buildings/2:
			return "DEMO-WI2"
		}
		return "DEMO-WI1"
	}
	for _, f := range []string{"DEMO-WI1", "DEMO-WI2", "DEMO-HO1"} {
		feeds[f] = make([]float64, steps)
	}
	for k, m := range meters {
		reg := float64(demoStartRegister(m.serial))
		f := feeds[feeder(m.serial, demoIndex(m.serial))]
		for i, t := 0, start; i < steps; i, t = i+1, t.Add(15*time.Minute) {
			step := m.perDay / 96
			if !m.heat {
				step *= profile(t)
			}
			step *= 0.85 + 0.3*rng.Float64()
			if i > 0 {
				reg += step
				f[i] += step
			}
			name := "v"
			if m.heat {
				name = "e"
				batch = append(batch, Input{Device: m.serial, Channel: "t1", At: t, Value: math.Round((72+3*rng.Float64())*10) / 10},
					Input{Device: m.serial, Channel: "t2", At: t, Value: math.Round((45+3*rng.Float64())*10) / 10})
			}
			batch = append(batch, Input{Device: m.serial, Channel: name, At: t, Value: math.Round(reg*1000) / 1000})
		}
		if len(batch) > 5000 || k == len(meters)-1 {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	for serial, f := range feeds {
		// Losses are a share of what enters the zone, as the dashboard
		// shows them: the inlet reads the consumers' use / (1 − share).
		loss, name := 1/(1-0.08), "v"
		if serial == "DEMO-HO1" {
			loss, name = 1/(1-0.12), "e"
		}
		reg := float64(demoStartRegister(serial))
		for i, t := 0, start; i < steps; i, t = i+1, t.Add(15*time.Minute) {
			reg += f[i] * loss
			batch = append(batch, Input{Device: serial, Channel: name, At: t, Value: math.Round(reg*1000) / 1000})
		}
	}
	return total, flush()
}

// demoStartRegister is a demo meter's register at its first reading and
// at its installation: a few hundred for the buildings' meters, a few
// thousand for the zone inlets and the boiler house's outlet.
func demoStartRegister(serial string) int {
	h := fnv.New32a()
	h.Write([]byte(serial))
	if strings.HasPrefix(serial, "DEMO-WI") || strings.HasPrefix(serial, "DEMO-HO") {
		return 5000 + int(h.Sum32()%5000)
	}
	return 100 + int(h.Sum32()%900)
}

// demoIndex is the building number in a demo meter's serial ("DEMO-WM07" → 7).
func demoIndex(serial string) int {
	n := 0
	for _, r := range serial[len(serial)-2:] {
		n = n*10 + int(r-'0')
	}
	return n
}
