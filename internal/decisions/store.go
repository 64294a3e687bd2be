package decisions

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

type store struct{ db *db.DB }

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("decisions: %s: %w", what, err)
}

func (st *store) createCase(ctx context.Context, c Case, by string) error {
	m, err := json.Marshal(c.Model)
	if err != nil {
		return wrap("case model", err)
	}
	_, err = st.db.Q(ctx).ExecContext(ctx, `INSERT INTO decision_cases (id, tenant_id, title, question, model, created_ms, updated_ms, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.TenantID, c.Title, c.Question, string(m),
		db.Millis(c.CreatedAt), db.Millis(c.UpdatedAt), by)
	return wrap("create case", err)
}

func (st *store) updateCase(ctx context.Context, c Case) error {
	m, err := json.Marshal(c.Model)
	if err != nil {
		return wrap("case model", err)
	}
	_, err = st.db.Q(ctx).ExecContext(ctx, `UPDATE decision_cases SET title = $1, question = $2, model = $3, updated_ms = $4 WHERE id = $5`,
		c.Title, c.Question, string(m), db.Millis(c.UpdatedAt), c.ID)
	return wrap("update case", err)
}

const caseCols = `id, tenant_id, title, question, model, created_ms, updated_ms`

func scanCase(s interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var model string
	var created, updated int64
	if err := s.Scan(&c.ID, &c.TenantID, &c.Title, &c.Question, &model, &created, &updated); err != nil {
		return Case{}, err
	}
	if err := json.Unmarshal([]byte(model), &c.Model); err != nil {
		return Case{}, err
	}
	c.CreatedAt, c.UpdatedAt = db.Time(created), db.Time(updated)
	return c, nil
}

func (st *store) caseByID(ctx context.Context, id string) (Case, error) {
	c, err := scanCase(st.db.R(ctx).QueryRowContext(ctx, `SELECT `+caseCols+` FROM decision_cases WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, notFound()
	}
	return c, wrap("case", err)
}

func (st *store) cases(ctx context.Context, tenantID string) ([]Case, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT `+caseCols+` FROM decision_cases WHERE tenant_id = $1 ORDER BY updated_ms DESC LIMIT 200`, tenantID)
	if err != nil {
		return nil, wrap("cases", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, wrap("cases", err)
		}
		out = append(out, c)
	}
	return out, wrap("cases", rows.Err())
}

func (st *store) createDecision(ctx context.Context, d Decision) error {
	links, err := json.Marshal(d.Links)
	if err != nil {
		return wrap("links", err)
	}
	_, err = st.db.Q(ctx).ExecContext(ctx, `INSERT INTO decisions (id, tenant_id, case_id, decided_on, body, number, title, text, rationale,
		status, links, search, demo, created_ms, updated_ms, published_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0)`,
		d.ID, d.TenantID, d.CaseID, d.DecidedOn, d.Body, d.Number, d.Title, d.Text, d.Rationale, d.Status, string(links),
		searchText(d), boolInt(d.Demo), db.Millis(d.CreatedAt), db.Millis(d.UpdatedAt))
	if db.IsUnique(err) {
		return invalid("decision-number", map[string]string{"number": "decisions.error.number_taken"})
	}
	return wrap("create decision", err)
}

func (st *store) publish(ctx context.Context, id string, atMs int64) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE decisions SET published_ms = $1, updated_ms = $1 WHERE id = $2`, atMs, id)
	return wrap("publish", err)
}

func (st *store) setStatus(ctx context.Context, id string, s Status, atMs int64) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `UPDATE decisions SET status = $1, updated_ms = $2 WHERE id = $3`, s, atMs, id)
	return wrap("status", err)
}

func (st *store) addHistory(ctx context.Context, decisionID string, c StatusChange) error {
	_, err := st.db.Q(ctx).ExecContext(ctx, `INSERT INTO decision_status_history (id, decision_id, status, note, at_ms) VALUES ($1, $2, $3, $4, $5)`,
		db.NewID(), decisionID, c.Status, c.Note, db.Millis(c.At))
	return wrap("history", err)
}

const decisionCols = `id, tenant_id, case_id, decided_on, body, number, title, text, rationale, status, links, demo, created_ms, updated_ms, published_ms`

