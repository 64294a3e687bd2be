package transport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

type trafficStore struct{ db *db.DB }

const segmentCols = `id, tenant_id, code, name, geometry, length_m, free_flow_kmh, detectors, created_ms, updated_ms`

type scanner interface{ Scan(...any) error }

func scanSegment(row scanner) (RoadSegment, error) {
	var s RoadSegment
	var geo, dets string
	var created, updated int64
	if err := row.Scan(&s.ID, &s.TenantID, &s.Code, &s.Name, &geo, &s.LengthM, &s.FreeFlowKmh, &dets, &created, &updated); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(geo), &s.Geometry); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(dets), &s.Detectors); err != nil {
		return s, err
	}
	s.CreatedAt, s.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return s, nil
}

func segmentArgs(s RoadSegment) []any {
	geo, _ := json.Marshal(s.Geometry)
	dets, _ := json.Marshal(s.Detectors)
	return []any{s.ID, s.TenantID, s.Code, s.Name, string(geo), s.LengthM, s.FreeFlowKmh, string(dets), s.CreatedAt.UnixMilli(), s.UpdatedAt.UnixMilli()}
}

func (st *trafficStore) insertSegment(ctx context.Context, s RoadSegment) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO transport_road_segments (`+segmentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, segmentArgs(s)...)
	return err
}

func (st *trafficStore) updateSegment(ctx context.Context, s RoadSegment) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE transport_road_segments SET name = $4, geometry = $5, length_m = $6,
		free_flow_kmh = $7, detectors = $8, updated_ms = $10 WHERE id = $1 AND tenant_id = $2 AND code = $3 AND created_ms = $9`,
		segmentArgs(s)...)
	return err
}

func (st *trafficStore) deleteSegment(ctx context.Context, id string) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `DELETE FROM transport_road_segments WHERE id = $1`, id)
	return err
}

func (st *trafficStore) segment(ctx context.Context, tenant, code string) (RoadSegment, error) {
	s, err := scanSegment(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+segmentCols+` FROM transport_road_segments
		WHERE tenant_id = $1 AND code = $2`, tenant, code))
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound()
	}
	return s, err
}

func (st *trafficStore) segments(ctx context.Context, tenant string) ([]RoadSegment, error) {
	rows, err := st.db.Q(ctx).QueryContext(ctx, `SELECT `+segmentCols+` FROM transport_road_segments
		WHERE tenant_id = $1 ORDER BY name, code`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RoadSegment
	for rows.Next() {
		s, err := scanSegment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const workCols = `id, tenant_id, title, contractor, geometry, starts_ms, ends_ms, impact, status, detour, created_ms, updated_ms`

func scanWork(row scanner) (RoadWork, error) {
	var w RoadWork
	var geo string
	var starts, ends, created, updated int64
	if err := row.Scan(&w.ID, &w.TenantID, &w.Title, &w.Contractor, &geo, &starts, &ends, &w.Impact, &w.Status, &w.Detour,
		&created, &updated); err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(geo), &w.Geometry); err != nil {
		return w, err
	}
	w.Starts, w.Ends = time.UnixMilli(starts).UTC(), time.UnixMilli(ends).UTC()
	w.CreatedAt, w.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return w, nil
}

func workArgs(w RoadWork) []any {
	geo, _ := json.Marshal(w.Geometry)
	return []any{w.ID, w.TenantID, w.Title, w.Contractor, string(geo), w.Starts.UnixMilli(), w.Ends.UnixMilli(), w.Impact, w.Status,
		w.Detour, w.CreatedAt.UnixMilli(), w.UpdatedAt.UnixMilli()}
}

func (st *trafficStore) insertWork(ctx context.Context, w RoadWork) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO transport_road_works (`+workCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, workArgs(w)...)
	return err
}

func (st *trafficStore) updateWork(ctx context.Context, w RoadWork) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE transport_road_works SET title = $3, contractor = $4, geometry = $5,
		starts_ms = $6, ends_ms = $7, impact = $8, status = $9, detour = $10, updated_ms = $12
		WHERE id = $1 AND tenant_id = $2 AND created_ms = $11`, workArgs(w)...)
	return err
}

func (st *trafficStore) work(ctx context.Context, tenant, id string) (RoadWork, error) {
	w, err := scanWork(st.db.Q(ctx).QueryRowContext(ctx, `SELECT `+workCols+` FROM transport_road_works
		WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, notFound()
	}
	return w, err
}

// works lists the tenant's works that end after from, by start.
func (st *trafficStore) works(ctx context.Context, tenant string, from time.Time) ([]RoadWork, error) {
	rows, err := st.db.Q(ctx).QueryContext(ctx, `SELECT `+workCols+` FROM transport_road_works
		WHERE tenant_id = $1 AND ends_ms > $2 ORDER BY starts_ms, title, id`, tenant, from.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RoadWork
	for rows.Next() {
		w, err := scanWork(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
