package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Notification is a stored notice as its recipient reads it.
type Notification struct {
	ID      string     `json:"id"`
	Kind    string     `json:"kind"`
	Title   string     `json:"title"`
	Body    string     `json:"body"`
	Link    string     `json:"link"`
	Created time.Time  `json:"created_at"`
	ReadAt  *time.Time `json:"read_at,omitempty"`
	// Zone is the IANA time zone of the municipality the notice is
	// about, in which pages show its time.
	Zone string `json:"-"`
}

// Moscow reports whether the notice's zone is Moscow time, which pages
// name in words; other zones are named by their UTC offset.
func (n Notification) Moscow() bool { return n.Zone == MoscowZone }

// Offset is the notice zone's UTC offset at its time ("UTC+05:00").
func (n Notification) Offset() string {
	loc, err := tz.Load(n.Zone)
	if err != nil {
		loc = time.UTC
	}
	return "UTC" + n.Created.In(loc).Format("-07:00")
}

// MoscowZone is the zone of notices whose municipality is unknown.
const MoscowZone = "Europe/Moscow"

// Unread reports whether the notification has not been read yet.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// MaxPage is the most notifications one List call returns.
const MaxPage = 100

// signedIn returns the signed-in person, whose notifications these are.
func signedIn(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() || a.Kind != auth.User {
		return nil, fault.ErrUnauthorized
	}
	return a, nil
}

// List returns the signed-in person's notifications, newest first, older
// than the one with id before (all when ""), rendered in lang.
func (s *Service) List(ctx context.Context, lang, before string, limit int) ([]Notification, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	q := `SELECT id, tenant_id, kind, msg_key, args, link, created_ms, read_ms FROM notifications WHERE user_id = $1`
	args := []any{a.ID}
	if before != "" {
		q += ` AND id < $2`
		args = append(args, before)
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	rows, err := s.d.DB.R(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: list: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	zones := map[string]string{} // a page's notices come from few municipalities: ask once each
	zoneOf := func(tenant string) string {
		z, ok := zones[tenant]
		if !ok {
			if s.d.Zone != nil && tenant != "" {
				z = s.d.Zone(ctx, tenant)
			}
			if z == "" {
				z = MoscowZone
			}
			zones[tenant] = z
		}
		return z
	}
	for rows.Next() {
		var n Notification
		var key, raw, tenant string
		var created int64
		var read *int64
		if err := rows.Scan(&n.ID, &tenant, &n.Kind, &key, &raw, &n.Link, &created, &read); err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, fmt.Errorf("notify: args of %s: %w", n.ID, err)
		}
		n.Title, n.Body = s.render(lang, key, m)
		n.Created = db.Time(created)
		n.Zone = zoneOf(tenant)
		if read != nil {
			t := db.Time(*read)
			n.ReadAt = &t
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Unread counts the unread notifications of userID, from the partial
// index alone; the layout shows it on every page.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.d.DB.R(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_ms IS NULL`, userID).Scan(&n)
	return n, err
}

// MarkRead marks one of the signed-in person's notifications read and
// returns its link. Someone else's notification does not exist for them.
func (s *Service) MarkRead(ctx context.Context, id string) (string, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return "", err
	}
	var link string
	err = s.d.DB.R(ctx).QueryRowContext(ctx, `SELECT link FROM notifications WHERE id = $1 AND user_id = $2`, id, a.ID).Scan(&link)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	_, err = s.d.DB.Q(ctx).ExecContext(ctx, `UPDATE notifications SET read_ms = $1 WHERE id = $2 AND user_id = $3 AND read_ms IS NULL`,
		db.Millis(time.Now()), id, a.ID)
	return link, err
}

// MarkAllRead marks every notification of the signed-in person read and
// returns how many were unread.
func (s *Service) MarkAllRead(ctx context.Context) (int64, error) {
	a, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	res, err := s.d.DB.Q(ctx).ExecContext(ctx, `UPDATE notifications SET read_ms = $1 WHERE user_id = $2 AND read_ms IS NULL`,
		db.Millis(time.Now()), a.ID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
