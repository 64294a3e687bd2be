package appeals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

const categoryColumns = `id, tenant_id, code, regime, name_ru, name_en, sla_amount, sla_unit, sla_working,
	allow_anonymous, department_id, active, created_ms`

func scanCategory(s scanner) (Category, error) {
	var c Category
	var working, anon, active int
	var created int64
	err := s.Scan(&c.ID, &c.TenantID, &c.Code, &c.Regime, &c.NameRU, &c.NameEN, &c.SLA.Amount, &c.SLA.Unit, &working,
		&anon, &c.DepartmentID, &active, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.SLA.Working, c.AllowAnonymous, c.Active = working == 1, anon == 1, active == 1
	c.CreatedAt = db.Time(created)
	return c, err
}

func (s *store) createCategory(ctx context.Context, c Category) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_categories (`+categoryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		c.ID, c.TenantID, c.Code, c.Regime, c.NameRU, c.NameEN, c.SLA.Amount, c.SLA.Unit, b2i(c.SLA.Working),
		b2i(c.AllowAnonymous), c.DepartmentID, b2i(c.Active), db.Millis(c.CreatedAt))
	return err
}

func (s *store) category(ctx context.Context, id string) (Category, error) {
	return scanCategory(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM appeals_categories WHERE id = $1`, id))
}

