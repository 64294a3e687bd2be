package appeals

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// District is a part of a municipality that items are routed by: a child
// of the municipality in the territory tree, with its boundary.
type District struct {
	ID       string
	Name     string
	NameEN   string
	Boundary json.RawMessage // GeoJSON Polygon or MultiPolygon; empty when unknown
}

// Title is the district's name in lang, Russian when English is missing.
func (d District) Title(lang string) string {
	return i18n.Pick(lang, d.Name, d.NameEN)
}

// Districts is what Places may also do: list a municipality's districts
// with their boundaries. Without it no item is routed by location.
type Districts interface {
	Districts(ctx context.Context, municipalityID string) ([]District, error)
}

// BoundaryMargin is how close to a district's boundary a point may lie,
// in metres, before the district it is in counts as uncertain: a pin is
// rarely better than that, and two departments must not each think the
// other one has it.
const BoundaryMargin = 30.0

// Why an item went to triage.
const (
	TriageNearBoundary = "near_boundary" // within BoundaryMargin of a district boundary
	TriageOutside      = "outside"       // in no district
	TriageNoLocation   = "no_location"   // an address only, where the category routes by district
	TriageNoRule       = "no_rule"       // the routing table has no department for it
)

// metresPerDegree is the length of a degree of latitude on the mean
// Earth sphere (R = 6,371,008.8 m).
const metresPerDegree = 6371008.8 * math.Pi / 180

// project maps lon/lat to metres on a plane tangent at origin
// (equirectangular, scaled by the cosine of origin's latitude). It is an
// affine map, so containment is unchanged, and near origin — where the
// boundary margin is measured — distances are right to well under a
// metre at any latitude; at 60° N a degree of longitude is half a degree
// of latitude, which a distance in raw degrees would get wrong by half.
type projection struct{ lon0, lat0, kx float64 }

func newProjection(p Point) projection {
	return projection{lon0: p.Lon, lat0: p.Lat, kx: math.Cos(p.Lat*math.Pi/180) * metresPerDegree}
}

func (pr projection) point(q orb.Point) orb.Point {
	dLon := q[0] - pr.lon0
	if dLon > 180 { // across the antimeridian (Chukotka)
		dLon -= 360
	} else if dLon < -180 {
		dLon += 360
	}
	return orb.Point{dLon * pr.kx, (q[1] - pr.lat0) * metresPerDegree}
}

func (pr projection) ring(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, q := range r {
		out[i] = pr.point(q)
	}
	return out
}

func (pr projection) polygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = pr.ring(r)
	}
	return out
}

// shape reads a district's boundary; ok is false for none or an
// unreadable one.
func shape(raw json.RawMessage) (orb.MultiPolygon, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, false
	}
	switch v := g.Coordinates.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}, true
	case orb.MultiPolygon:
		return v, true
	}
	return nil, false
}

// Locate finds the district p lies in. It is certain only when p is
// inside exactly one district and farther than BoundaryMargin from every
// district's boundary; otherwise it returns the triage reason.
func Locate(p Point, ds []District) (districtID, reason string) {
	pr := newProjection(p)
	origin := orb.Point{0, 0}
	var in []string
	for _, d := range ds {
		mp, ok := shape(d.Boundary)
		if !ok {
			continue
		}
		for _, poly := range mp {
			pp := pr.polygon(poly)
			if planar.DistanceFrom(pp, origin) <= BoundaryMargin {
				return "", TriageNearBoundary
			}
			if planar.PolygonContains(pp, origin) && !slices.Contains(in, d.ID) {
				in = append(in, d.ID)
			}
		}
	}
	switch len(in) {
	case 1:
		return in[0], ""
	case 0:
		return "", TriageOutside
	}
	return "", TriageNearBoundary // overlapping districts: as uncertain as a boundary
}

