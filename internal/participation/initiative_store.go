package participation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

func (s *store) initiativeRules(ctx context.Context, tenantID string) (InitiativeRules, error) {
	r := InitiativeRules{TenantID: tenantID}
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT min_group, consideration_days FROM participation_initiative_rules
		WHERE tenant_id = $1`, tenantID).Scan(&r.MinGroup, &r.ConsiderationDays)
	if errors.Is(err, sql.ErrNoRows) {
		r.MinGroup, r.ConsiderationDays, err = defaultMinGroup, defaultConsiderationDays, nil
	}
	if err != nil {
		return r, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT code, label, label_en, weight, max_score
		FROM participation_initiative_criteria WHERE tenant_id = $1 ORDER BY position`, tenantID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.Code, &c.Label, &c.LabelEN, &c.Weight, &c.MaxScore); err != nil {
			return r, err
		}
		r.Criteria = append(r.Criteria, c)
	}
	return r, rows.Err()
}

func (s *store) setInitiativeRules(ctx context.Context, r InitiativeRules) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM participation_initiative_rules WHERE tenant_id = $1`, r.TenantID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_initiative_rules (tenant_id, min_group, consideration_days)
		VALUES ($1, $2, $3)`, r.TenantID, r.MinGroup, r.ConsiderationDays); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM participation_initiative_criteria WHERE tenant_id = $1`, r.TenantID); err != nil {
		return err
	}
	for i, c := range r.Criteria {
		if _, err := q.ExecContext(ctx, `INSERT INTO participation_initiative_criteria
			(tenant_id, code, label, label_en, weight, max_score, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.TenantID, c.Code, c.Label, c.LabelEN, c.Weight, c.MaxScore, i); err != nil {
			return err
		}
	}
	return nil
}

const initiativeColumns = `id, tenant_id, node_id, node_path, title, description, cost_kop, status, created_by,
	created_ms, submitted_ms, due_ms, decided_ms, reason, demo,
	(SELECT COUNT(*) FROM participation_initiative_members m WHERE m.initiative_id = i.id),
	(SELECT COUNT(*) FROM participation_initiative_supports s WHERE s.initiative_id = i.id)`

func scanInitiative(sc scanner) (Initiative, error) {
	var it Initiative
	var created, submitted, due, decided int64
	var demo int
	err := sc.Scan(&it.ID, &it.TenantID, &it.NodeID, &it.NodePath, &it.Title, &it.Description, &it.Cost, &it.Status,
		&it.CreatedBy, &created, &submitted, &due, &decided, &it.Reason, &demo, &it.Members, &it.Supports)
	if errors.Is(err, sql.ErrNoRows) {
		return it, ErrNotFound
	}
	it.CreatedAt, it.Demo = db.Time(created), demo == 1
	if submitted > 0 {
		it.SubmittedAt = db.Time(submitted)
	}
	if due > 0 {
		it.DueAt = db.Time(due)
	}
	if decided > 0 {
		it.DecidedAt = db.Time(decided)
	}
	return it, err
}

func (s *store) createInitiative(ctx context.Context, it Initiative) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiatives (id, tenant_id, node_id, node_path,
		title, description, cost_kop, status, created_by, created_ms, demo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		it.ID, it.TenantID, it.NodeID, it.NodePath, it.Title, it.Description, it.Cost, it.Status, it.CreatedBy,
		db.Millis(it.CreatedAt), b2i(it.Demo))
	return err
}

func (s *store) initiative(ctx context.Context, id string) (Initiative, error) {
	q := s.db.R(ctx)
	if db.InTxNow(ctx) {
		q = s.db.Q(ctx)
	}
	return scanInitiative(q.QueryRowContext(ctx, `SELECT `+initiativeColumns+` FROM participation_initiatives i WHERE id = $1`, id))
}

func (s *store) initiatives(ctx context.Context, tenantID string) ([]Initiative, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+initiativeColumns+` FROM participation_initiatives i
		WHERE tenant_id = $1 ORDER BY created_ms DESC, id DESC LIMIT 500`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		it, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// moveInitiative writes a new status if the project is still in from;
// otherwise someone moved it first.
func (s *store) moveInitiative(ctx context.Context, it Initiative, from string) error {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_initiatives SET status = $1, submitted_ms = $2,
		due_ms = $3, decided_ms = $4, reason = $5 WHERE id = $6 AND status = $7`,
		it.Status, ms(it.SubmittedAt), ms(it.DueAt), ms(it.DecidedAt), it.Reason, it.ID, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errInitiativeState
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return db.Millis(t)
}

func (s *store) addMember(ctx context.Context, id, userID, name string, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiative_members (initiative_id, user_id, name, joined_ms)
		VALUES ($1, $2, $3, $4)`, id, userID, name, db.Millis(at))
	return err
}