func (s *store) categories(ctx context.Context, tenantID string) ([]Category, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+categoryColumns+` FROM appeals_categories
		WHERE tenant_id = $1 ORDER BY regime DESC, name_ru`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Summary is one line of a list: an item and the clock that ends first.
type Summary struct {
	Appeal
	Due *Deadline `json:"due,omitempty"`
}

const summarySelect = `SELECT a.id, a.tenant_id, a.tenant_path, a.regime, a.kind, a.collective, a.category_id,
	a.author_id, a.author_name, a.state, a.department_id, a.assignee_id, a.description, a.lat, a.lon, a.address,
	a.extended, a.answer, a.reason, a.redirect_to, a.demo, a.received_ms, a.updated_ms, a.supporters, a.rating
	FROM appeals a`

func scanSummary(s scanner) (Summary, error) {
	var sm Summary
	var lat, lon sql.NullFloat64
	var collective, extended, demo int
	var received, updated int64
	a := &sm.Appeal
	err := s.Scan(&a.ID, &a.TenantID, &a.TenantPath, &a.Regime, &a.Kind, &collective, &a.CategoryID, &a.AuthorID,
		&a.AuthorName, &a.State, &a.DepartmentID, &a.AssigneeID, &a.Description, &lat, &lon, &a.Address, &extended,
		&a.Answer, &a.Reason, &a.RedirectTo, &demo, &received, &updated, &a.Supporters, &a.Rating)
	if err != nil {
		return sm, err
	}
	if lat.Valid && lon.Valid {
		a.Point = &Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	a.Collective, a.Extended, a.Demo = collective == 1, extended == 1, demo == 1
	a.ReceivedAt, a.UpdatedAt = db.Time(received), db.Time(updated)
	return sm, nil
}

// withNextDeadlines fills each summary's Due with its running clock that
// ends first, in one query for the whole page.
func (s *store) withNextDeadlines(ctx context.Context, items []Summary) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	at := map[string]int{}
	for i, it := range items {
		ids[i], at[it.ID] = it.ID, i
	}
	in, list := s.db.InJSON("$1", ids)
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT appeal_id, clock, rule, basis, calendar, from_ms, due_ms
		FROM appeals_deadlines WHERE closed_ms IS NULL AND appeal_id IN (`+in+`)`, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d Deadline
		var from, due int64
		if err := rows.Scan(&id, &d.Clock, &d.Rule, &d.Basis, &d.Calendar, &from, &due); err != nil {
			return err
		}
		d.From, d.At = db.Time(from), db.Time(due)
		if it := &items[at[id]]; it.Due == nil || d.At.Before(it.Due.At) {
			it.Due = &d
		}
	}
	return rows.Err()
}

// Scope is one part of what a reader may see: the items under a
// territory path, optionally of one department only.
type Scope struct {
	Path         string
	DepartmentID string
}

// box is a latitude-longitude rectangle.
type box struct{ minLat, maxLat, minLon, maxLon float64 }

// listQuery selects summaries by author or by scopes, the latest
// received first.
type listQuery struct {
	AuthorID    string
	Scopes      []Scope
	TenantID    string
	Regime      Regime
	IDs         []string  // only these items
	CategoryIDs []string  // only these categories
	From, To    time.Time // received within [From, To]
	Box         *box      // only items with a point inside
	Department  string    // only items routed to this department
	Assignee    string    // only items this official works on
	OverdueAt   time.Time // only items with a running clock past due at this moment
	Triage      bool      // only items waiting in triage
	OpenOnly    bool
	ClosedOnly  bool
	State       State
	CategoryID  string
	BeforeID    string // cursor: the last item of the previous page
	Public      bool   // only items moderation has not held or hidden
	NoDeadlines bool   // leave Due empty: the caller fills it for the items it keeps
	Limit       int
}

func (s *store) list(ctx context.Context, q listQuery) ([]Summary, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q.AuthorID != "" {
		where = append(where, "a.author_id = "+arg(q.AuthorID))
	}
	if q.Scopes != nil {
		var or []string
		for _, sc := range q.Scopes {
			c := "a.tenant_path LIKE " + arg(likePrefix(sc.Path)) + ` ESCAPE '\'`
			if sc.DepartmentID != "" {
				c += " AND a.department_id = " + arg(sc.DepartmentID)
			}
			or = append(or, "("+c+")")
		}
		if len(or) == 0 {
			return []Summary{}, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if q.TenantID != "" {
		where = append(where, "a.tenant_id = "+arg(q.TenantID))
	}
	if q.Regime != "" {
		where = append(where, "a.regime = "+arg(q.Regime))
	}
	if len(q.IDs) > 0 {
		where = append(where, "a.id IN ("+placeholders(arg, q.IDs)+")")
	}
	if len(q.CategoryIDs) > 0 {
		where = append(where, "a.category_id IN ("+placeholders(arg, q.CategoryIDs)+")")
	}
	if q.Department != "" {
		where = append(where, "a.department_id = "+arg(q.Department))
	}
	if q.Assignee != "" {
		where = append(where, "a.assignee_id = "+arg(q.Assignee))
	}
	if q.Triage {
		where = append(where, "EXISTS (SELECT 1 FROM appeals_triage t WHERE t.appeal_id = a.id AND t.resolved_ms IS NULL)")
	}
	if !q.OverdueAt.IsZero() {
		where = append(where, "EXISTS (SELECT 1 FROM appeals_deadlines o WHERE o.appeal_id = a.id AND o.closed_ms IS NULL AND o.due_ms < "+
			arg(db.Millis(q.OverdueAt))+")")
	}
	if b := q.Box; b != nil {
		where = append(where, "a.lat BETWEEN "+arg(b.minLat)+" AND "+arg(b.maxLat)+" AND a.lon BETWEEN "+arg(b.minLon)+" AND "+arg(b.maxLon))
	}
	if !q.From.IsZero() {
		where = append(where, "a.received_ms >= "+arg(db.Millis(q.From)))
	}
	if !q.To.IsZero() {
		where = append(where, "a.received_ms <= "+arg(db.Millis(q.To)))
	}
	const closed = "('answered', 'fixed', 'closed_not_fixed', 'redirected', 'returned', 'no_answer')"
	if q.OpenOnly {
		where = append(where, "a.state NOT IN "+closed)
	}
	if q.ClosedOnly {
		where = append(where, "a.state IN "+closed)
	}
	if q.State != "" {
		where = append(where, "a.state = "+arg(q.State))
	}
	if q.CategoryID != "" {
		where = append(where, "a.category_id = "+arg(q.CategoryID))
	}
	if q.Public {
		where = append(where, publicClause)
	}
	if q.BeforeID != "" { // keyset: after the cursor item in (received, id) order
		c := arg(q.BeforeID)
		where = append(where, "(a.received_ms, a.id) < ((SELECT received_ms FROM appeals WHERE id = "+c+"), "+c+")")
	}
	sqlText := summarySelect
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	sqlText += " ORDER BY a.received_ms DESC, a.id DESC LIMIT " + arg(q.Limit)
	rows, err := s.db.R(ctx).QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if q.NoDeadlines {
		return out, nil
	}
	return out, s.withNextDeadlines(ctx, out)
}

// likePrefix escapes a path for a LIKE prefix match. Territory paths hold
// only ids and slashes, but escaping keeps the match exact regardless.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

func (s *store) countDemo(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals WHERE tenant_id = $1 AND demo = 1`, tenantID).Scan(&n)
	return n, err
}

// demoTotals counts the demo items and those with a clock overdue at now.
func (s *store) demoTotals(ctx context.Context, now time.Time) (items, overdue int, err error) {
	q := s.db.R(ctx)
	if err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals WHERE demo = 1`).Scan(&items); err != nil {
		return
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT a.id) FROM appeals a JOIN appeals_deadlines d ON d.appeal_id = a.id
		WHERE a.demo = 1 AND d.closed_ms IS NULL AND d.due_ms < $1`, db.Millis(now)).Scan(&overdue)
	return
}

// args_ adds each value as a placeholder and returns them comma-separated.
func placeholders(arg func(any) string, vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = arg(v)
	}
	return strings.Join(ps, ", ")
}
