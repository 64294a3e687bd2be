package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// Export is everything muni holds about one person (152-FZ subject
// access): identity's own records plus a section from every other domain
// that keeps personal data.
type Export struct {
	Generated time.Time         `json:"generated_at"`
	Account   User              `json:"account"`
	Consents  []Consent         `json:"consents"`
	Grants    []GrantRecord     `json:"grants"`
	APIKeys   []APIKey          `json:"api_keys_created"`
	Logins    []LoginEvent      `json:"login_history"`
	Audit     []audit.Record    `json:"audit_entries"`
	Residence ExportedResidence `json:"residence"` // the voter-roll records, while they exist
	Sections  map[string]any    `json:"sections"`
}

// Export gathers the signed-in user's data.
func (s *Service) Export(ctx context.Context) (*Export, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return nil, err
	}
	if a.Kind != auth.User {
		return nil, ErrForbidden
	}
	e := &Export{Generated: s.now(), Sections: map[string]any{}}
	if e.Account, err = s.st.user(ctx, a.ID); err != nil {
		return nil, err
	}
	if e.Consents, err = s.st.consents(ctx, a.ID); err != nil {
		return nil, err
	}
	if e.Grants, err = s.st.grants(ctx, a.ID); err != nil {
		return nil, err
	}
	if e.APIKeys, err = s.st.keys(ctx, nil, a.ID); err != nil {
		return nil, err
	}
	if e.Logins, err = s.st.logins(ctx, a.ID); err != nil {
		return nil, err
	}
	if e.Audit, err = s.auditOf(ctx, a.ID); err != nil {
		return nil, err
	}
	if e.Residence, err = s.ExportResidence(ctx, a.ID); err != nil {
		return nil, err
	}
	for _, x := range s.exporters {
		name, data, err := x.ExportUser(ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("identity: export section %s: %w", name, err)
		}
		e.Sections[name] = data
	}
	return e, nil
}

// auditOf reads every audit entry the user caused, page by page.
func (s *Service) auditOf(ctx context.Context, userID string) ([]audit.Record, error) {
	out := []audit.Record{}
	var before int64
	for {
		page, err := s.audit.List(ctx, audit.Filter{ActorID: userID, BeforeSeq: before, Limit: 500})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		before = page[len(page)-1].Seq
	}
}
