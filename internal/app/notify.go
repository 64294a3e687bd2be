package app

import (
	"context"
	"errors"
	"strings"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/mail"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// buildNotify makes the notification service: e-mail only when an SMTP
// relay is configured (the log sender would print every notification).
func (a *App) buildNotify() *notify.Service {
	d := notify.Deps{DB: a.DB, Catalog: a.Catalog, Recipients: recipients{a}, BaseURL: a.Cfg.PublicURL(), Log: a.Log,
		Zone: func(ctx context.Context, tenantID string) string {
			if n, err := a.Territory.Node(ctx, tenantID); err == nil {
				return n.TimeZone
			}
			return ""
		}}
	if c := a.Cfg; c.SMTPAddr != "" {
		d.Mail = mail.New(mail.Config{SMTPAddr: c.SMTPAddr, SMTPUser: c.SMTPUser, SMTPPassword: c.SMTPPassword, SMTPFrom: c.SMTPFrom}, a.Log)
	}
	return notify.New(d)
}

// subscribeNotify turns the appeals' events into notifications.
func (a *App) subscribeNotify() error {
	return a.notifyOn(appeals.NotifyEvents(), a.Appeals.Notices)
}

// notifyOn subscribes one idempotent consumer per event type that asks
// notices what to tell whom and stores those notifications in the
// consumer's own transaction: the way a domain's events reach people.
func (a *App) notifyOn(types []string, notices func(context.Context, events.Event) ([]notify.Notice, error)) error {
	for _, typ := range types {
		consumer := "notify-" + strings.ReplaceAll(typ, ".", "_")
		err := events.Subscribe(a.Bus, a.DB, consumer, typ, func(ctx context.Context, e events.Event) error {
			ns, err := notices(AsSystem(ctx), e)
			if err != nil {
				return err
			}
			for _, n := range ns {
				if err := a.Notify.Notify(ctx, n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// unread is the layout's unread count; a failure shows no count rather
// than failing the page.
func (a *App) unread(ctx context.Context, userID string) int {
	n, err := a.Notify.Unread(ctx, userID)
	if err != nil && !errors.Is(err, context.Canceled) {
		a.Log.WarnContext(ctx, "notify: unread count", "err", err)
	}
	return n
}

// recipients adapts identity to notify.Recipients: the address of an
// active account whose owner confirmed it. muni keeps no language per
// account, so mail goes in Russian, the default.
type recipients struct{ a *App }

// Email returns userID's confirmed address.
func (r recipients) Email(ctx context.Context, userID string) (string, string, bool, error) {
	u, _, err := r.a.Identity.UserDetail(AsSystem(ctx), userID)
	if errors.Is(err, identity.ErrNotFound) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	return u.Email, u.Lang, u.EmailConfirmed && u.Status == identity.StatusActive, nil
}
