package metering

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// The registry inputs refer to each other by the municipality's codes
// (network, object, zone and point codes, device serials), as CSV files do.

// NetworkInput describes a network.
type NetworkInput struct{ Code, Resource, Name string }

// ObjectInput describes an object.
type ObjectInput struct {
	Code, Kind, Name, Address string
	Lat, Lon                  *float64
}

// ZoneInput describes a zone of a network.
type ZoneInput struct{ Code, Network, Kind, Name string }

// ZonePointInput puts a point in a zone with a sign (+1 in, −1 out, 0 consumer).
type ZonePointInput struct {
	Zone, Point string
	Sign        int
}

// PointInput describes a metering point.
type PointInput struct {
	Code, Network, Object, Name, Role, Apartment, ResidentAccountID string
}

// DeviceInput describes a device.
type DeviceInput struct {
	Serial, Model, Firmware, Seal string
	CalibratedAt                  *time.Time
	CalibrationMonths             int
	Interval                      time.Duration
}

// InstallationInput puts a device on a point.
type InstallationInput struct {
	Device, Point string
	From          time.Time
	To            *time.Time
	StartRegister float64
	EndRegister   *float64
}

// ChannelInput describes a register of a device.
type ChannelInput struct {
	Device, Name, Quantity, Unit, Kind, Direction string
	Multiplier                                    float64
	Digits                                        int
}

// codeOK accepts the codes a municipality gives its rows: 1–64 printable
// characters without spaces or commas.
func codeOK(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsAny(s, " ,;\t\r\n\"/+#")
}

func textOK(s string, max int) bool { return strings.TrimSpace(s) != "" && len(s) <= max }

// fields collects one message key per offending field.
type fields map[string]string

func (f fields) check(ok bool, field, key string) {
	if !ok {
		if _, seen := f[field]; !seen {
			f[field] = key
		}
	}
}

func (f fields) err(typ string) error {
	if len(f) == 0 {
		return nil
	}
	return invalid(typ, f)
}

// ref resolves a code to an id, as a field error when it is unknown.
func (s *Service) ref(ctx context.Context, f fields, table, col, tenant, code, field string) string {
	if code == "" {
		f.check(false, field, "metering.error.required")
		return ""
	}
	id, err := s.st.idByCode(ctx, table, col, tenant, code)
	if err != nil {
		f.check(false, field, "metering.error.unknown_ref")
	}
	return id
}

// addNetwork validates and inserts a network in the transaction in ctx.
func (s *Service) addNetwork(ctx context.Context, tenant string, in NetworkInput) (string, error) {
	f := fields{}
	f.check(codeOK(in.Code), "code", "metering.error.code")
	f.check(slices.Contains(Resources(), Resource(in.Resource)), "resource", "metering.error.resource")
	f.check(textOK(in.Name, 200), "name", "metering.error.name")
	if err := f.err("metering-network-invalid"); err != nil {
		return "", err
	}
	n := Network{ID: db.NewID(), TenantID: tenant, Code: in.Code, Resource: Resource(in.Resource), Name: strings.TrimSpace(in.Name), CreatedAt: s.now().UTC()}
	if err := s.st.insertNetwork(ctx, n); err != nil {
		return "", conflictOr(err, "code")
	}
	return n.ID, s.record(ctx, "network.create", "metering_network", n.ID, tenant, map[string]any{"code": n.Code, "resource": in.Resource})
}

func validCoord(v *float64, lim float64) bool {
	return v == nil || (!math.IsNaN(*v) && math.Abs(*v) <= lim)
}

func (s *Service) addObject(ctx context.Context, tenant string, in ObjectInput) (string, error) {
	f := fields{}
	f.check(codeOK(in.Code), "code", "metering.error.code")
	f.check(slices.Contains(ObjectKinds(), in.Kind), "kind", "metering.error.object_kind")
	f.check(textOK(in.Name, 200), "name", "metering.error.name")
	f.check(len(in.Address) <= 300, "address", "metering.error.address")
	f.check(validCoord(in.Lat, 90) && validCoord(in.Lon, 180) && (in.Lat == nil) == (in.Lon == nil), "lat", "metering.error.coordinates")
	if err := f.err("metering-object-invalid"); err != nil {
		return "", err
	}
	o := Object{ID: db.NewID(), TenantID: tenant, Code: in.Code, Kind: in.Kind, Name: strings.TrimSpace(in.Name),
		Address: strings.TrimSpace(in.Address), Lat: in.Lat, Lon: in.Lon, CreatedAt: s.now().UTC()}
	if err := s.st.insertObject(ctx, o); err != nil {
		return "", conflictOr(err, "code")
	}
	return o.ID, s.record(ctx, "object.create", "metering_object", o.ID, tenant, map[string]any{"code": o.Code, "kind": o.Kind})
}

