package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// LoginEvent is one sign-in attempt, kept for throttling and for the
// person's own login history.
type LoginEvent struct {
	At      time.Time `json:"at"`
	IP      string    `json:"ip"`
	Method  string    `json:"method"`  // "password", "oidc"
	Outcome string    `json:"outcome"` // "ok", "fail", "throttled"
}

// The outcomes of a login attempt.
const (
	outcomeOK        = "ok"
	outcomeFail      = "fail"
	outcomeThrottled = "throttled"
)

func (s *store) insertLogin(ctx context.Context, accountKey, userID string, e LoginEvent) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO login_events (id, account_key, user_id, ip, method, outcome, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.NewID(), accountKey, userID, e.IP, e.Method, e.Outcome, db.Millis(e.At))
	return err
}

// failsForAccount counts failures for the account since since, ignoring
// those before its last successful login.
func (s *store) failsForAccount(ctx context.Context, key string, since int64) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM login_events WHERE account_key = $1 AND outcome = 'fail'
		AND at_ms > $2 AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_events WHERE account_key = $1 AND outcome = 'ok'), 0)`,
		key, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("identity: count fails: %w", err)
	}
	return n, nil
}

func (s *store) failsForIP(ctx context.Context, ip string, since int64) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM login_events WHERE ip = $1 AND outcome = 'fail' AND at_ms > $2`,
		ip, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("identity: count fails: %w", err)
	}
	return n, nil
}

// countOutcome counts events with outcome since since, by account key or IP.
func (s *store) countOutcome(ctx context.Context, column, value, outcome string, since int64) (int, error) {
	if column != "account_key" && column != "ip" {
		return 0, fmt.Errorf("identity: count by %q", column)
	}
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM login_events WHERE `+column+` = $1 AND outcome = $2 AND at_ms > $3`,
		value, outcome, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("identity: count %s: %w", outcome, err)
	}
	return n, nil
}

func (s *store) logins(ctx context.Context, userID string) ([]LoginEvent, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT at_ms, ip, method, outcome FROM login_events
		WHERE user_id = $1 AND outcome <> 'mail' ORDER BY at_ms DESC LIMIT 1000`, userID)
	if err != nil {
		return nil, fmt.Errorf("identity: logins: %w", err)
	}
	defer rows.Close()
	var out []LoginEvent
	for rows.Next() {
		var e LoginEvent
		var at int64
		if err := rows.Scan(&at, &e.IP, &e.Method, &e.Outcome); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
