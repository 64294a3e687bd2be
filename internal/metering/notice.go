package metering

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Services a resident receives, the units of the interruption ledger.
const (
	ServiceHeating   = "heating"
	ServiceHotWater  = "hot_water"
	ServiceColdWater = "cold_water"
	ServicePower     = "power"
	ServiceGas       = "gas"
)

// ServiceNames lists the services in display order.
func ServiceNames() []string {
	return []string{ServiceHeating, ServiceHotWater, ServiceColdWater, ServicePower, ServiceGas}
}

// serviceOf is the service residents lose when a network of the
// resource fails.
func serviceOf(r Resource) string {
	switch r {
	case Heat:
		return ServiceHeating
	case Power:
		return ServicePower
	case Gas:
		return ServiceGas
	}
	return ServiceColdWater
}

// Outage is a public outage notice.
type Outage struct {
	ID        string     `json:"id"`
	TenantID  string     `json:"-"`
	Service   string     `json:"service"`
	ZoneID    string     `json:"-"`
	ZoneName  string     `json:"zone,omitempty"`
	Planned   bool       `json:"planned"`
	Reason    string     `json:"reason,omitempty"`
	Addresses []string   `json:"addresses"`
	Starts    time.Time  `json:"starts"`
	Ends      *time.Time `json:"ends,omitempty"`  // announced end
	Ended     *time.Time `json:"ended,omitempty"` // actual end
	AlarmID   string     `json:"-"`
	Objects   []MapPoint `json:"objects,omitempty"`
}

// Active reports whether the outage is on at t.
func (o Outage) Active(t time.Time) bool {
	if t.Before(o.Starts) {
		return false
	}
	return o.Ended == nil || t.Before(*o.Ended)
}

// MapPoint is a building on a public map: no people, only the place.
type MapPoint struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Address string  `json:"address"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
}

// PlannedInput is an official's announcement of planned works.
type PlannedInput struct {
	Service string
	Zone    string   // zone code: every building with a point in it
	Objects []string // and/or object codes
	Reason  string
	Starts  time.Time
	Ends    time.Time
}

// PlanOutage announces planned works: a public notice for the buildings
// of the zone and the objects named, and their interruptions in the
// ledger from Starts to Ends (moved by EndOutage if the works end at
// another time).
func (w *Watch) PlanOutage(ctx context.Context, a *auth.Actor, muniID string, in PlannedInput) (string, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return "", err
	}
	f := fields{}
	f.check(slices.Contains(ServiceNames(), in.Service), "service", "metering.error.service")
	f.check(textOK(in.Reason, 500), "reason", "metering.error.reason")
	f.check(!in.Starts.IsZero(), "starts", "metering.error.starts")
	f.check(!in.Ends.IsZero() && in.Ends.After(in.Starts), "ends", "metering.error.ends")
	f.check(in.Zone != "" || len(in.Objects) > 0, "zone", "metering.error.outage_place")
	var id string
	err = w.db.InTx(auth.With(ctx, a), func(ctx context.Context) error {
		zoneID := ""
		if in.Zone != "" {
			zoneID = w.svc.ref(ctx, f, "metering_zones", "code", m.ID, in.Zone, "zone")
		}
		var objects []string
		for _, code := range in.Objects {
			if oid := w.svc.ref(ctx, f, "metering_objects", "code", m.ID, strings.TrimSpace(code), "objects"); oid != "" {
				objects = append(objects, oid)
			}
		}
		if len(f) > 0 {
			return invalid("outage", f)
		}
		ends := in.Ends.UTC()
		o := Outage{ID: db.NewID(), TenantID: m.ID, Service: in.Service, ZoneID: zoneID, Planned: true,
			Reason: strings.TrimSpace(in.Reason), Starts: in.Starts.UTC(), Ends: &ends}
		id = o.ID
		return w.openOutage(ctx, o, objects, a.ID)
	})
	return id, err
}

// openOutage stores a notice and one ledger row per affected building:
// the objects given and the buildings with a point in its zone.
func (w *Watch) openOutage(ctx context.Context, o Outage, objects []string, by string) error {
	if o.ZoneID != "" {
		zs, err := w.st.zoneBuildings(ctx, o.ZoneID)
		if err != nil {
			return err
		}
		objects = append(objects, zs...)
	}
	slices.Sort(objects)
	objects = slices.Compact(objects)
	addrs, err := w.st.addresses(ctx, objects)
	if err != nil {
		return err
	}
	o.Addresses = addrs
	if err := w.st.insertOutage(ctx, o, by, w.now()); err != nil {
		return err
	}
	for _, obj := range objects {
		if err := w.st.insertInterruption(ctx, o, obj); err != nil {
			return err
		}
	}
	return w.svc.record(ctx, "outage.open", "outage", o.ID, o.TenantID,
		map[string]any{"service": o.Service, "planned": o.Planned, "zone": o.ZoneID, "buildings": len(objects)})
}

// EndOutage records when an outage actually ended; its interruptions
// end then too.
func (w *Watch) EndOutage(ctx context.Context, a *auth.Actor, muniID, id string, at time.Time) error {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return err
	}
	return w.db.InTx(auth.With(ctx, a), func(ctx context.Context) error {
		o, err := w.st.outage(ctx, m.ID, id)
		if err != nil {
			return err
		}
		if o.Ended != nil || !at.After(o.Starts) {
			return invalid("outage-end", map[string]string{"ended": "metering.error.ended"})
		}
		return w.endOutage(ctx, o, at)
	})
}

func (w *Watch) endOutage(ctx context.Context, o Outage, at time.Time) error {
	if err := w.st.endOutage(ctx, o.ID, at); err != nil {
		return err
	}
	return w.svc.record(ctx, "outage.end", "outage", o.ID, o.TenantID, map[string]any{"ended_ms": db.Millis(at)})
}

// Outages lists a municipality's outage notices that are on at any time
// in [from, to), for everyone: places and times, never people.
func (w *Watch) Outages(ctx context.Context, muniID string, from, to time.Time) ([]Outage, error) {
	m, err := w.svc.places.Municipality(ctx, muniID)
	if err != nil {
		return nil, err
	}
	return w.st.outages(ctx, m.ID, db.Millis(from), db.Millis(to))
}
