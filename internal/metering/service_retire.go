package metering

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// The registry entries officials edit and retire by their code. Devices
// have their own form (UpdateDevice); installations change by a swap.
const (
	KindNetwork = "network"
	KindZone    = "zone"
	KindObject  = "object"
	KindPoint   = "point"
)

// EntryKinds are the kinds of entry Entry, UpdateEntry and Retire take.
func EntryKinds() []string { return []string{KindNetwork, KindZone, KindObject, KindPoint} }

// entryTables is each kind's table.
var entryTables = map[string]string{KindNetwork: "metering_networks", KindZone: "metering_zones", KindObject: "metering_objects", KindPoint: "metering_points"}

// EntryFields are the fields of a kind of entry the edit form changes;
// its code, and the network of a zone or point, stay, as readings,
// balances and CSV files name them.
func EntryFields(kind string) []string {
	switch kind {
	case KindNetwork:
		return []string{"name"}
	case KindZone:
		return []string{"name", "kind"}
	case KindObject:
		return []string{"name", "kind", "address", "lat", "lon"}
	case KindPoint:
		return []string{"name", "role", "object", "apartment", "resident_account_id"}
	}
	return nil
}

// Entry is one registry entry as its edit form shows it.
type Entry struct {
	Muni    Municipality
	Kind    string
	ID      string
	Code    string
	Network string // the network's code, for a zone or point
	Values  map[string]string
	Retired *time.Time
	// Boundary is a zone's points with their signs (+1 in, −1 out,
	// 0 consumer inside); Candidates the network's active points not in it.
	Boundary   []BoundaryPoint
	Candidates []BoundaryPoint
}

// BoundaryPoint is a point in (or for) a zone's balance.
type BoundaryPoint struct {
	Code, Name string
	Sign       int
	Retired    bool
}

// Entry returns a registry entry to the municipality's administrators.
func (s *Service) Entry(ctx context.Context, a *auth.Actor, muniID, kind, code string) (Entry, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleMunicipalAdmin)
	if err != nil {
		return Entry{}, err
	}
	e, err := s.st.entry(ctx, m.ID, kind, code)
	e.Muni = m
	return e, err
}

// UpdateEntry changes the fields of a registry entry (EntryFields) for an
// administrator, with an audit entry holding the values before and after,
// in one transaction. A retired entry is kept as it was.
func (s *Service) UpdateEntry(ctx context.Context, a *auth.Actor, muniID, kind, code string, values map[string]string) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		old, err := s.st.entry(ctx, t, kind, code)
		if err != nil {
			return err
		}
		if old.Retired != nil {
			return invalid("metering-entry-retired", map[string]string{"name": "metering.error.retired"})
		}
		v := map[string]string{}
		for _, k := range EntryFields(kind) {
			v[k] = strings.TrimSpace(values[k])
		}
		f := fields{}
		f.check(textOK(v["name"], 200), "name", "metering.error.name")
		var set string
		var args []any
		switch kind {
		case KindNetwork:
			set, args = "name = $1", []any{v["name"]}
		case KindZone:
			f.check(slices.Contains(ZoneKinds(), v["kind"]), "kind", "metering.error.zone_kind")
			set, args = "name = $1, kind = $2", []any{v["name"], v["kind"]}
		case KindObject:
			f.check(slices.Contains(ObjectKinds(), v["kind"]), "kind", "metering.error.object_kind")
			f.check(len(v["address"]) <= 300, "address", "metering.error.address")
			lat, latOK := coordinate(v["lat"], 90)
			lon, lonOK := coordinate(v["lon"], 180)
			f.check(latOK && lonOK && (lat == nil) == (lon == nil), "lat", "metering.error.coordinates")
			set, args = "name = $1, kind = $2, address = $3, lat = $4, lon = $5", []any{v["name"], v["kind"], v["address"], lat, lon}
		case KindPoint:
			f.check(slices.Contains(PointRoles(), v["role"]), "role", "metering.error.role")
			f.check(len(v["apartment"]) <= 20, "apartment", "metering.error.apartment")
			f.check(len(v["resident_account_id"]) <= 64, "resident_account_id", "metering.error.resident")
			var object any
			if v["object"] != "" {
				o, err := s.st.entry(ctx, t, KindObject, v["object"])
				f.check(err == nil && o.Retired == nil, "object", "metering.error.unknown_ref")
				object = o.ID
			}
			set, args = "name = $1, role = $2, object_id = $3, apartment = $4, resident_account_id = $5",
				[]any{v["name"], v["role"], object, v["apartment"], v["resident_account_id"]}
		}
		if err := f.err("metering-" + kind + "-invalid"); err != nil {
			return err
		}
		args = append(args, old.ID)
		if _, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE `+entryTables[kind]+` SET `+set+` WHERE id = $`+strconv.Itoa(len(args)), args...); err != nil {
			return err
		}
		return s.record(ctx, kind+".update", "metering_"+kind, old.ID, t, map[string]any{"code": old.Code, "before": old.Values, "after": v})
	})
}

// coordinate reads an optional latitude or longitude: "" is none.
func coordinate(s string, lim float64) (*float64, bool) {
	if s == "" {
		return nil, true
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > lim {
		return nil, false
	}
	return &v, true
}

// Retire takes a registry entry out of use for an administrator: it
// leaves the registry's and the dashboards' active lists and the
// detectors (a retired point's silent meter is not offline, nor part of
// an outage), and a retired point's device has its readings refused
// (ReasonRetiredPoint) from the commit on; the entry's readings, rollups
// and history stay. A network with active zones or points, or an object
// with active points, is refused: those are retired first.
func (s *Service) Retire(ctx context.Context, a *auth.Actor, muniID, kind, code string) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		e, err := s.st.entry(ctx, t, kind, code)
		if err != nil {
			return err
		}
		if e.Retired != nil {
			return invalid("metering-entry-retired", map[string]string{"code": "metering.error.retired"})
		}
		var inUse int
		switch kind {
		case KindNetwork:
			err = s.db.Q(ctx).QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM metering_zones WHERE network_id = $1 AND retired_ms IS NULL)
				+ (SELECT COUNT(*) FROM metering_points WHERE network_id = $1 AND retired_ms IS NULL)`, e.ID).Scan(&inUse)
		case KindObject:
			err = s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_points WHERE object_id = $1 AND retired_ms IS NULL`, e.ID).Scan(&inUse)
		}
		if err != nil {
			return err
		}
		if inUse > 0 {
			return invalid("metering-entry-in-use", map[string]string{"code": "metering.error.in_use"})
		}
		now := s.now().UTC()
		if _, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE `+entryTables[kind]+` SET retired_ms = $1 WHERE id = $2`, db.Millis(now), e.ID); err != nil {
			return err
		}
		if kind == KindPoint {
			db.AfterCommit(ctx, s.chans.reset)
		}
		return s.record(ctx, kind+".retire", "metering_"+kind, e.ID, t, map[string]any{"code": e.Code, "retired": db.Millis(now)})
	})
}

