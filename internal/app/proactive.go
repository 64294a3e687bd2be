package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/tick"
	"github.com/muni-platform/muni/internal/services/proactive"
	"github.com/muni-platform/muni/internal/territory"
)

// buildProactive makes the proactive offers service. Identity, notify
// and services are reached through a at call time, so it can be built
// before them (identity takes it as a data exporter).
func (a *App) buildProactive() *proactive.Service {
	return proactive.New(proactive.Deps{DB: a.DB, Audit: a.Audit, Places: proactivePlaces{a.Territory}, People: proactivePeople{a},
		Notify: proactiveNotify{a}, Starter: proactiveStarter{a}, Log: a.Log,
		// The resident goes straight to the pre-filled form to complete it.
		ApplicationPath: func(id string) string { return "/services/applications/" + id + "/edit" }})
}

// proactivePlaces adapts the territory domain to proactive.Places.
type proactivePlaces struct{ t *territory.Service }

func proactiveMuni(n territory.Node, err error) (proactive.Municipality, error) {
	if err != nil {
		return proactive.Municipality{}, err
	}
	if !n.Municipal() {
		return proactive.Municipality{}, territory.ErrNotFound
	}
	return proactive.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone}, nil
}

// Municipality returns one municipal formation.
func (p proactivePlaces) Municipality(ctx context.Context, id string) (proactive.Municipality, error) {
	return proactiveMuni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p proactivePlaces) MunicipalityBySlug(ctx context.Context, slug string) (proactive.Municipality, error) {
	return proactiveMuni(p.t.NodeBySlug(ctx, slug))
}

// proactivePeople finds active accounts by e-mail in identity.
type proactivePeople struct{ a *App }

// UserByEmail returns the active account whose e-mail is email.
func (p proactivePeople) UserByEmail(ctx context.Context, email string) (string, bool, error) {
	us, err := p.a.Identity.Users(AsSystem(ctx), identity.UserQuery{Search: email, Limit: 20})
	if err != nil {
		return "", false, err
	}
	for _, u := range us {
		if strings.EqualFold(u.Email, email) && u.Status == identity.StatusActive {
			return u.ID, true, nil
		}
	}
	return "", false, nil
}

// proactiveNotify passes offers' notices to the notification service.
type proactiveNotify struct{ a *App }

// NotifyAll stores ns in the caller's transaction.
func (p proactiveNotify) NotifyAll(ctx context.Context, ns []notify.Notice) error {
	return p.a.Notify.NotifyAll(ctx, ns)
}

// sweepProactive runs the proactive sweep (expiry, register rules) once
// an hour; the rules that count ages see a new local day within an hour
// of midnight.
func (a *App) sweepProactive(ctx context.Context) {
	tick.Every(ctx, time.Hour, false, func(ctx context.Context) {
		res, err := a.Proactive.Sweep(AsSystem(ctx))
		if err != nil && !errors.Is(err, context.Canceled) {
			a.Log.Warn("proactive sweep failed", "err", err)
		} else if res.Offers+res.Expired > 0 {
			a.Log.Info("proactive sweep", "offers", res.Offers, "expired", res.Expired, "residents", res.Residents)
		}
	})
}

// SweepProactive runs the proactive sweep now, as muni itself (the
// `muni proactive sweep` command).
func (a *App) SweepProactive(ctx context.Context) (proactive.SweepResult, error) {
	return a.Proactive.Sweep(AsSystem(ctx))
}

// proactiveActor is a demo resident acting on their own page.
func proactiveActor(u identity.User) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: u.ID, Email: u.Email, Name: u.Name}
}

// proactiveStarter starts the pre-filled drafts of accepted offers in the
// services domain, which is built after this one.
type proactiveStarter struct{ a *App }

// StartPrefilled creates the draft in the caller's transaction.
func (p proactiveStarter) StartPrefilled(ctx context.Context, userID, municipalityID, serviceCode string, values map[string]string) (string, error) {
	return p.a.Services.StartPrefilled(ctx, userID, municipalityID, serviceCode, values)
}
