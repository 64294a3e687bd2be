package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Purge deletes what identity no longer needs to keep: sign-in records
// older than the retention period (personal data kept no longer than its
// purpose needs) and e-mail links a day after they expired or were used.
// The app runs it periodically; it returns how many rows went.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	var total int64
	for _, q := range []struct {
		sql    string
		before int64
	}{
		{`DELETE FROM login_events WHERE at_ms < $1`, db.Millis(now.Add(-s.cfg.LoginHistory))},
		{`DELETE FROM user_tokens WHERE expires_ms < $1 OR used_ms < $1`, db.Millis(now.Add(-24 * time.Hour))},
	} {
		res, err := s.db.Q(ctx).ExecContext(ctx, q.sql, q.before)
		if err != nil {
			return total, fmt.Errorf("identity: purge: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