// SetBoundary puts an active point in an active zone's balance with a
// sign (+1 in, −1 out, 0 consumer inside) or changes its sign, audited.
func (s *Service) SetBoundary(ctx context.Context, a *auth.Actor, muniID string, in ZonePointInput) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		if err := s.activePair(ctx, t, in.Zone, in.Point); err != nil {
			return err
		}
		return s.addZonePoint(ctx, t, in)
	})
}

// RemoveBoundary takes a point out of a zone's balance, audited.
func (s *Service) RemoveBoundary(ctx context.Context, a *auth.Actor, muniID, zone, point string) error {
	return s.inRegistry(ctx, a, muniID, func(ctx context.Context, t string) error {
		z, err := s.st.entry(ctx, t, KindZone, zone)
		if err != nil {
			return err
		}
		if z.Retired != nil {
			return invalid("metering-entry-retired", map[string]string{"point": "metering.error.retired"})
		}
		p, err := s.st.entry(ctx, t, KindPoint, point)
		if err != nil {
			return err
		}
		res, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM metering_zone_points WHERE zone_id = $1 AND point_id = $2`, z.ID, p.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, ErrNotFound)
		}
		return s.record(ctx, "zone.point.remove", "metering_zone", z.ID, t, map[string]any{"point": point})
	})
}

// activePair refuses a zone or point that is unknown, retired, or of
// another network than the zone's.
func (s *Service) activePair(ctx context.Context, tenant, zone, point string) error {
	f := fields{}
	z, zerr := s.st.entry(ctx, tenant, KindZone, zone)
	p, perr := s.st.entry(ctx, tenant, KindPoint, point)
	f.check(zerr == nil, "zone", "metering.error.unknown_ref")
	f.check(zerr != nil || z.Retired == nil, "zone", "metering.error.retired")
	f.check(perr == nil, "point", "metering.error.unknown_ref")
	f.check(perr != nil || p.Retired == nil, "point", "metering.error.retired")
	f.check(zerr != nil || perr != nil || z.Network == p.Network, "point", "metering.error.other_network")
	for _, err := range []error{zerr, perr} {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return f.err("metering-zone-point-invalid")
}

// entry reads one registry entry of a tenant by kind and code; a kind
// that is none of EntryKinds is not found.
func (st *store) entry(ctx context.Context, tenant, kind, code string) (Entry, error) {
	e := Entry{Kind: kind, Code: code, Values: map[string]string{}}
	var retired sql.NullInt64
	var err error
	q := st.db.Q(ctx)
	switch kind {
	case KindNetwork:
		var name string
		err = q.QueryRowContext(ctx, `SELECT id, name, retired_ms FROM metering_networks WHERE tenant_id = $1 AND code = $2`, tenant, code).
			Scan(&e.ID, &name, &retired)
		e.Network, e.Values["name"] = code, name
	case KindZone:
		var name, zk string
		err = q.QueryRowContext(ctx, `SELECT z.id, z.name, z.kind, n.code, z.retired_ms FROM metering_zones z JOIN metering_networks n ON n.id = z.network_id
			WHERE z.tenant_id = $1 AND z.code = $2`, tenant, code).Scan(&e.ID, &name, &zk, &e.Network, &retired)
		e.Values["name"], e.Values["kind"] = name, zk
	case KindObject:
		var name, ok, addr string
		var lat, lon sql.NullFloat64
		err = q.QueryRowContext(ctx, `SELECT id, name, kind, address, lat, lon, retired_ms FROM metering_objects WHERE tenant_id = $1 AND code = $2`, tenant, code).
			Scan(&e.ID, &name, &ok, &addr, &lat, &lon, &retired)
		e.Values["name"], e.Values["kind"], e.Values["address"] = name, ok, addr
		if lat.Valid && lon.Valid {
			e.Values["lat"], e.Values["lon"] = strconv.FormatFloat(lat.Float64, 'f', -1, 64), strconv.FormatFloat(lon.Float64, 'f', -1, 64)
		}
	case KindPoint:
		var name, role, object, apt, resident string
		err = q.QueryRowContext(ctx, `SELECT p.id, p.name, p.role, COALESCE(o.code, ''), p.apartment, p.resident_account_id, n.code, p.retired_ms
			FROM metering_points p JOIN metering_networks n ON n.id = p.network_id LEFT JOIN metering_objects o ON o.id = p.object_id
			WHERE p.tenant_id = $1 AND p.code = $2`, tenant, code).Scan(&e.ID, &name, &role, &object, &apt, &resident, &e.Network, &retired)
		e.Values["name"], e.Values["role"], e.Values["object"], e.Values["apartment"], e.Values["resident_account_id"] = name, role, object, apt, resident
	default:
		return Entry{}, ErrNotFound
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, err
	}
	e.Retired = db.TimePtr(retired)
	if kind == KindZone {
		if e.Boundary, err = st.boundary(ctx, e.ID, false); err != nil {
			return Entry{}, err
		}
		if e.Candidates, err = st.boundary(ctx, e.ID, true); err != nil {
			return Entry{}, err
		}
	}
	return e, nil
}

// boundary lists a zone's points with their signs, or (candidates) the
// active points of its network not in it.
func (st *store) boundary(ctx context.Context, zoneID string, candidates bool) ([]BoundaryPoint, error) {
	q := `SELECT p.code, p.name, zp.sign, p.retired_ms IS NOT NULL FROM metering_zone_points zp JOIN metering_points p ON p.id = zp.point_id
		WHERE zp.zone_id = $1 ORDER BY zp.sign DESC, p.code LIMIT 2000`
	if candidates {
		q = `SELECT p.code, p.name, 0, p.retired_ms IS NOT NULL FROM metering_points p JOIN metering_zones z ON z.network_id = p.network_id
			WHERE z.id = $1 AND p.retired_ms IS NULL AND NOT EXISTS (SELECT 1 FROM metering_zone_points zp WHERE zp.zone_id = z.id AND zp.point_id = p.id)
			ORDER BY p.code LIMIT 2000`
	}
	rows, err := st.db.Q(ctx).QueryContext(ctx, q, zoneID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BoundaryPoint
	for rows.Next() {
		var b BoundaryPoint
		if err := rows.Scan(&b.Code, &b.Name, &b.Sign, &b.Retired); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// RetiredEntry is a retired registry entry in the registry's list.
type RetiredEntry struct {
	Kind, Code, Name string
	At               time.Time
}

// retired lists a tenant's retired entries, newest first.
func (st *store) retired(ctx context.Context, tenant string) ([]RetiredEntry, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT kind, code, name, retired_ms FROM (
		SELECT 'network' AS kind, code, name, retired_ms FROM metering_networks WHERE tenant_id = $1 AND retired_ms IS NOT NULL
		UNION ALL SELECT 'zone', code, name, retired_ms FROM metering_zones WHERE tenant_id = $1 AND retired_ms IS NOT NULL
		UNION ALL SELECT 'object', code, name, retired_ms FROM metering_objects WHERE tenant_id = $1 AND retired_ms IS NOT NULL
		UNION ALL SELECT 'point', code, name, retired_ms FROM metering_points WHERE tenant_id = $1 AND retired_ms IS NOT NULL) r
		ORDER BY retired_ms DESC, kind, code LIMIT 500`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RetiredEntry
	for rows.Next() {
		var e RetiredEntry
		var ms int64
		if err := rows.Scan(&e.Kind, &e.Code, &e.Name, &ms); err != nil {
			return nil, err
		}
		e.At = db.Time(ms)
		out = append(out, e)
	}
	return out, rows.Err()
}