// Route is one row of a municipality's routing table: items of a
// category in a district (or anywhere, DistrictID "") go to a department.
type Route struct {
	CategoryID   string    `json:"category_id"`
	DistrictID   string    `json:"district_id"` // "" = anywhere in the municipality
	DepartmentID string    `json:"department_id"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Routing is where a new item goes: a department, or triage with the
// reason.
type Routing struct {
	DepartmentID string
	DistrictID   string
	Triage       string
}

// decide routes a new item by its category and location. A category
// whose rules all say "anywhere" routes by that rule, or (no rule) by its
// own default department, wherever the pin is; a category with a rule
// for some district needs the item's district to be certain, then takes
// that district's rule, else its "anywhere" rule, else the default. What
// none of these gives goes to triage. An item without a category (a
// formal appeal on no topic) is routed when registered, as before.
func decide(cat *Category, rules []Route, p *Point, districts func() ([]District, error)) (Routing, error) {
	if cat == nil {
		return Routing{}, nil
	}
	anywhere := cat.DepartmentID
	byDistrict := map[string]string{}
	for _, r := range rules {
		if r.CategoryID != cat.ID {
			continue
		}
		if r.DistrictID == "" {
			anywhere = r.DepartmentID
		} else {
			byDistrict[r.DistrictID] = r.DepartmentID
		}
	}
	if len(byDistrict) == 0 {
		if anywhere == "" {
			return Routing{Triage: TriageNoRule}, nil
		}
		return Routing{DepartmentID: anywhere}, nil
	}
	if p == nil {
		return Routing{Triage: TriageNoLocation}, nil
	}
	ds, err := districts()
	if err != nil {
		return Routing{}, err
	}
	id, reason := Locate(*p, ds)
	if reason != "" {
		return Routing{Triage: reason}, nil
	}
	if dep := byDistrict[id]; dep != "" {
		return Routing{DepartmentID: dep, DistrictID: id}, nil
	}
	if anywhere != "" {
		return Routing{DepartmentID: anywhere, DistrictID: id}, nil
	}
	return Routing{DistrictID: id, Triage: TriageNoRule}, nil
}

// routeNew routes a new item of muni.
func (s *Service) routeNew(ctx context.Context, muni Municipality, cat *Category, p *Point) (Routing, error) {
	if cat == nil {
		return Routing{}, nil
	}
	rules, err := s.st.routes(ctx, muni.ID)
	if err != nil {
		return Routing{}, err
	}
	return decide(cat, rules, p, func() ([]District, error) { return s.districts(ctx, muni.ID) })
}

// districts lists a municipality's districts; none when Places cannot.
func (s *Service) districts(ctx context.Context, muniID string) ([]District, error) {
	d, ok := s.places.(Districts)
	if !ok {
		return nil, nil
	}
	return d.Districts(ctx, muniID)
}

// Districts lists a municipality's districts, for the routing page.
func (s *Service) Districts(ctx context.Context, muniID string) ([]District, error) {
	return s.districts(ctx, muniID)
}

// muniAdmin reads a municipality the actor administers.
func (s *Service) muniAdmin(ctx context.Context, tenantID string) (Municipality, error) {
	who, err := actor(ctx)
	if err != nil {
		return Municipality{}, err
	}
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return m, err
	}
	if !who.Can(auth.RoleMunicipalAdmin, m.Path) {
		return m, ErrForbidden
	}
	return m, nil
}

// RoutingTable lists a municipality's routing rules to its
// administrators.
func (s *Service) RoutingTable(ctx context.Context, tenantID string) ([]Route, error) {
	if _, err := s.muniAdmin(ctx, tenantID); err != nil {
		return nil, err
	}
	return s.st.routes(ctx, tenantID)
}

// SetRoute adds or replaces the rule for a category in a district ("" =
// anywhere); the municipality's administrators may.
func (s *Service) SetRoute(ctx context.Context, tenantID string, r Route) (Route, error) {
	m, err := s.muniAdmin(ctx, tenantID)
	if err != nil {
		return r, err
	}
	bad := map[string]string{}
	if c, err := s.st.category(ctx, r.CategoryID); errors.Is(err, ErrNotFound) || (err == nil && c.TenantID != m.ID) {
		bad["category_id"] = "appeals.category.unknown"
	} else if err != nil {
		return r, err
	}
	if dep, err := s.places.Department(ctx, r.DepartmentID); r.DepartmentID == "" || errors.Is(err, fault.ErrNotFound) ||
		(err == nil && dep.MunicipalityID != m.ID) {
		bad["department_id"] = "appeals.department.unknown"
	} else if err != nil {
		return r, err
	}
	if r.DistrictID != "" {
		ds, err := s.districts(ctx, m.ID)
		if err != nil {
			return r, err
		}
		if !slices.ContainsFunc(ds, func(d District) bool { return d.ID == r.DistrictID }) {
			bad["district_id"] = "appeals.district.unknown"
		}
	}
	if len(bad) > 0 {
		return r, invalid("route-invalid", bad)
	}
	r.UpdatedAt = s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.setRoute(ctx, m.ID, r); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.route.set", ObjectType: "appeal_category", ObjectID: r.CategoryID,
			TenantID: m.ID, Detail: map[string]any{"district_id": r.DistrictID, "department_id": r.DepartmentID}},
			"appeal.route.set", map[string]string{"tenant_id": m.ID, "category_id": r.CategoryID, "district_id": r.DistrictID})
	})
	return r, wrap("set route", err)
}

// DeleteRoute removes the rule for a category in a district.
func (s *Service) DeleteRoute(ctx context.Context, tenantID, categoryID, districtID string) error {
	m, err := s.muniAdmin(ctx, tenantID)
	if err != nil {
		return err
	}
	return wrap("delete route", s.db.InTx(ctx, func(ctx context.Context) error {
		n, err := s.st.deleteRoute(ctx, m.ID, categoryID, districtID)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return s.record(ctx, audit.Entry{Action: "appeals.route.delete", ObjectType: "appeal_category", ObjectID: categoryID,
			TenantID: m.ID, Detail: map[string]any{"district_id": districtID}},
			"appeal.route.deleted", map[string]string{"tenant_id": m.ID, "category_id": categoryID, "district_id": districtID})
	}))
}

// ActRoute is an official's choice of department for an item in triage;
// the item keeps its state.
const ActRoute Action = "route"

// TriageOf tells whether an item waits in triage, and why ("" when not).
func (s *Service) TriageOf(ctx context.Context, id string) (string, error) {
	return s.st.openTriage(ctx, id)
}

// Route takes an item out of triage to a department of its municipality;
// an official over the item may.
func (s *Service) Route(ctx context.Context, id, departmentID string) (Appeal, error) {
	reason, err := s.st.openTriage(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	return s.step(ctx, id, ActRoute, func(a *Appeal, w *stepWork) error {
		if reason == "" {
			return fault.New(ErrConflict, "appeal-not-triage", "appeals.error.not_triage")
		}
		dep, err := s.places.Department(ctx, departmentID)
		switch {
		case departmentID == "" || errors.Is(err, fault.ErrNotFound) || (err == nil && dep.MunicipalityID != a.TenantID):
			return invalid("route-invalid", map[string]string{"department_id": "appeals.department.unknown"})
		case err != nil:
			return err
		}
		a.DepartmentID = dep.ID
		w.note = dep.Name
		w.detail["department_id"], w.detail["triage"] = dep.ID, reason
		w.also = append(w.also, s.resolveTriage(a.ID, w.now))
		return nil
	})
}

// resolveTriage takes an item out of triage within the step's transaction.
func (s *Service) resolveTriage(id string, at time.Time) func(ctx context.Context) error {
	return func(ctx context.Context) error { return s.st.resolveTriage(ctx, id, at) }
}

func (s *store) routes(ctx context.Context, tenantID string) ([]Route, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT category_id, district_id, department_id, updated_ms
		FROM appeals_routes WHERE tenant_id = $1 ORDER BY category_id, district_id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Route{}
	for rows.Next() {
		var r Route
		var ms int64
		if err := rows.Scan(&r.CategoryID, &r.DistrictID, &r.DepartmentID, &ms); err != nil {
			return nil, err
		}
		r.UpdatedAt = db.Time(ms)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) setRoute(ctx context.Context, tenantID string, r Route) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_routes (tenant_id, category_id, district_id, department_id,
		updated_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, category_id, district_id)
		DO UPDATE SET department_id = excluded.department_id, updated_ms = excluded.updated_ms`,
		tenantID, r.CategoryID, r.DistrictID, r.DepartmentID, db.Millis(r.UpdatedAt))
	return err
}