func (s *Service) addZone(ctx context.Context, tenant string, in ZoneInput) (string, error) {
	f := fields{}
	f.check(codeOK(in.Code), "code", "metering.error.code")
	f.check(slices.Contains(ZoneKinds(), in.Kind), "kind", "metering.error.zone_kind")
	f.check(textOK(in.Name, 200), "name", "metering.error.name")
	network := s.ref(ctx, f, "metering_networks", "code", tenant, in.Network, "network")
	if err := f.err("metering-zone-invalid"); err != nil {
		return "", err
	}
	z := Zone{ID: db.NewID(), TenantID: tenant, NetworkID: network, Code: in.Code, Kind: in.Kind, Name: strings.TrimSpace(in.Name), CreatedAt: s.now().UTC()}
	if err := s.st.insertZone(ctx, z); err != nil {
		return "", conflictOr(err, "code")
	}
	return z.ID, s.record(ctx, "zone.create", "metering_zone", z.ID, tenant, map[string]any{"code": z.Code, "network": in.Network})
}

func (s *Service) addZonePoint(ctx context.Context, tenant string, in ZonePointInput) error {
	f := fields{}
	f.check(in.Sign >= -1 && in.Sign <= 1, "sign", "metering.error.sign")
	zone := s.ref(ctx, f, "metering_zones", "code", tenant, in.Zone, "zone")
	point := s.ref(ctx, f, "metering_points", "code", tenant, in.Point, "point")
	if err := f.err("metering-zone-point-invalid"); err != nil {
		return err
	}
	if err := s.st.upsertZonePoint(ctx, zone, ZonePoint{PointID: point, Sign: in.Sign}); err != nil {
		return err
	}
	return s.record(ctx, "zone.point", "metering_zone", zone, tenant, map[string]any{"point": in.Point, "sign": in.Sign})
}

func (s *Service) addPoint(ctx context.Context, tenant string, in PointInput) (string, error) {
	f := fields{}
	f.check(codeOK(in.Code), "code", "metering.error.code")
	f.check(textOK(in.Name, 200), "name", "metering.error.name")
	f.check(slices.Contains(PointRoles(), in.Role), "role", "metering.error.role")
	f.check(len(in.Apartment) <= 20, "apartment", "metering.error.apartment")
	f.check(len(in.ResidentAccountID) <= 64, "resident_account_id", "metering.error.resident")
	network := s.ref(ctx, f, "metering_networks", "code", tenant, in.Network, "network")
	object := ""
	if in.Object != "" {
		object = s.ref(ctx, f, "metering_objects", "code", tenant, in.Object, "object")
	}
	if err := f.err("metering-point-invalid"); err != nil {
		return "", err
	}
	p := Point{ID: db.NewID(), TenantID: tenant, NetworkID: network, ObjectID: object, Code: in.Code, Name: strings.TrimSpace(in.Name),
		Role: in.Role, Apartment: in.Apartment, ResidentAccountID: in.ResidentAccountID, CreatedAt: s.now().UTC()}
	if err := s.st.insertPoint(ctx, p); err != nil {
		return "", conflictOr(err, "code")
	}
	return p.ID, s.record(ctx, "point.create", "metering_point", p.ID, tenant, map[string]any{"code": p.Code, "network": in.Network, "role": p.Role})
}

func (s *Service) addDevice(ctx context.Context, tenant string, in DeviceInput) (string, error) {
	f := fields{}
	f.check(codeOK(in.Serial), "serial", "metering.error.code")
	f.check(len(in.Model) <= 100 && len(in.Firmware) <= 50 && len(in.Seal) <= 50, "model", "metering.error.too_long")
	f.check(in.CalibrationMonths >= 0 && in.CalibrationMonths <= 240, "calibration_months", "metering.error.calibration")
	f.check(in.Interval >= 0 && in.Interval <= 31*24*time.Hour, "interval_s", "metering.error.interval")
	if err := f.err("metering-device-invalid"); err != nil {
		return "", err
	}
	d := Device{ID: db.NewID(), TenantID: tenant, Serial: in.Serial, Model: in.Model, Firmware: in.Firmware, CalibratedAt: in.CalibratedAt,
		CalibrationMonths: in.CalibrationMonths, Seal: in.Seal, Interval: in.Interval, CreatedAt: s.now().UTC()}
	if err := s.st.insertDevice(ctx, d); err != nil {
		return "", conflictOr(err, "serial")
	}
	return d.ID, s.record(ctx, "device.create", "metering_device", d.ID, tenant, map[string]any{"serial": d.Serial, "model": d.Model})
}

func (s *Service) addInstallation(ctx context.Context, tenant string, in InstallationInput) (string, error) {
	f := fields{}
	f.check(!in.From.IsZero(), "from", "metering.error.required")
	f.check(in.To == nil || in.To.After(in.From), "to", "metering.error.period")
	f.check(!math.IsNaN(in.StartRegister) && !math.IsInf(in.StartRegister, 0), "start_register", "metering.error.number")
	device := s.ref(ctx, f, "metering_devices", "serial", tenant, in.Device, "device")
	point := s.ref(ctx, f, "metering_points", "code", tenant, in.Point, "point")
	if len(f) == 0 {
		overlap, err := s.st.installedOverlap(ctx, device, point, in.From, in.To)
		if err != nil {
			return "", err
		}
		f.check(!overlap, "from", "metering.error.installed")
	}
	if err := f.err("metering-installation-invalid"); err != nil {
		return "", err
	}
	inst := Installation{ID: db.NewID(), TenantID: tenant, DeviceID: device, PointID: point, From: in.From.UTC(), To: in.To,
		StartRegister: in.StartRegister, EndRegister: in.EndRegister, CreatedAt: s.now().UTC()}
	if err := s.st.insertInstallation(ctx, inst); err != nil {
		return "", err
	}
	db.AfterCommit(ctx, s.chans.reset)
	return inst.ID, s.record(ctx, "installation.create", "metering_installation", inst.ID, tenant, map[string]any{"device": in.Device, "point": in.Point})
}

