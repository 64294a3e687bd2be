package identity

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// SetLanguage remembers the language the signed-in person chose, so that
// their e-mail is written in it. Choosing the language they already have
// changes nothing and records nothing.
func (s *Service) SetLanguage(ctx context.Context, lang string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	if a.Kind != auth.User {
		return fault.New(fault.ErrForbidden, "forbidden", "error.forbidden")
	}
	known := false
	for _, l := range i18n.Languages {
		known = known || l == lang
	}
	if !known {
		return fault.Invalid("lang-invalid", map[string]string{"lang": "error.lang"})
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		u, err := s.st.user(ctx, a.ID)
		if err != nil {
			return err
		}
		if u.Lang == lang {
			return nil
		}
		if err := s.st.exec(ctx, `UPDATE users SET lang = $2, updated_ms = $3 WHERE id = $1`, u.ID, lang, s.nowMs()); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.user.language", objectType: "user", objectID: u.ID, tenantID: u.TenantID,
			detail: map[string]any{"from": u.Lang, "to": lang}, event: "identity.user.language",
			payload: map[string]string{"user_id": u.ID, "lang": lang}})
	})
}
