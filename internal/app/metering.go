package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/tz"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
)

// buildMetering makes the metering service over the territory tree.
func (a *App) buildMetering() *metering.Service {
	return metering.New(metering.Deps{DB: a.DB, Audit: a.Audit, Places: meteringPlaces{a.Territory}, Log: a.Log,
		Metrics: metering.NewMetrics(a.Registry)})
}

// meteringPlaces adapts the territory domain to metering.Places.
type meteringPlaces struct{ t *territory.Service }

func meteringMuni(n territory.Node, err error) (metering.Municipality, error) {
	if err != nil {
		return metering.Municipality{}, err
	}
	if !n.Municipal() {
		return metering.Municipality{}, territory.ErrNotFound
	}
	return metering.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, OKTMO: n.OKTMO, Name: n.NameRU, NameEN: n.NameEN,
		TimeZone: n.TimeZone}, nil
}

// Municipality returns one municipal formation.
func (p meteringPlaces) Municipality(ctx context.Context, id string) (metering.Municipality, error) {
	return meteringMuni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p meteringPlaces) MunicipalityBySlug(ctx context.Context, slug string) (metering.Municipality, error) {
	return meteringMuni(p.t.NodeBySlug(ctx, slug))
}

// MunicipalityByOKTMO returns the municipal formation with an OKTMO code.
func (p meteringPlaces) MunicipalityByOKTMO(ctx context.Context, code string) (metering.Municipality, error) {
	return meteringMuni(p.t.NodeByOKTMO(ctx, code))
}

// startMQTT takes meter uplinks while muni serves: from the external
// broker at MUNI_MQTT_URL when set, else from the broker embedded at
// MUNI_MQTT_LISTEN unless that is "off". stop ends it.
func (a *App) startMQTT(ctx context.Context) (stop func(), err error) {
	switch {
	case a.Cfg.MQTTURL != "":
		host, _ := os.Hostname()
		sub, err := a.Metering.Subscribe(ctx, metering.SubscribeOptions{URL: a.Cfg.MQTTURL, ClientID: "muni-" + host + "-" + fmt.Sprint(os.Getpid())})
		if err != nil {
			return nil, err
		}
		a.Log.Info("metering: taking uplinks from an external MQTT broker", "topic", metering.TopicFilter)
		stopVehicles, err := a.subscribeVehicles(ctx)
		if err != nil {
			sub.Close()
			return nil, err
		}
		return func() {
			stopVehicles()
			if err := sub.Close(); err != nil {
				a.Log.Warn("metering: MQTT disconnect", "err", err)
			}
		}, nil
	case strings.EqualFold(a.Cfg.MQTTListen, "off") || a.Cfg.MQTTListen == "":
		return func() {}, nil
	}
	b, err := a.Metering.StartBroker(a.Cfg.MQTTListen, a.TransportRealm())
	if err != nil {
		return nil, err
	}
	a.Log.Info("metering: MQTT broker for meters and vehicles", "addr", b.Addr(), "topic", metering.TopicFilter, "vehicles", transport.VehicleTopicFilter)
	return func() {
		if err := b.Close(); err != nil {
			a.Log.Warn("metering: MQTT broker close", "err", err)
		}
	}, nil
}

// demoMetering is the demo step that gives the main demo municipality a
// water and a heat network with meters and two days of readings.
func demoMetering(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	in := metering.DemoInput{MunicipalityID: td.Main.ID, Now: time.Now()}
	if c := td.Main.Center; c != nil {
		in.Lat, in.Lon = c.Lat, c.Lon
	}
	res, err := metering.SeedDemo(AsSystem(ctx), a.Metering, systemActor, in)
	if err != nil {
		return err
	}
	if res.Existed {
		return nil
	}
	w.Notes = append(w.Notes, fmt.Sprintf("metering: water and heat networks, %d objects, %d points, %d meters (%d channels), %d readings",
		res.Objects, res.Points, res.Devices, res.Channels, res.Readings))
	// Planned works residents can find on the public outage map: cold water
	// off in the centre's zone tomorrow, 09:00–17:00 local time.
	loc := time.UTC
	if l, err := tz.Load(td.Main.TimeZone); err == nil {
		loc = l
	}
	y, m, d := time.Now().In(loc).AddDate(0, 0, 1).Date()
	if _, err := a.watch().PlanOutage(AsSystem(ctx), systemActor, td.Main.ID, metering.PlannedInput{
		Service: metering.ServiceColdWater, Zone: "DEMO-DMA1", Reason: "Замена задвижки на водоводе по ул. Ленина",
		Starts: time.Date(y, m, d, 9, 0, 0, 0, loc), Ends: time.Date(y, m, d, 17, 0, 0, 0, loc)}); err != nil {
		return fmt.Errorf("planned outage: %w", err)
	}
	w.Notes = append(w.Notes, "metering: planned cold-water works in zone DEMO-DMA1 tomorrow 09:00–17:00")
	return nil
}
