package metering

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// zoneBuildings lists the objects with a point in the zone.
func (st *store) zoneBuildings(ctx context.Context, zoneID string) ([]string, error) {
	return st.strings(ctx, `SELECT DISTINCT p.object_id FROM metering_zone_points zp
		JOIN metering_points p ON p.id = zp.point_id WHERE zp.zone_id = $1 AND p.object_id IS NOT NULL ORDER BY p.object_id`, zoneID)
}

// addresses returns the objects' addresses (their names where an address
// is missing), sorted and distinct.
func (st *store) addresses(ctx context.Context, ids []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		var name, addr string
		if err := st.db.Q(ctx).QueryRowContext(ctx, `SELECT name, address FROM metering_objects WHERE id = $1`, id).Scan(&name, &addr); err != nil {
			return nil, err
		}
		if addr == "" {
			addr = name
		}
		if !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	return out, nil
}

// strings runs a query of one text column, inside the caller's
// transaction if there is one, else on the read pool.
func (st *store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	querier := st.db.R(ctx)
	if db.InTxNow(ctx) {
		querier = st.db.Q(ctx)
	}
	return db.Strings(ctx, querier, q, args...)
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (st *store) insertOutage(ctx context.Context, o Outage, by string, now time.Time) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO metering_outages (id, tenant_id, service, zone_id, planned, reason, addresses,
		starts_ms, ends_ms, alarm_id, created_ms, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		o.ID, o.TenantID, o.Service, nullable(o.ZoneID), bit(o.Planned), o.Reason, strings.Join(o.Addresses, "\n"),
		db.Millis(o.Starts), millisPtr(o.Ends), nullable(o.AlarmID), db.Millis(now), by)
	return err
}

// insertInterruption opens a building's ledger row for the outage; a
// planned one runs to the announced end until told otherwise.
func (st *store) insertInterruption(ctx context.Context, o Outage, objectID string) error {
	var to any
	if o.Planned {
		to = millisPtr(o.Ends)
	}
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO metering_interruptions (id, tenant_id, object_id, outage_id, service, planned, from_ms, to_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), o.TenantID, objectID, o.ID, o.Service, bit(o.Planned), db.Millis(o.Starts), to)
	return err
}

func (st *store) endOutage(ctx context.Context, id string, at time.Time) error {
	if _, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE metering_outages SET ended_ms = $1 WHERE id = $2`, db.Millis(at), id); err != nil {
		return err
	}
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE metering_interruptions SET to_ms = $1 WHERE outage_id = $2`, db.Millis(at), id)
	return err
}

const outageCols = `o.id, o.tenant_id, o.service, COALESCE(o.zone_id, ''), COALESCE(z.name, ''), o.planned, o.reason, o.addresses,
	o.starts_ms, o.ends_ms, o.ended_ms, COALESCE(o.alarm_id, '')`

func scanOutage(sc interface{ Scan(...any) error }) (Outage, error) {
	var o Outage
	var planned int
	var addrs string
	var starts int64
	var ends, ended sql.NullInt64
	err := sc.Scan(&o.ID, &o.TenantID, &o.Service, &o.ZoneID, &o.ZoneName, &planned, &o.Reason, &addrs, &starts, &ends, &ended, &o.AlarmID)
	if errors.Is(err, sql.ErrNoRows) {
		return Outage{}, ErrNotFound
	}
	o.Planned, o.Starts, o.Ends, o.Ended = planned == 1, db.Time(starts), db.TimePtr(ends), db.TimePtr(ended)
	if addrs != "" {
		o.Addresses = strings.Split(addrs, "\n")
	}
	return o, err
}

func (st *store) outage(ctx context.Context, tenant, id string) (Outage, error) {
	return scanOutage(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+outageCols+` FROM metering_outages o
		LEFT JOIN metering_zones z ON z.id = o.zone_id WHERE o.tenant_id = $1 AND o.id = $2`, tenant, id))
}

// openDetected is the unplanned outage outage inference opened for a
// zone and service that has not ended, if any.
func (st *store) openDetected(ctx context.Context, tenant, zoneID, service string) (Outage, error) {
	return scanOutage(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+outageCols+` FROM metering_outages o
		LEFT JOIN metering_zones z ON z.id = o.zone_id
		WHERE o.tenant_id = $1 AND o.zone_id = $2 AND o.service = $3 AND o.planned = 0 AND o.ended_ms IS NULL AND o.alarm_id IS NOT NULL`,
		tenant, zoneID, service))
}

// outages lists the notices on at any time in [from, to), with the
// located buildings of each.
func (st *store) outages(ctx context.Context, tenant string, from, to int64) ([]Outage, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT `+outageCols+` FROM metering_outages o
		LEFT JOIN metering_zones z ON z.id = o.zone_id
		WHERE o.tenant_id = $1 AND o.starts_ms < $3 AND COALESCE(o.ended_ms, o.ends_ms, $3) > $2
		   OR o.tenant_id = $1 AND o.starts_ms < $3 AND o.ended_ms IS NULL AND o.planned = 0
		ORDER BY o.starts_ms DESC, o.id LIMIT 500`, tenant, from, to)
	if err != nil {
		return nil, wrap("outages", err)
	}
	var out []Outage
	for rows.Next() {
		o, err := scanOutage(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("outages", err)
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("outages", err)
	}
	for i := range out {
		if out[i].Objects, err = st.outageObjects(ctx, out[i].ID); err != nil {
			return nil, wrap("outages", err)
		}
	}
	return out, nil
}

func (st *store) outageObjects(ctx context.Context, outageID string) ([]MapPoint, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT o.id, o.name, o.address, o.lat, o.lon FROM metering_interruptions i
		JOIN metering_objects o ON o.id = i.object_id WHERE i.outage_id = $1 AND o.lat IS NOT NULL AND o.lon IS NOT NULL ORDER BY o.name`, outageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MapPoint
	for rows.Next() {
		var p MapPoint
		if err := rows.Scan(&p.ID, &p.Name, &p.Address, &p.Lat, &p.Lon); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