func (s *store) deleteRoute(ctx context.Context, tenantID, categoryID, districtID string) (int64, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM appeals_routes WHERE tenant_id = $1 AND category_id = $2
		AND district_id = $3`, tenantID, categoryID, districtID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *store) addTriage(ctx context.Context, a Appeal, reason string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_triage (appeal_id, tenant_id, reason, created_ms)
		VALUES ($1, $2, $3, $4)`, a.ID, a.TenantID, reason, db.Millis(a.ReceivedAt))
	return err
}

// openTriage is why an item waits in triage; "" when it does not.
func (s *store) openTriage(ctx context.Context, id string) (string, error) {
	var reason string
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT reason FROM appeals_triage WHERE appeal_id = $1 AND resolved_ms IS NULL`,
		id).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return reason, err
}

func (s *store) resolveTriage(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals_triage SET resolved_ms = $1 WHERE appeal_id = $2
		AND resolved_ms IS NULL`, db.Millis(at), id)
	return err
}

// InTriage tells which of the items wait in triage, with the reason; for
// the work queue's listing of items the actor already reads.
func (s *Service) InTriage(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT appeal_id, reason FROM appeals_triage
		WHERE resolved_ms IS NULL AND appeal_id IN (`+placeholders(arg, ids)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, reason string
		if err := rows.Scan(&id, &reason); err != nil {
			return nil, err
		}
		out[id] = reason
	}
	return out, rows.Err()
}
