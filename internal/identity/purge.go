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
// Voter-roll records (verification, residence claim) of a person with no
// consent in force go too, each audited: withdrawal deletes them at once,
// this catches any kept from before.
// The app runs it periodically; it returns how many rows went.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	total, err := s.purgeResidence(ctx)
	if err != nil {
		return total, err
	}
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

// purgeResidence deletes the voter-roll records of everyone whose consent
// is not in force (withdrawn, or never given), one audited transaction
// per person.
func (s *Service) purgeResidence(ctx context.Context) (int64, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT u.id, u.tenant_id FROM users u
		WHERE (EXISTS (SELECT 1 FROM verifications v WHERE v.user_id = u.id)
		    OR EXISTS (SELECT 1 FROM residence_claims c WHERE c.user_id = u.id))
		  AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.user_id = u.id AND k.withdrawn_ms IS NULL)`)
	if err != nil {
		return 0, fmt.Errorf("identity: purge residence: %w", err)
	}
	type person struct{ id, tenant string }
	var people []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.tenant); err != nil {
			rows.Close()
			return 0, err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var total int64
	for _, p := range people {
		err := s.db.InTx(ctx, func(ctx context.Context) error {
			roll, err := s.st.deleteResidence(ctx, p.id)
			if err != nil {
				return err
			}
			for _, hit := range []bool{roll.verification, roll.claim} {
				if hit {
					total++
				}
			}
			return s.record(ctx, change{action: "identity.residence.purge", objectType: "user", objectID: p.id, tenantID: p.tenant,
				detail: map[string]any{"verification_deleted": roll.verification, "claim_deleted": roll.claim, "reason": "no-consent"},
				event:  "identity.verification.revoked", payload: map[string]string{"user_id": p.id}})
		})
		if err != nil {
			return total, fmt.Errorf("identity: purge residence: %w", err)
		}
	}
	return total, nil
}
