package proactive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/db"
)

const offerCols = `id, tenant_id, rule_id, resident_id, user_id, subject, subject_label, service_code, title, title_en, vals, status, created_ms, expires_ms, decided_ms, application_id`

func scanOffer(sc interface{ Scan(...any) error }) (Offer, error) {
	var o Offer
	var vals string
	var created, expires int64
	var decided sql.NullInt64
	if err := sc.Scan(&o.ID, &o.TenantID, &o.RuleID, &o.ResidentID, &o.UserID, &o.Subject, &o.About, &o.ServiceCode, &o.Title, &o.TitleEN,
		&vals, &o.Status, &created, &expires, &decided, &o.ApplicationID); err != nil {
		return o, err
	}
	o.Created, o.Expires = db.Time(created), db.Time(expires)
	o.Decided = db.TimePtr(decided)
	if err := json.Unmarshal([]byte(vals), &o.Values); err != nil {
		return o, fmt.Errorf("proactive: offer %s values: %w", o.ID, err)
	}
	return o, nil
}

// offerNewCols are the columns of a new offer (not yet decided).
var offerNewCols = []string{"id", "tenant_id", "rule_id", "resident_id", "user_id", "subject", "subject_label", "service_code",
	"title", "title_en", "vals", "status", "created_ms", "expires_ms"}

// createOffers inserts os, except those whose rule already made an offer
// to the resident about the subject, and returns the ids of the ones
// inserted.
func (s *store) createOffers(ctx context.Context, os []Offer) (map[string]bool, error) {
	vals := make([]string, len(os))
	for i := range os {
		b, _ := json.Marshal(os[i].Values) // a map of strings always encodes
		vals[i] = string(b)
	}
	written, err := s.db.InsertNew(ctx, "proactive_offers", offerNewCols, "(rule_id, resident_id, subject)", len(os), func(args []any, i int) []any {
		o := &os[i]
		return append(args, o.ID, o.TenantID, o.RuleID, o.ResidentID, o.UserID, o.Subject, o.About, o.ServiceCode, o.Title, o.TitleEN,
			vals[i], o.Status, db.Millis(o.Created), db.Millis(o.Expires))
	})
	if err != nil {
		return nil, fmt.Errorf("proactive: create offers: %w", err)
	}
	made := make(map[string]bool, len(os))
	for i, ok := range written {
		if ok {
			made[os[i].ID] = true
		}
	}
	return made, nil
}

// offerKeys is every (rule, resident, subject) of the offers a
// municipality's active sweep rules made, so a sweep tries to insert only
// new ones.
func (s *store) offerKeys(ctx context.Context, tenantID string) (map[string]bool, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT o.rule_id, o.resident_id, o.subject FROM proactive_offers o
		JOIN proactive_rules r ON r.id = o.rule_id AND r.active = 1 AND r.event_type = ''
		WHERE o.tenant_id = $1`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("proactive: offer keys: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	var rule, res, subject string
	for rows.Next() {
		if err := rows.Scan(&rule, &res, &subject); err != nil {
			return nil, err
		}
		out[offerKey(rule, res, subject)] = true
	}
	return out, rows.Err()
}

// offerKey is the one-string key of a rule's offer to a resident about a
// subject.
func offerKey(rule, resident, subject string) string {
	return rule + "\x00" + resident + "\x00" + subject
}

func (s *store) offer(ctx context.Context, id string) (Offer, error) {
	o, err := scanOffer(s.db.Q(ctx).QueryRowContext(ctx, `SELECT `+offerCols+` FROM proactive_offers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound()
	}
	return o, err
}

