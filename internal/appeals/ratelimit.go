package appeals

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// RateWindow is the span the submission limits count over.
const RateWindow = time.Hour

// The default limits: submissions per account, and per network address
// (higher, since many people share one behind a carrier's NAT).
const (
	DefaultPerAccount = 10
	DefaultPerIP      = 30
)

// ErrTooMany refuses a submission over a rate limit.
var ErrTooMany = &fault.Error{Kind: fault.ErrTooMany, Type: "appeal-rate", Key: "appeals.error.rate"}

// hashIP keeps an address comparable without storing it.
func hashIP(ip string) string {
	sum := sha256.Sum256([]byte("muni-appeals-rate\x00" + ip))
	return hex.EncodeToString(sum[:16])
}

// checkRate refuses a submission over the per-account or per-address
// limit. API keys (Open311 clients) answer for their own volume.
func (s *Service) checkRate(ctx context.Context, who *auth.Actor, ip string) error {
	since := db.Millis(s.now().Add(-RateWindow))
	if who.Kind == auth.User {
		var n int
		// Counting stops at the limit: the answer is only "under it or not".
		if err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM appeals
			WHERE author_id = $1 AND received_ms > $2 LIMIT $3) x`, who.ID, since, s.perAccount).Scan(&n); err != nil {
			return err
		}
		if n >= s.perAccount {
			return ErrTooMany
		}
	}
	if ip == "" || who.Kind == auth.Machine {
		return nil
	}
	var n int
	if err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM appeals_rate
		WHERE ip_hash = $1 AND at_ms > $2 LIMIT $3) x`, hashIP(ip), since, s.perIP).Scan(&n); err != nil {
		return err
	}
	if n >= s.perIP {
		return ErrTooMany
	}
	return nil
}

// noteIP counts a submission from ip; ctx carries its transaction.
func (s *Service) noteIP(ctx context.Context, ip string) error {
	if ip == "" {
		return nil
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_rate (ip_hash, at_ms) VALUES ($1, $2)`, hashIP(ip), db.Millis(s.now()))
	return err
}

// purgeRate forgets addresses' submissions older than a day.
func (s *Service) purgeRate(ctx context.Context, now time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM appeals_rate WHERE at_ms < $1`, db.Millis(now.Add(-24*time.Hour)))
	return err
}

// Housekeep is the periodic work: it escalates clocks (see Escalate) and
// forgets old per-address counts. It returns how many escalations it
// announced.
func (s *Service) Housekeep(ctx context.Context, now time.Time) (int, error) {
	if err := s.purgeRate(ctx, now); err != nil {
		return 0, wrap("purge rate log", err)
	}
	return s.Escalate(ctx, now)
}
