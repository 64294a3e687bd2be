package identity

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ErrMailLimit refuses a public form that would send more mail from one
// address than the limit allows, so the forms cannot be used to flood
// someone's mailbox.
var ErrMailLimit = &fault.Error{Kind: fault.ErrTooMany, Type: "mail-limit", Key: "identity.mail.limit"}

// outcomeMail marks a mail sent by a public form (registration, reset).
const outcomeMail = "mail"

// mailAllowed reports whether another public-form mail may go to the
// account at email (key) and from ip within the window.
func (s *Service) mailAllowed(ctx context.Context, email, ip string) (byAccount, byIP bool, err error) {
	since := db.Millis(s.now().Add(-s.cfg.MailWindow))
	n, err := s.st.countOutcome(ctx, "account_key", accountKey(email), outcomeMail, since)
	if err != nil {
		return false, false, err
	}
	m := 0
	if ip != "" {
		if m, err = s.st.countOutcome(ctx, "ip", ip, outcomeMail, since); err != nil {
			return false, false, err
		}
	}
	return n < s.cfg.MailMax, m < s.cfg.MailMax, nil
}

// noteMail counts one public-form mail.
func (s *Service) noteMail(ctx context.Context, email, userID, ip, method string) {
	s.logAttempt(ctx, accountKey(email), userID, ip, method, outcomeMail)
}

// accountKey is how login and mail records name an account without
// storing its address.
func accountKey(email string) string { return auth.HashToken("email:" + email) }