func (s *Service) addChannel(ctx context.Context, tenant string, in ChannelInput) (int64, error) {
	if in.Multiplier == 0 {
		in.Multiplier = 1
	}
	if in.Direction == "" {
		in.Direction = Forward
	}
	f := fields{}
	f.check(codeOK(in.Name), "name", "metering.error.code")
	f.check(textOK(in.Quantity, 40), "quantity", "metering.error.quantity")
	f.check(textOK(in.Unit, 20), "unit", "metering.error.unit")
	f.check(slices.Contains(ChannelKinds(), ChannelKind(in.Kind)), "kind", "metering.error.channel_kind")
	f.check(in.Multiplier > 0 && !math.IsInf(in.Multiplier, 0), "multiplier", "metering.error.multiplier")
	f.check(in.Digits >= 0 && in.Digits <= 15, "digits", "metering.error.digits")
	f.check(in.Direction == Forward || in.Direction == Reverse, "direction", "metering.error.direction")
	device := s.ref(ctx, f, "metering_devices", "serial", tenant, in.Device, "device")
	if err := f.err("metering-channel-invalid"); err != nil {
		return 0, err
	}
	c := Channel{TenantID: tenant, DeviceID: device, Name: in.Name, Quantity: in.Quantity, Unit: in.Unit, Kind: ChannelKind(in.Kind),
		Multiplier: in.Multiplier, Digits: in.Digits, Direction: in.Direction, CreatedAt: s.now().UTC()}
	id, err := s.st.insertChannel(ctx, c)
	if err != nil {
		return 0, conflictOr(err, "name")
	}
	db.AfterCommit(ctx, s.chans.reset)
	return id, s.record(ctx, "channel.create", "metering_channel", itoa(id), tenant, map[string]any{"device": in.Device, "name": in.Name})
}

// conflictOr turns a unique violation into a field error on field.
func conflictOr(err error, field string) error {
	if errors.Is(err, errDuplicate) || db.IsUnique(err) {
		return invalid("metering-duplicate", map[string]string{field: "metering.error.duplicate"})
	}
	return err
}

// inRegistry runs fn for an administrator of the municipality in one
// transaction.
func (s *Service) inRegistry(ctx context.Context, a *auth.Actor, muniID string, fn func(ctx context.Context, tenant string) error) error {
	m, err := s.municipality(ctx, a, muniID, auth.RoleMunicipalAdmin)
	if err != nil {
		return err
	}
	return s.db.InTx(auth.With(ctx, a), func(ctx context.Context) error { return fn(ctx, m.ID) })
}

// CreateNetwork adds a network to a municipality's registry.
func (s *Service) CreateNetwork(ctx context.Context, a *auth.Actor, muniID string, in NetworkInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addNetwork(ctx, t, in); return err })
	return id, err
}

// CreateObject adds an object.
func (s *Service) CreateObject(ctx context.Context, a *auth.Actor, muniID string, in ObjectInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addObject(ctx, t, in); return err })
	return id, err
}

// CreateZone adds a zone.
func (s *Service) CreateZone(ctx context.Context, a *auth.Actor, muniID string, in ZoneInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addZone(ctx, t, in); return err })
	return id, err
}

// SetZonePoint puts a point in a zone with its sign, or changes the sign.
func (s *Service) SetZonePoint(ctx context.Context, a *auth.Actor, muniID string, in ZonePointInput) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { return s.addZonePoint(ctx, t, in) })
}

// CreatePoint adds a metering point.
func (s *Service) CreatePoint(ctx context.Context, a *auth.Actor, muniID string, in PointInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addPoint(ctx, t, in); return err })
	return id, err
}

// CreateDevice adds a device.
func (s *Service) CreateDevice(ctx context.Context, a *auth.Actor, muniID string, in DeviceInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addDevice(ctx, t, in); return err })
	return id, err
}

// Install puts a device on a point.
func (s *Service) Install(ctx context.Context, a *auth.Actor, muniID string, in InstallationInput) (id string, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addInstallation(ctx, t, in); return err })
	return id, err
}

// CreateChannel adds a register to a device.
func (s *Service) CreateChannel(ctx context.Context, a *auth.Actor, muniID string, in ChannelInput) (id int64, err error) {
	err = s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error { id, err = s.addChannel(ctx, t, in); return err })
	return id, err
}
