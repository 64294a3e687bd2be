package appeals

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Comment is an official's internal note on an item.
type Comment struct {
	ID         string    `json:"id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}

// staffItem reads an item the actor works on as an official.
func (s *Service) staffItem(ctx context.Context, id string) (*auth.Actor, Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, Appeal{}, err
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return nil, a, err
	}
	if !canRead(who, a) {
		return nil, a, ErrNotFound
	}
	if !canStaff(who, a, auth.RoleOperator) {
		return nil, a, ErrForbidden
	}
	return who, a, nil
}

// AddComment adds an internal comment, visible to officials only.
func (s *Service) AddComment(ctx context.Context, id, body string) (Comment, error) {
	who, a, err := s.staffItem(ctx, id)
	if err != nil {
		return Comment{}, err
	}
	if bad := checkNote("comment", body, true); bad != nil {
		return Comment{}, invalid("comment-invalid", bad)
	}
	c := Comment{ID: db.NewID(), AuthorName: who.Name, Body: strings.TrimSpace(body), At: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_comments (id, appeal_id, author_id, author_name, body, at_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, a.ID, who.ID, c.AuthorName, c.Body, db.Millis(c.At)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.appeal.comment", ObjectType: "appeal", ObjectID: a.ID, TenantID: a.TenantID,
			Detail: map[string]any{"comment_id": c.ID}}, "appeal.commented", eventOf(a, "comment"))
	})
	return c, wrap("comment", err)
}

// Comments lists an item's internal comments, oldest first, to officials.
func (s *Service) Comments(ctx context.Context, id string) ([]Comment, error) {
	if _, _, err := s.staffItem(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, author_name, body, at_ms FROM appeals_comments
		WHERE appeal_id = $1 ORDER BY at_ms, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.AuthorName, &c.Body, &at); err != nil {
			return nil, err
		}
		c.At = db.Time(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Link marks two items of one municipality as duplicates of each other.
// They stay separate: each keeps its own workflow and its author their
// own answer.
func (s *Service) Link(ctx context.Context, id, otherID string) error {
	_, a, err := s.staffItem(ctx, id)
	if err != nil {
		return err
	}
	otherID = strings.TrimSpace(otherID)
	_, b, err := s.staffItem(ctx, otherID)
	if err != nil || b.TenantID != a.TenantID || b.ID == a.ID {
		if err != nil && !errors.Is(err, fault.ErrNotFound) && !errors.Is(err, fault.ErrForbidden) {
			return err
		}
		return invalid("link-invalid", map[string]string{"other_id": "appeals.link.unknown"})
	}
	return wrap("link", s.db.InTx(ctx, func(ctx context.Context) error {
		for _, pair := range [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
			if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_links (appeal_id, other_id, at_ms) VALUES ($1, $2, $3)
				ON CONFLICT (appeal_id, other_id) DO NOTHING`, pair[0], pair[1], db.Millis(s.now())); err != nil {
				return err
			}
		}
		return s.record(ctx, audit.Entry{Action: "appeals.appeal.link", ObjectType: "appeal", ObjectID: a.ID, TenantID: a.TenantID,
			Detail: map[string]any{"other_id": b.ID}}, "appeal.linked", eventOf(a, "link"))
	}))
}

// Linked lists the items linked to an item, for officials.
func (s *Service) Linked(ctx context.Context, id string) ([]Summary, error) {
	if _, _, err := s.staffItem(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT other_id FROM appeals_links WHERE appeal_id = $1 ORDER BY at_ms`, id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return []Summary{}, err
	}
	return s.st.list(ctx, listQuery{IDs: ids, Limit: 100})
}
