package metering

import (
	"time"
)

// Resource is what a network carries.
type Resource string

// The resources a municipality meters.
const (
	Water Resource = "water"
	Heat  Resource = "heat"
	Power Resource = "power"
	Gas   Resource = "gas"
	// Traffic is road traffic: a point is a detector's place on a road,
	// its channels are per lane (intensity, occupancy, speed). Transport
	// reads them for congestion per road segment.
	Traffic Resource = "traffic"
)

// Resources lists every resource in display order.
func Resources() []Resource { return []Resource{Water, Heat, Power, Gas, Traffic} }

// Network is one municipality's network of one resource.
type Network struct {
	ID        string
	TenantID  string
	Code      string
	Resource  Resource
	Name      string
	CreatedAt time.Time
}

// Object kinds: the places points sit in.
const (
	ObjectBuilding       = "building"
	ObjectPumpingStation = "pumping_station"
	ObjectSubstation     = "substation"
	ObjectBoilerHouse    = "boiler_house"
	ObjectHeatPoint      = "heat_point"
	ObjectOther          = "other"
)

// ObjectKinds lists the valid object kinds.
func ObjectKinds() []string {
	return []string{ObjectBuilding, ObjectPumpingStation, ObjectSubstation, ObjectBoilerHouse, ObjectHeatPoint, ObjectOther}
}

// Object is a building or a facility with a location.
type Object struct {
	ID        string
	TenantID  string
	Code      string
	Kind      string
	Name      string
	Address   string
	Lat, Lon  *float64
	CreatedAt time.Time
}

// Zone kinds.
const (
	ZoneDMA         = "dma" // district metered area (water)
	ZoneFeeder      = "feeder"
	ZoneHeatCircuit = "heat_circuit"
	ZoneGas         = "gas_zone"
)

// ZoneKinds lists the valid zone kinds.
func ZoneKinds() []string { return []string{ZoneDMA, ZoneFeeder, ZoneHeatCircuit, ZoneGas} }

// Zone is a balance area of one network, defined by its signed points.
type Zone struct {
	ID        string
	TenantID  string
	NetworkID string
	Code      string
	Kind      string
	Name      string
	Points    []ZonePoint
	CreatedAt time.Time
}

// ZonePoint is a point's sign in a zone's balance: +1 flows in, −1 flows
// out, 0 a consumer inside the zone.
type ZonePoint struct {
	PointID string
	Sign    int
}

// Point roles: how a point counts in its network's balance.
const (
	RoleBoundary = "boundary"
	RoleConsumer = "consumer"
	RoleInternal = "internal"
)

// PointRoles lists the valid point roles.
func PointRoles() []string { return []string{RoleBoundary, RoleConsumer, RoleInternal} }

// Point is a metering point: the logical place something is measured,
// stable across meter swaps. ResidentAccountID, when set, is the resident
// who may submit readings for it (an apartment meter).
type Point struct {
	ID                string
	TenantID          string
	NetworkID         string
	ObjectID          string // "" when the point is not in an object
	Code              string
	Name              string
	Role              string
	Apartment         string
	ResidentAccountID string
	CreatedAt         time.Time
}

// Device is a physical meter.
type Device struct {
	ID                string
	TenantID          string
	Serial            string
	Model             string
	Firmware          string
	CalibratedAt      *time.Time // last поверка
	CalibrationMonths int        // interval between поверки
	Seal              string
	Interval          time.Duration // expected reporting interval, 0 unknown
	HasToken          bool          // a secret is set for MQTT and HTTP
	CreatedAt         time.Time
}

// CalibrationDue is when the next поверка is due, or zero when unknown.
func (d Device) CalibrationDue() time.Time {
	if d.CalibratedAt == nil || d.CalibrationMonths <= 0 {
		return time.Time{}
	}
	return d.CalibratedAt.AddDate(0, d.CalibrationMonths, 0)
}

// Installation is a device on a point from From until To (nil: still
// installed), with the register values read at both ends.
type Installation struct {
	ID            string
	TenantID      string
	DeviceID      string
	PointID       string
	From          time.Time
	To            *time.Time
	StartRegister float64
	EndRegister   *float64
	CreatedAt     time.Time
}

// Covers reports whether the device was installed at t.
func (in Installation) Covers(t time.Time) bool {
	return !t.Before(in.From) && (in.To == nil || t.Before(*in.To))
}

// ChannelKind says how a channel's values are to be read.
type ChannelKind string

// The channel kinds.
const (
	Cumulative    ChannelKind = "cumulative"    // a register that only grows (until rollover)
	IntervalValue ChannelKind = "interval"      // the amount over the interval ending at ts
	Instantaneous ChannelKind = "instantaneous" // a rate or a level at ts (flow, pressure, temperature)
	State         ChannelKind = "state"         // a discrete state (valve open, tamper)
)

// ChannelKinds lists the valid channel kinds.
func ChannelKinds() []ChannelKind {
	return []ChannelKind{Cumulative, IntervalValue, Instantaneous, State}
}

// Directions of a channel.
const (
	Forward = "forward"
	Reverse = "reverse"
)

// Channel is one register of a device, addressed by its SenML name. Its
// ID is an integer because every reading repeats it.
type Channel struct {
	ID         int64
	TenantID   string
	DeviceID   string
	Name       string
	Quantity   string
	Unit       string
	Kind       ChannelKind
	Multiplier float64
	Digits     int // register digits: a cumulative register rolls over at 10^Digits
	Direction  string
	CreatedAt  time.Time
}
