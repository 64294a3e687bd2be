package participation

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/db"
)

const proposalColumns = `id, process_id, tenant_id, territory_node_id, territory_path, author_id, author_name, title, body,
	supports, threshold, reached_ms, flags, moderation, answer_state, answer, answered_ms, demo, created_ms`

func scanProposal(s scanner) (Proposal, error) {
	var p Proposal
	var reached, answered sql.NullInt64
	var demo int
	var created int64
	err := s.Scan(&p.ID, &p.ProcessID, &p.TenantID, &p.TerritoryNodeID, &p.TerritoryPath, &p.AuthorID, &p.AuthorName,
		&p.Title, &p.Body, &p.Supports, &p.Threshold, &reached, &p.Flags, &p.Moderation, &p.AnswerState, &p.Answer,
		&answered, &demo, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.ReachedAt = db.TimePtr(reached)
	p.AnsweredAt = db.TimePtr(answered)
	p.Demo, p.CreatedAt = demo == 1, db.Time(created)
	return p, err
}

func (s *store) createProposal(ctx context.Context, p Proposal, stems []string) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_proposals (`+proposalColumns+`, visible)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, NULL, 0, '', '', '', NULL, $11, $12, 1)`,
		p.ID, p.ProcessID, p.TenantID, p.TerritoryNodeID, p.TerritoryPath, p.AuthorID, p.AuthorName, p.Title, p.Body,
		p.Threshold, b2i(p.Demo), db.Millis(p.CreatedAt)); err != nil {
		return err
	}
	for _, st := range stems {
		if _, err := q.ExecContext(ctx, `INSERT INTO participation_proposal_words (process_id, stem, proposal_id)
			VALUES ($1, $2, $3)`, p.ProcessID, st, p.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) proposal(ctx context.Context, id string) (Proposal, error) {
	return scanProposal(s.db.Q(ctx).QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals WHERE id = $1`, id))
}

// proposals reads one page of a process's visible proposals, limit+1 rows
// after the cursor.
func (s *store) proposals(ctx context.Context, processID string, order Order, after []string, limit int) ([]Proposal, error) {
	args := []any{processID}
	where := `process_id = $1 AND visible = 1`
	sort := ` ORDER BY created_ms DESC, id DESC`
	key := `created_ms`
	if order == OrderTop {
		sort, key = ` ORDER BY supports DESC, id DESC`, `supports`
	}
	if len(after) == 2 {
		n, err := strconv.ParseInt(after[0], 10, 64)
		if err != nil {
			return nil, invalid("cursor-invalid", map[string]string{"cursor": "error.cursor"})
		}
		args = append(args, n, after[1])
		where += ` AND (` + key + `, id) < ($2, $3)` // a row value: one index range on both engines
	} else if after != nil {
		return nil, invalid("cursor-invalid", map[string]string{"cursor": "error.cursor"})
	}
	args = append(args, limit+1)
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals WHERE `+where+sort+
		` LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// candidates are the visible proposals of a process sharing the most
// title stems with stems, at most limit.
func (s *store) candidates(ctx context.Context, processID string, stems []string, limit int) ([]Proposal, error) {
	if len(stems) == 0 {
		return nil, nil
	}
	args := []any{processID}
	in := ""
	for i, st := range stems {
		if i > 0 {
			in += ", "
		}
		args = append(args, st)
		in += "$" + strconv.Itoa(len(args))
	}
	args = append(args, limit)
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals WHERE id IN (
		SELECT proposal_id FROM participation_proposal_words WHERE process_id = $1 AND stem IN (`+in+`)
		GROUP BY proposal_id ORDER BY COUNT(*) DESC, proposal_id LIMIT $`+strconv.Itoa(len(args))+`) AND visible = 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// addSupport records one person's support; a second one is a unique
// violation.
func (s *store) addSupport(ctx context.Context, proposalID, userID string, at int64) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_supports (proposal_id, user_id, created_ms) VALUES ($1, $2, $3)`,
		proposalID, userID, at); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `UPDATE participation_proposals SET supports = supports + 1,
		reached_ms = CASE WHEN reached_ms IS NULL AND supports + 1 >= threshold THEN $2 ELSE reached_ms END WHERE id = $1`,
		proposalID, at)
	return err
}

func (s *store) supported(ctx context.Context, proposalID, userID string) (bool, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_supports WHERE proposal_id = $1 AND user_id = $2`,
		proposalID, userID).Scan(&n)
	return n > 0, err
}