func (s *store) isMember(ctx context.Context, id, userID string) (bool, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_initiative_members
		WHERE initiative_id = $1 AND user_id = $2`, id, userID).Scan(&n)
	return n > 0, err
}

func (s *store) memberNames(ctx context.Context, id string) ([]string, error) {
	return db.Strings(ctx, s.db.R(ctx), `SELECT name FROM participation_initiative_members
		WHERE initiative_id = $1 ORDER BY joined_ms, user_id`, id)
}

func (s *store) addInitiativeSupport(ctx context.Context, id, userID string, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiative_supports (initiative_id, user_id, created_ms)
		VALUES ($1, $2, $3)`, id, userID, db.Millis(at))
	return err
}

func (s *store) addMeeting(ctx context.Context, id string, m Meeting, by string, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiative_meetings (id, initiative_id, held_on, place,
		attendees, votes_for, minutes, recorded_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, id, m.HeldOn, m.Place, m.Attendees, m.VotesFor, m.Minutes, by, db.Millis(at))
	return err
}

func (s *store) meetings(ctx context.Context, id string) ([]Meeting, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, held_on, place, attendees, votes_for, minutes
		FROM participation_initiative_meetings WHERE initiative_id = $1 ORDER BY held_on, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		var m Meeting
		if err := rows.Scan(&m.ID, &m.HeldOn, &m.Place, &m.Attendees, &m.VotesFor, &m.Minutes); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *store) setScore(ctx context.Context, id string, sc Score) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM participation_initiative_scores WHERE initiative_id = $1 AND member_id = $2
		AND criterion = $3`, id, sc.MemberID, sc.Criterion); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO participation_initiative_scores (initiative_id, member_id, member_name, criterion, score)
		VALUES ($1, $2, $3, $4, $5)`, id, sc.MemberID, sc.MemberName, sc.Criterion, sc.Score)
	return err
}

func (s *store) scores(ctx context.Context, id string) ([]Score, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT member_id, member_name, criterion, score
		FROM participation_initiative_scores WHERE initiative_id = $1 ORDER BY member_id, criterion`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Score
	for rows.Next() {
		var sc Score
		if err := rows.Scan(&sc.MemberID, &sc.MemberName, &sc.Criterion, &sc.Score); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

func (s *store) addPayer(ctx context.Context, id string, p Payer, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiative_payers (id, initiative_id, kind, name, created_ms)
		VALUES ($1, $2, $3, $4, $5)`, p.ID, id, p.Kind, p.Name, db.Millis(at))
	return err
}

func (s *store) payer(ctx context.Context, id, payerID string) (Payer, error) {
	var p Payer
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT id, kind, name FROM participation_initiative_payers
		WHERE initiative_id = $1 AND id = $2`, id, payerID).Scan(&p.ID, &p.Kind, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

func (s *store) payers(ctx context.Context, id string) ([]Payer, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, kind, name FROM participation_initiative_payers
		WHERE initiative_id = $1 ORDER BY created_ms, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payer
	for rows.Next() {
		var p Payer
		if err := rows.Scan(&p.ID, &p.Kind, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *store) addEntry(ctx context.Context, id string, e LedgerEntry, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_initiative_entries (initiative_id, seq, kind, payer_id,
		debit, credit, amount, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, e.Seq, e.Kind, e.PayerID, e.Debit, e.Credit, e.Amount, db.Millis(at))
	return err
}

func (s *store) entries(ctx context.Context, id string) ([]LedgerEntry, error) {
	q := s.db.R(ctx)
	if db.InTxNow(ctx) {
		q = s.db.Q(ctx)
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, kind, payer_id, debit, credit, amount
		FROM participation_initiative_entries WHERE initiative_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LedgerEntry
	for rows.Next() {
		var e LedgerEntry
		if err := rows.Scan(&e.Seq, &e.Kind, &e.PayerID, &e.Debit, &e.Credit, &e.Amount); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// accountBalances sums the entries by account in SQL, independently of
// the Go ledger.
func (s *store) accountBalances(ctx context.Context, id string) (map[string]int64, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT account, SUM(amount) FROM (
		SELECT debit AS account, amount FROM participation_initiative_entries WHERE initiative_id = $1
		UNION ALL
		SELECT credit AS account, -amount AS amount FROM participation_initiative_entries WHERE initiative_id = $1
	) x GROUP BY account ORDER BY account`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var a string
		var v int64
		if err := rows.Scan(&a, &v); err != nil {
			return nil, err
		}
		out[a] = v
	}
	return out, rows.Err()
}