// offersOf lists a person's offers, open ones first, newest first.
func (s *store) offersOf(ctx context.Context, userID string, limit int) ([]Offer, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+offerCols+` FROM proactive_offers WHERE user_id = $1
		ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, created_ms DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("proactive: offers: %w", err)
	}
	return scanOffers(rows)
}

// scanOffers reads and closes rows of offerCols.
func scanOffers(rows *sql.Rows) ([]Offer, error) {
	defer rows.Close()
	var out []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// decide moves an open offer to status; it reports false when the offer
// was no longer open.
func (s *store) decide(ctx context.Context, id, status string, at int64, appID string) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE proactive_offers SET status = $1, decided_ms = $2, application_id = $3
		WHERE id = $4 AND status = 'open'`, status, at, appID, id)
	if err != nil {
		return false, fmt.Errorf("proactive: decide offer: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// closeOpen moves open offers matching where (with args after $2) to
// status and returns them.
func (s *store) closeOpen(ctx context.Context, status string, at int64, where string, args ...any) ([]Offer, error) {
	rows, err := s.db.Q(ctx).QueryContext(ctx, `UPDATE proactive_offers SET status = $1, decided_ms = $2
		WHERE status = 'open' AND `+where+` RETURNING `+offerCols, append([]any{status, at}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("proactive: close offers: %w", err)
	}
	return scanOffers(rows)
}

// OfferCounts are a municipality's offers by status.
type OfferCounts map[string]int

func (s *store) offerCounts(ctx context.Context, tenantID string) (OfferCounts, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT status, COUNT(*) FROM proactive_offers WHERE tenant_id = $1 GROUP BY status`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("proactive: offer counts: %w", err)
	}
	defer rows.Close()
	out := OfferCounts{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

func (s *store) residentCount(ctx context.Context, tenantID string) (total, linked int, err error) {
	err = s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN user_id <> '' THEN 1 END) FROM proactive_residents WHERE tenant_id = $1`, tenantID).Scan(&total, &linked)
	return total, linked, err
}

// consents lists a person's consents, newest first.
func (s *store) consents(ctx context.Context, userID string) ([]Consent, error) {
	rows, err := s.db.Q(ctx).QueryContext(ctx, `SELECT id, version, lang, text_hash, given_ms, withdrawn_ms FROM proactive_consents
		WHERE user_id = $1 ORDER BY given_ms DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("proactive: consents: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var given int64
		var withdrawn sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Version, &c.Lang, &c.TextHash, &given, &withdrawn); err != nil {
			return nil, err
		}
		c.Given = db.Time(given)
		c.Withdrawn = db.TimePtr(withdrawn)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *store) createConsent(ctx context.Context, userID string, c Consent) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_consents (id, user_id, version, lang, text_hash, given_ms) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, userID, c.Version, c.Lang, c.TextHash, db.Millis(c.Given))
	if err != nil {
		return fmt.Errorf("proactive: consent: %w", err)
	}
	return nil
}

// withdrawConsents ends every consent of userID in force; it returns how many.
func (s *store) withdrawConsents(ctx context.Context, userID string, at int64) (int64, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE proactive_consents SET withdrawn_ms = $1 WHERE user_id = $2 AND withdrawn_ms IS NULL`, at, userID)
	if err != nil {
		return 0, fmt.Errorf("proactive: withdraw consent: %w", err)
	}
	return res.RowsAffected()
}

// consented reports whether userID has a consent in force.
func (s *store) consented(ctx context.Context, userID string) (bool, error) {
	var n int
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM proactive_consents WHERE user_id = $1 AND withdrawn_ms IS NULL AND version = $2`,
		userID, CurrentConsent).Scan(&n)
	return n > 0, err
}

// consentedOf is which of userIDs have a consent in force.
func (s *store) consentedOf(ctx context.Context, userIDs []string) (map[string]bool, error) {
	in, list := s.db.InJSON("$1", userIDs)
	out, err := db.StringSet(ctx, s.db.Q(ctx), `SELECT DISTINCT user_id FROM proactive_consents
		WHERE user_id IN (`+in+`) AND withdrawn_ms IS NULL AND version = $2`, list, CurrentConsent)
	if err != nil {
		return nil, fmt.Errorf("proactive: consents: %w", err)
	}
	return out, nil
}

// linkUser links the residents with e-mail (any municipality) that have
// no account yet to userID; it returns how many.
func (s *store) linkUser(ctx context.Context, email, userID string) (int64, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE proactive_residents SET user_id = $1 WHERE email = $2 AND user_id = ''`, userID, email)
	if err != nil {
		return 0, fmt.Errorf("proactive: link: %w", err)
	}
	return res.RowsAffected()
}