func (s *store) answer(ctx context.Context, id string, st AnswerState, text string, at int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE participation_proposals SET answer_state = $2, answer = $3, answered_ms = $4
		WHERE id = $1`, id, st, text, at)
	return err
}

const commentColumns = `id, proposal_id, parent_id, depth, author_id, author_name, stance, body, flags, moderation, demo, created_ms`

func scanComment(s scanner) (Comment, error) {
	var c Comment
	var demo int
	var created int64
	err := s.Scan(&c.ID, &c.ProposalID, &c.ParentID, &c.Depth, &c.AuthorID, &c.AuthorName, &c.Stance, &c.Body, &c.Flags,
		&c.Moderation, &demo, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.Demo, c.CreatedAt = demo == 1, db.Time(created)
	return c, err
}

func (s *store) createComment(ctx context.Context, c Comment) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_comments (`+commentColumns+`, visible)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, '', $9, $10, 1)`,
		c.ID, c.ProposalID, c.ParentID, c.Depth, c.AuthorID, c.AuthorName, c.Stance, c.Body, b2i(c.Demo), db.Millis(c.CreatedAt))
	return err
}

func (s *store) comment(ctx context.Context, id string) (Comment, error) {
	return scanComment(s.db.Q(ctx).QueryRowContext(ctx, `SELECT `+commentColumns+` FROM participation_comments WHERE id = $1`, id))
}

// comments reads a proposal's comments, oldest first; visible ones only
// unless all.
func (s *store) comments(ctx context.Context, proposalID string, all bool) ([]Comment, error) {
	q := `SELECT ` + commentColumns + ` FROM participation_comments WHERE proposal_id = $1`
	if !all {
		q += ` AND visible = 1`
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q+` ORDER BY created_ms, id`, proposalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// tables of the flaggable items.
var flagTables = map[string]string{"proposal": "participation_proposals", "comment": "participation_comments"}

// addFlag records one person's flag and counts it; when the item reaches
// limit flags and no moderator has kept it, it is hidden pending
// moderation. It reports whether this flag hid it.
func (s *store) addFlag(ctx context.Context, typ, id, userID, reason string, limit int, at int64) (bool, error) {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_flags (object_type, object_id, user_id, reason, created_ms)
		VALUES ($1, $2, $3, $4, $5)`, typ, id, userID, reason, at); err != nil {
		return false, err
	}
	tbl := flagTables[typ]
	if _, err := q.ExecContext(ctx, `UPDATE `+tbl+` SET flags = flags + 1 WHERE id = $1`, id); err != nil {
		return false, err
	}
	res, err := q.ExecContext(ctx, `UPDATE `+tbl+` SET moderation = 'pending', visible = 0
		WHERE id = $1 AND moderation = '' AND flags >= $2`, id, limit)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (s *store) moderate(ctx context.Context, typ, id string, m Moderation) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE `+flagTables[typ]+` SET moderation = $2, visible = $3 WHERE id = $1`,
		id, m, b2i(m.Visible()))
	return err
}

// pendingProposals and pendingComments are a municipality's moderation
// queue.
func (s *store) pendingProposals(ctx context.Context, tenantID string) ([]Proposal, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals
		WHERE tenant_id = $1 AND moderation = 'pending' ORDER BY created_ms`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *store) pendingComments(ctx context.Context, tenantID string) ([]Comment, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT c.id, c.proposal_id, c.parent_id, c.depth,
		c.author_id, c.author_name, c.stance, c.body, c.flags, c.moderation, c.demo, c.created_ms
		FROM participation_comments c JOIN participation_proposals p ON p.id = c.proposal_id
		WHERE c.moderation = 'pending' AND p.tenant_id = $1 ORDER BY c.created_ms`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
