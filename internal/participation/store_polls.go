package participation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/muni-platform/muni/internal/platform/db"
)

const pollColumns = `id, process_id, tenant_id, kind, question, max_choices, live, closes_ms, demo, created_ms`

func scanPoll(s scanner) (Poll, error) {
	var p Poll
	var live, demo int
	var closes, created int64
	err := s.Scan(&p.ID, &p.ProcessID, &p.TenantID, &p.Kind, &p.Question, &p.MaxChoices, &live, &closes, &demo, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.Live, p.Demo, p.ClosesAt, p.CreatedAt = live == 1, demo == 1, db.Time(closes), db.Time(created)
	return p, err
}

func (s *store) createPoll(ctx context.Context, p Poll) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_polls (`+pollColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		p.ID, p.ProcessID, p.TenantID, p.Kind, p.Question, p.MaxChoices, b2i(p.Live), db.Millis(p.ClosesAt), b2i(p.Demo),
		db.Millis(p.CreatedAt)); err != nil {
		return err
	}
	for i, o := range p.Options {
		if _, err := q.ExecContext(ctx, `INSERT INTO participation_poll_options (poll_id, position, label) VALUES ($1, $2, $3)`,
			p.ID, i+1, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) poll(ctx context.Context, id string) (Poll, error) {
	p, err := scanPoll(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+pollColumns+` FROM participation_polls WHERE id = $1`, id))
	if err != nil {
		return p, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT label FROM participation_poll_options WHERE poll_id = $1 ORDER BY position`, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return p, err
		}
		p.Options = append(p.Options, l)
	}
	return p, rows.Err()
}

func (s *store) polls(ctx context.Context, processID string) ([]Poll, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id FROM participation_polls WHERE process_id = $1 ORDER BY created_ms, id`, processID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Poll, 0, len(ids))
	for _, id := range ids {
		p, err := s.poll(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// respond stores one response; a second by the same person is a unique
// violation.
func (s *store) respond(ctx context.Context, p Poll, userID string, a PollAnswer, at int64) error {
	q := s.db.Q(ctx)
	id := db.NewID()
	if _, err := q.ExecContext(ctx, `INSERT INTO participation_poll_responses (id, poll_id, user_id, created_ms) VALUES ($1, $2, $3, $4)`,
		id, p.ID, userID, at); err != nil {
		return err
	}
	if p.Kind == PollText {
		_, err := q.ExecContext(ctx, `INSERT INTO participation_poll_answers (response_id, poll_id, option_pos, rank, text)
			VALUES ($1, $2, 0, 0, $3)`, id, p.ID, a.Text)
		return err
	}
	for i, c := range a.Choices {
		rank := 0
		if p.Kind == PollRanking {
			rank = i + 1
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO participation_poll_answers (response_id, poll_id, option_pos, rank, text)
			VALUES ($1, $2, $3, $4, '')`, id, p.ID, c, rank); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) responded(ctx context.Context, pollID, userID string) (bool, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_poll_responses WHERE poll_id = $1 AND user_id = $2`,
		pollID, userID).Scan(&n)
	return n > 0, err
}

func (s *store) responses(ctx context.Context, pollID string) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_poll_responses WHERE poll_id = $1`, pollID).Scan(&n)
	return n, err
}

// tally is, per option position, the answers choosing it and, for a
// ranking, the sum of their ranks' Borda points (n - rank).
func (s *store) tally(ctx context.Context, pollID string, n int) (votes, first, points map[int]int, err error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT option_pos, COUNT(*),
		SUM(CASE WHEN rank = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN rank > 0 THEN $2 - rank ELSE 0 END)
		FROM participation_poll_answers WHERE poll_id = $1 AND option_pos > 0 GROUP BY option_pos`, pollID, n)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	votes, first, points = map[int]int{}, map[int]int{}, map[int]int{}
	for rows.Next() {
		var pos, v, f, pts int
		if err := rows.Scan(&pos, &v, &f, &pts); err != nil {
			return nil, nil, nil, err
		}
		votes[pos], first[pos], points[pos] = v, f, pts
	}
	return votes, first, points, rows.Err()
}

func (s *store) texts(ctx context.Context, pollID string) ([]string, error) {
	return db.Strings(ctx, s.db.R(ctx), `SELECT a.text FROM participation_poll_answers a
		JOIN participation_poll_responses r ON r.id = a.response_id WHERE a.poll_id = $1 AND a.option_pos = 0
		ORDER BY r.created_ms, r.id`, pollID)
}
