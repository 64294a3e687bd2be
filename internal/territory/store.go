package territory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store holds the territory SQL, one method per query.
type store struct{ db *db.DB }

const nodeColumns = `id, parent_id, path, kind, oktmo, name_ru, name_en, slug, time_zone, population,
	center_lat, center_lon, boundary, demo, source, tenant_id, head, phone, email, address, website, created_ms, updated_ms`

type scanner interface{ Scan(dest ...any) error }

func scanNode(s scanner) (Node, error) {
	var n Node
	var parent sql.NullString
	var lat, lon sql.NullFloat64
	var boundary string
	var created, updated int64
	err := s.Scan(&n.ID, &parent, &n.Path, &n.Kind, &n.OKTMO, &n.NameRU, &n.NameEN, &n.Slug, &n.TimeZone, &n.Population,
		&lat, &lon, &boundary, &n.Demo, &n.Source, &n.TenantID, &n.Contacts.Head, &n.Contacts.Phone, &n.Contacts.Email,
		&n.Contacts.Address, &n.Contacts.Website, &created, &updated)
	if err != nil {
		return n, err
	}
	n.ParentID = parent.String
	if lat.Valid && lon.Valid {
		n.Center = &Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	if boundary != "" {
		n.Boundary = []byte(boundary)
	}
	n.CreatedAt, n.UpdatedAt = db.Time(created), db.Time(updated)
	return n, nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func centerArgs(c *Point) (lat, lon sql.NullFloat64) {
	if c == nil {
		return
	}
	return sql.NullFloat64{Float64: c.Lat, Valid: true}, sql.NullFloat64{Float64: c.Lon, Valid: true}
}

func (s *store) createNode(ctx context.Context, n Node) error {
	lat, lon := centerArgs(n.Center)
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO territory_nodes (`+nodeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		n.ID, nullable(n.ParentID), n.Path, n.Kind, n.OKTMO, n.NameRU, n.NameEN, n.Slug, n.TimeZone, n.Population,
		lat, lon, string(n.Boundary), n.Demo, n.Source, n.TenantID, n.Contacts.Head, n.Contacts.Phone, n.Contacts.Email,
		n.Contacts.Address, n.Contacts.Website, db.Millis(n.CreatedAt), db.Millis(n.UpdatedAt))
	return err
}

func (s *store) updateNode(ctx context.Context, n Node) error {
	lat, lon := centerArgs(n.Center)
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE territory_nodes SET kind = $2, oktmo = $3, name_ru = $4, name_en = $5,
		slug = $6, time_zone = $7, population = $8, center_lat = $9, center_lon = $10, boundary = $11, demo = $12,
		source = $13, tenant_id = $14, head = $15, phone = $16, email = $17, address = $18, website = $19, updated_ms = $20
		WHERE id = $1`,
		n.ID, n.Kind, n.OKTMO, n.NameRU, n.NameEN, n.Slug, n.TimeZone, n.Population, lat, lon, string(n.Boundary), n.Demo,
		n.Source, n.TenantID, n.Contacts.Head, n.Contacts.Phone, n.Contacts.Email, n.Contacts.Address, n.Contacts.Website,
		db.Millis(n.UpdatedAt))
	return err
}

// nodeBy reads one node by a unique column; the column name is a constant
// of this file, never input.
func (s *store) nodeBy(ctx context.Context, column, value string) (Node, error) {
	n, err := scanNode(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+nodeColumns+` FROM territory_nodes WHERE `+column+` = $1`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return n, ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("territory: node by %s: %w", column, err)
	}
	return n, nil
}

// nodeFilter narrows a node listing; results come in OKTMO order, which
// is also the cursor.
type nodeFilter struct {
	ParentID  string // "" = roots unless AnyParent
	AnyParent bool
	Kinds     []Kind
	AfterCode string
	Limit     int
	Light     bool // leave boundaries out: listings do not draw them
}

func (s *store) listNodes(ctx context.Context, f nodeFilter) ([]Node, error) {
	cols := nodeColumns
	if f.Light {
		cols = strings.Replace(cols, "boundary", "'' AS boundary", 1)
	}
	q := `SELECT ` + cols + ` FROM territory_nodes WHERE oktmo > $1`
	args := []any{f.AfterCode}
	switch {
	case f.AnyParent:
	case f.ParentID == "":
		q += ` AND parent_id IS NULL`
	default:
		args = append(args, f.ParentID)
		q += fmt.Sprintf(` AND parent_id = $%d`, len(args))
	}
	if len(f.Kinds) > 0 {
		q += ` AND kind IN (`
		for i, k := range f.Kinds {
			args = append(args, string(k))
			if i > 0 {
				q += `, `
			}
			q += fmt.Sprintf(`$%d`, len(args))
		}
		q += `)`
	}
	q += ` ORDER BY oktmo`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return s.queryNodes(ctx, q, args...)
}

func (s *store) queryNodes(ctx context.Context, q string, args ...any) ([]Node, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("territory: list nodes: %w", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, fmt.Errorf("territory: scan node: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// nodesByIDs reads the nodes on a path, for breadcrumbs and tenants.
func (s *store) nodesByIDs(ctx context.Context, ids []string) ([]Node, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `SELECT ` + nodeColumns + ` FROM territory_nodes WHERE id IN (`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
		if i > 0 {
			q += `, `
		}
		q += fmt.Sprintf(`$%d`, i+1)
	}
	return s.queryNodes(ctx, q+`)`, args...)
}

func (s *store) slugTaken(ctx context.Context, slug, exceptID string) (bool, error) {
	var n int
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM territory_nodes WHERE slug = $1 AND id <> $2`, slug, exceptID).Scan(&n)
	return n > 0, err
}

func (s *store) countChildren(ctx context.Context, id string) (int, error) {
	var n int
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM territory_nodes WHERE parent_id = $1`, id).Scan(&n)
	return n, err
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