func scanDecision(s interface{ Scan(...any) error }) (Decision, error) {
	var d Decision
	var links string
	var created, updated, published int64
	var demo int
	if err := s.Scan(&d.ID, &d.TenantID, &d.CaseID, &d.DecidedOn, &d.Body, &d.Number, &d.Title, &d.Text, &d.Rationale,
		&d.Status, &links, &demo, &created, &updated, &published); err != nil {
		return Decision{}, err
	}
	d.Demo = demo == 1
	if err := json.Unmarshal([]byte(links), &d.Links); err != nil {
		return Decision{}, err
	}
	d.CreatedAt, d.UpdatedAt = db.Time(created), db.Time(updated)
	if published > 0 {
		t := db.Time(published)
		d.PublishedAt = &t
	}
	return d, nil
}

func (st *store) decision(ctx context.Context, id string) (Decision, error) {
	d, err := scanDecision(st.db.R(ctx).QueryRowContext(ctx, `SELECT `+decisionCols+` FROM decisions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Decision{}, notFound()
	}
	if err != nil {
		return Decision{}, wrap("decision", err)
	}
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT status, note, at_ms FROM decision_status_history WHERE decision_id = $1 ORDER BY at_ms, id`, id)
	if err != nil {
		return Decision{}, wrap("history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c StatusChange
		var at int64
		if err := rows.Scan(&c.Status, &c.Note, &at); err != nil {
			return Decision{}, wrap("history", err)
		}
		c.At = db.Time(at)
		d.History = append(d.History, c)
	}
	return d, wrap("history", rows.Err())
}

// Filter selects register entries.
type Filter struct {
	Query  string // words the number, title, text or rationale contain
	Status Status // "" for every status
	Drafts bool   // include unpublished decisions (officials only)
	Limit  int    // 1..500, 100 when 0
}

func (st *store) decisions(ctx context.Context, tenantID string, f Filter) ([]Decision, error) {
	q := `SELECT ` + decisionCols + ` FROM decisions WHERE tenant_id = $1`
	args := []any{tenantID}
	if !f.Drafts {
		q += ` AND published_ms > 0`
	}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(` AND status = $%d`, len(args))
	}
	for _, w := range strings.Fields(strings.ToLower(f.Query)) {
		args = append(args, "%"+likeEscape(w)+"%")
		q += fmt.Sprintf(` AND search LIKE $%d ESCAPE '\'`, len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += fmt.Sprintf(` ORDER BY decided_on DESC, created_ms DESC LIMIT %d`, f.Limit)
	rows, err := st.db.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("register", err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, wrap("register", err)
		}
		out = append(out, d)
	}
	return out, wrap("register", rows.Err())
}

// likeEscape quotes LIKE's wildcards in a search word.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (st *store) follow(ctx context.Context, userID, tenantID, decisionID string, on bool, atMs int64) error {
	var err error
	if on {
		_, err = st.db.Q(ctx).ExecContext(ctx, `INSERT INTO decision_subscriptions (user_id, tenant_id, decision_id, created_ms)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, userID, tenantID, decisionID, atMs)
	} else {
		_, err = st.db.Q(ctx).ExecContext(ctx, `DELETE FROM decision_subscriptions WHERE user_id = $1 AND tenant_id = $2 AND decision_id = $3`,
			userID, tenantID, decisionID)
	}
	return wrap("follow", err)
}

func (st *store) following(ctx context.Context, userID, tenantID, decisionID string) (bool, error) {
	var n int
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM decision_subscriptions WHERE user_id = $1 AND tenant_id = $2 AND decision_id = $3`,
		userID, tenantID, decisionID).Scan(&n)
	return n > 0, wrap("following", err)
}

// followers are the people following the register (decision_id = ”)
// or, when decisionID is set, that decision too; each once.
func (st *store) followers(ctx context.Context, tenantID, decisionID string) ([]string, error) {
	out, err := db.Strings(ctx, st.db.R(ctx), `SELECT DISTINCT user_id FROM decision_subscriptions
		WHERE tenant_id = $1 AND (decision_id = '' OR decision_id = $2) ORDER BY user_id`, tenantID, decisionID)
	return out, wrap("followers", err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
