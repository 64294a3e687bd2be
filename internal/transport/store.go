package transport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Feed statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
	StatusRejected = "rejected"
)

// Feed is one imported version of a municipality's GTFS feed.
type Feed struct {
	ID         string
	No         int64 // the short key the version's rows carry
	TenantID   string
	Version    int
	Status     string
	SourceName string
	Info       FeedInfo
	Counts     Counts
	CreatedAt  time.Time
	CreatedBy  string
	Notices    []NoticeGroup // filled by Service.Feed
}

// Errors is the number of ERROR notices in the report.
func (f Feed) Errors() int { return f.count(SevError) }

// Warnings is the number of WARNING notices in the report.
func (f Feed) Warnings() int { return f.count(SevWarning) }

func (f Feed) count(s Severity) int {
	n := 0
	for _, g := range f.Notices {
		if g.Severity == s {
			n += g.Total
		}
	}
	return n
}

type store struct{ db *db.DB }

const feedCols = `id, no, tenant_id, version, status, source_name, timezone, publisher_name, publisher_url, feed_lang,
	default_lang, start_date, end_date, feed_version, contact_email, contact_url, has_feed_info, counts, created_ms, created_by`

// nextVersion is the tenant's next version number and the next short key.
func (s *store) nextVersion(ctx context.Context, tenant string) (version int, no int64, err error) {
	err = s.db.Q(ctx).QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(MAX(version), 0) + 1 FROM transport_feeds WHERE tenant_id = $1),
		(SELECT COALESCE(MAX(no), 0) + 1 FROM transport_feeds)`, tenant).Scan(&version, &no)
	return version, no, err
}

// createFeed writes the version record.
func (s *store) createFeed(ctx context.Context, f Feed) error {
	counts, err := json.Marshal(f.Counts)
	if err != nil {
		return err
	}
	i := f.Info
	hasInfo := 0
	if i.HasFeedInfo {
		hasInfo = 1
	}
	_, err = s.db.Q(ctx).ExecContext(ctx, `INSERT INTO transport_feeds (`+feedCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
		f.ID, f.No, f.TenantID, f.Version, f.Status, f.SourceName, i.TimeZone, i.PublisherName, i.PublisherURL, i.Lang,
		i.DefaultLang, i.StartDate, i.EndDate, i.Version, i.ContactEmail, i.ContactURL, hasInfo, string(counts),
		db.Millis(f.CreatedAt), f.CreatedBy)
	if err != nil {
		return fmt.Errorf("transport: create feed: %w", err)
	}
	return nil
}

// finishFeed stores what the import found once its rows are in.
func (s *store) finishFeed(ctx context.Context, f Feed) error {
	counts, err := json.Marshal(f.Counts)
	if err != nil {
		return err
	}
	i := f.Info
	hasInfo := 0
	if i.HasFeedInfo {
		hasInfo = 1
	}
	_, err = s.db.Q(ctx).ExecContext(ctx, `UPDATE transport_feeds SET status = $2, timezone = $3, publisher_name = $4,
		publisher_url = $5, feed_lang = $6, default_lang = $7, start_date = $8, end_date = $9, feed_version = $10,
		contact_email = $11, contact_url = $12, has_feed_info = $13, counts = $14 WHERE id = $1`,
		f.ID, f.Status, i.TimeZone, i.PublisherName, i.PublisherURL, i.Lang, i.DefaultLang, i.StartDate, i.EndDate,
		i.Version, i.ContactEmail, i.ContactURL, hasInfo, string(counts))
	return err
}

func (s *store) saveNotices(ctx context.Context, feedID string, groups []NoticeGroup) error {
	for _, g := range groups {
		samples, err := json.Marshal(g.Samples)
		if err != nil {
			return err
		}
		if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO transport_notices (feed_id, code, severity, total, samples)
			VALUES ($1, $2, $3, $4, $5)`, feedID, g.Code, string(g.Severity), g.Total, string(samples)); err != nil {
			return fmt.Errorf("transport: notices: %w", err)
		}
	}
	return nil
}

func (s *store) notices(ctx context.Context, feedID string) ([]NoticeGroup, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT code, severity, total, samples FROM transport_notices
		WHERE feed_id = $1 ORDER BY CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, code`, feedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NoticeGroup
	for rows.Next() {
		var g NoticeGroup
		var sev, samples string
		if err := rows.Scan(&g.Code, &sev, &g.Total, &samples); err != nil {
			return nil, err
		}
		g.Severity = Severity(sev)
		if err := json.Unmarshal([]byte(samples), &g.Samples); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func scanFeed(sc interface{ Scan(...any) error }) (Feed, error) {
	var f Feed
	var counts string
	var created int64
	var hasInfo int
	i := &f.Info
	err := sc.Scan(&f.ID, &f.No, &f.TenantID, &f.Version, &f.Status, &f.SourceName, &i.TimeZone, &i.PublisherName, &i.PublisherURL,
		&i.Lang, &i.DefaultLang, &i.StartDate, &i.EndDate, &i.Version, &i.ContactEmail, &i.ContactURL, &hasInfo,
		&counts, &created, &f.CreatedBy)
	if err != nil {
		return f, err
	}
	i.HasFeedInfo = hasInfo == 1
	f.CreatedAt = db.Time(created)
	f.Counts = Counts{}
	return f, json.Unmarshal([]byte(counts), &f.Counts)
}

// feed reads one version; ErrNotFound when missing.
func (s *store) feed(ctx context.Context, id string) (Feed, error) {
	f, err := scanFeed(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+feedCols+` FROM transport_feeds WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound()
	}
	return f, err
}

// activeFeed is the tenant's active version; ErrNotFound when none.
func (s *store) activeFeed(ctx context.Context, tenant string) (Feed, error) {
	f, err := scanFeed(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+feedCols+` FROM transport_feeds
		WHERE tenant_id = $1 AND status = 'active'`, tenant))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound()
	}
	return f, err
}

// feeds lists the tenant's versions, newest first.
func (s *store) feeds(ctx context.Context, tenant string) ([]Feed, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+feedCols+` FROM transport_feeds WHERE tenant_id = $1 ORDER BY version DESC`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// activate makes id the tenant's only active version.
func (s *store) activate(ctx context.Context, tenant, id string) error {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `UPDATE transport_feeds SET status = 'inactive' WHERE tenant_id = $1 AND status = 'active'`, tenant); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `UPDATE transport_feeds SET status = 'active' WHERE id = $1`, id)
	return err
}
