package metering

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// Registry is one municipality's registry as officials browse it.
type Registry struct {
	Muni     Municipality
	Networks []Network
	Zones    []ZoneRow
	Objects  int
	// ObjectList is the active objects; Retired the retired entries of
	// every kind, whose pages and history stay.
	ObjectList []ObjectRow
	Retired    []RetiredEntry
	Points     []PointRow
	Devices    []DeviceRow
	Admin      bool // the actor may change the registry (import)
	Limit      int  // lists stop at this many rows
}

// Registry returns a municipality's registry to its officials.
func (s *Service) Registry(ctx context.Context, a *auth.Actor, muniID string) (Registry, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Registry{}, err
	}
	now := s.now().UnixMilli()
	r := Registry{Muni: m, Admin: a.Can(auth.RoleMunicipalAdmin, m.Path), Limit: listLimit}
	if r.Networks, err = s.st.networks(ctx, m.ID); err != nil {
		return r, wrap("registry", err)
	}
	if r.Zones, err = s.st.zones(ctx, m.ID); err != nil {
		return r, wrap("registry", err)
	}
	if r.Objects, err = s.st.countObjects(ctx, m.ID); err != nil {
		return r, wrap("registry", err)
	}
	if r.ObjectList, err = s.st.objects(ctx, m.ID); err != nil {
		return r, wrap("registry", err)
	}
	if r.Retired, err = s.st.retired(ctx, m.ID); err != nil {
		return r, wrap("registry", err)
	}
	if r.Points, err = s.st.pointRows(ctx, m.ID, "", now); err != nil {
		return r, wrap("registry", err)
	}
	if r.Devices, err = s.st.deviceRows(ctx, m.ID, now); err != nil {
		return r, wrap("registry", err)
	}
	return r, nil
}

// PointView is one metering point with its devices, their channels and
// last readings.
type PointView struct {
	Muni     Municipality
	Point    Point
	Channels []InstalledChannel
}

// Current is the channels of the device installed now, the ones a new
// reading can be entered for.
func (v PointView) Current(now time.Time) []InstalledChannel {
	var out []InstalledChannel
	for _, c := range v.Channels {
		if c.Installation.Covers(now) {
			out = append(out, c)
		}
	}
	return out
}

// PointByCode returns a point of a municipality to its officials.
func (s *Service) PointByCode(ctx context.Context, a *auth.Actor, muniID, code string) (PointView, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return PointView{}, err
	}
	p, err := s.st.point(ctx, m.ID, code)
	if err != nil {
		return PointView{}, err
	}
	chans, err := s.st.installedChannels(ctx, p.ID, 10)
	return PointView{Muni: m, Point: p, Channels: chans}, wrap("point", err)
}

// MyPoints are the points a resident may submit readings for, with their
// current channels and last readings.
func (s *Service) MyPoints(ctx context.Context, a *auth.Actor) ([]PointView, error) {
	if a.Kind != auth.User {
		return nil, ErrUnauthorized
	}
	rows, err := s.st.pointRows(ctx, "", a.ID, s.now().UnixMilli())
	if err != nil {
		return nil, wrap("my points", err)
	}
	out := make([]PointView, 0, len(rows))
	for _, r := range rows {
		m, err := s.places.Municipality(ctx, r.TenantID)
		if err != nil {
			return nil, err
		}
		chans, err := s.st.installedChannels(ctx, r.ID, 3)
		if err != nil {
			return nil, wrap("my points", err)
		}
		out = append(out, PointView{Muni: m, Point: r.Point, Channels: chans})
	}
	return out, nil
}

// Municipalities lists the municipalities whose registry the actor may
// browse: those of its grants and, for grants above a municipality,
// those under it that have a registry.
func (s *Service) Municipalities(ctx context.Context, a *auth.Actor) ([]Municipality, error) {
	seen := map[string]bool{}
	var out []Municipality
	add := func(id string) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		m, err := s.places.Municipality(ctx, id)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.Can(auth.RoleOperator, m.Path) {
			out = append(out, m)
		}
		return nil
	}
	for _, g := range a.Grants {
		if g.Role >= auth.RoleOperator {
			if err := add(g.ScopeID); err != nil {
				return nil, err
			}
		}
	}
	if !a.Staff() {
		return out, nil
	}
	tenants, err := s.st.meteredTenants(ctx)
	if err != nil {
		return nil, wrap("municipalities", err)
	}
	for _, t := range tenants {
		if err := add(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
