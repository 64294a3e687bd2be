package appeals

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/muni-platform/muni/internal/platform/db"
)

const questionColumns = `id, category_id, tenant_id, code, kind, label_ru, label_en, hint_ru, hint_en, required, position,
	options, created_ms`

func scanQuestion(s scanner) (Question, error) {
	var q Question
	var required int
	var options string
	var created int64
	err := s.Scan(&q.ID, &q.CategoryID, &q.TenantID, &q.Code, &q.Kind, &q.LabelRU, &q.LabelEN, &q.HintRU, &q.HintEN,
		&required, &q.Position, &options, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return q, ErrNotFound
	}
	if err != nil {
		return q, err
	}
	q.Required, q.CreatedAt = required == 1, db.Time(created)
	if err := json.Unmarshal([]byte(options), &q.Options); err != nil {
		return q, err
	}
	if len(q.Options) == 0 {
		q.Options = nil
	}
	return q, nil
}

func (s *store) createQuestion(ctx context.Context, q Question) error {
	options := q.Options
	if options == nil {
		options = []Option{}
	}
	b, err := json.Marshal(options)
	if err != nil {
		return err
	}
	_, err = s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_questions (`+questionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		q.ID, q.CategoryID, q.TenantID, q.Code, q.Kind, q.LabelRU, q.LabelEN, q.HintRU, q.HintEN, b2i(q.Required),
		q.Position, string(b), db.Millis(q.CreatedAt))
	return err
}

func (s *store) question(ctx context.Context, id string) (Question, error) {
	return scanQuestion(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+questionColumns+` FROM appeals_questions WHERE id = $1`, id))
}

func (s *store) questions(ctx context.Context, categoryID string) ([]Question, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+questionColumns+` FROM appeals_questions
		WHERE category_id = $1 ORDER BY position, code`, categoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Question{}
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// categoriesWithQuestions names the categories of a municipality that
// ask anything, for Open311's metadata flag.
func (s *store) categoriesWithQuestions(ctx context.Context, tenantID string) (map[string]bool, error) {
	return db.StringSet(ctx, s.db.R(ctx), `SELECT DISTINCT category_id FROM appeals_questions WHERE tenant_id = $1`, tenantID)
}

func (s *store) deleteQuestion(ctx context.Context, id string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM appeals_questions WHERE id = $1`, id)
	return err
}

func (s *store) setQuestionPosition(ctx context.Context, id string, pos int) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals_questions SET position = $1 WHERE id = $2`, pos, id)
	return err
}

func (s *store) addAnswers(ctx context.Context, appealID string, answers []Answer) error {
	for _, a := range answers {
		if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_answers (appeal_id, question_id, code, value)
			VALUES ($1, $2, $3, $4)`, appealID, a.QuestionID, a.Code, a.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) answers(ctx context.Context, appealID string) ([]Answer, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT w.question_id, w.code, w.value FROM appeals_answers w
		LEFT JOIN appeals_questions q ON q.id = w.question_id
		WHERE w.appeal_id = $1 ORDER BY COALESCE(q.position, 1000000), w.code`, appealID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		if err := rows.Scan(&a.QuestionID, &a.Code, &a.Value); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
