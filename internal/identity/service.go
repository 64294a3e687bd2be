package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/mail"
	"github.com/muni-platform/muni/internal/platform/web"
)

// Config is identity's part of the settings.
type Config struct {
	LoginMaxFails int           // failed logins per account or IP before throttling
	LoginWindow   time.Duration // window in which failures count
	PublicURL     string        // base of links in mail and of the OIDC callback
	OIDCIssuer    string        // empty disables OIDC login
	OIDCClientID  string
	OIDCSecret    string
	OIDCClaims    OIDCClaimMap  // the ID-token claims that verify a residence
	ConfirmTTL    time.Duration // life of an e-mail confirmation link (default 48h)
	ResetTTL      time.Duration // life of a password reset link (default 1h)
	MailMax       int           // mails the public forms may send per address or IP in MailWindow (default 10)
	MailWindow    time.Duration // (default 1h)
	LoginHistory  time.Duration // how long sign-in records are kept (default 180 days)
}

// Deps are the collaborators the app hands to identity.
type Deps struct {
	DB          *db.DB
	Places      Places
	Departments Departments // optional
	Mail        mail.Sender
	Catalog     *i18n.Catalog // for the text of outgoing mail
	Sessions    *scs.SessionManager
	Exporters   []Exporter
	Log         *slog.Logger
}

// Service holds identity's use cases. Every method that changes state
// authorises the actor in ctx, and writes the change, its audit entry and
// its event in one transaction.
type Service struct {
	cfg       Config
	db        *db.DB
	st        *store
	audit     *audit.Log
	outbox    *events.Outbox
	places    Places
	depts     Departments
	mail      mail.Sender
	catalog   *i18n.Catalog
	sessions  *scs.SessionManager
	exporters []Exporter
	log       *slog.Logger
	now       func() time.Time
	oidc      *oidcClient

	dummyOnce sync.Once
	dummyHash string
}

// New returns the service.
func New(cfg Config, d Deps) *Service {
	if cfg.ConfirmTTL == 0 {
		cfg.ConfirmTTL = 48 * time.Hour
	}
	if cfg.ResetTTL == 0 {
		cfg.ResetTTL = time.Hour
	}
	if cfg.LoginMaxFails <= 0 {
		cfg.LoginMaxFails = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.MailMax <= 0 {
		cfg.MailMax = 10
	}
	if cfg.MailWindow <= 0 {
		cfg.MailWindow = time.Hour
	}
	if cfg.LoginHistory <= 0 {
		cfg.LoginHistory = 180 * 24 * time.Hour
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	s := &Service{cfg: cfg, db: d.DB, st: &store{db: d.DB}, audit: audit.New(d.DB), outbox: events.NewOutbox(d.DB),
		places: d.Places, depts: d.Departments, mail: d.Mail, catalog: d.Catalog, sessions: d.Sessions,
		exporters: d.Exporters, log: d.Log, now: func() time.Time { return time.Now().UTC() }}
	if cfg.OIDCIssuer != "" {
		s.oidc = newOIDCClient(cfg)
	}
	return s
}

// OIDCEnabled reports whether OIDC login is configured.
func (s *Service) OIDCEnabled() bool { return s.oidc != nil }

func (s *Service) nowMs() int64 { return db.Millis(s.now()) }

// change is what a state change records besides itself.
type change struct {
	action, objectType, objectID, tenantID string
	detail                                 map[string]any
	event                                  string
	payload                                any
}

// record writes the audit entry and the outbox event of a change; it runs
// inside the change's transaction.
func (s *Service) record(ctx context.Context, c change) error {
	if err := s.audit.Record(ctx, audit.Entry{Action: c.action, ObjectType: c.objectType, ObjectID: c.objectID,
		TenantID: c.tenantID, Detail: c.detail}); err != nil {
		return err
	}
	return s.outbox.Publish(ctx, c.event, c.tenantID, c.payload)
}

// actorOrFail returns the signed-in actor or an unauthorised error.
func actorOrFail(ctx context.Context) (*auth.Actor, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return nil, fault.New(fault.ErrUnauthorized, "unauthorized", "error.unauthorized")
	}
	return a, nil
}

// municipality resolves a home municipality id; unknown ids and nodes
// that are not municipalities are input errors on field.
func (s *Service) municipality(ctx context.Context, id, field string) (Place, error) {
	ms, err := s.places.Municipalities(ctx)
	if err != nil {
		return Place{}, fmt.Errorf("identity: municipalities: %w", err)
	}
	for _, m := range ms {
		if m.ID == id {
			return m, nil
		}
	}
	return Place{}, fault.Invalid("home-invalid", map[string]string{field: "identity.field.home.unknown"})
}

// place resolves a scope node; an unknown node is an input error on field.
func (s *Service) place(ctx context.Context, id, field string) (Place, error) {
	if id == "" {
		return Place{ID: "", Path: RootPath, Name: ""}, nil
	}
	p, err := s.places.Place(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return p, fault.Invalid("scope-invalid", map[string]string{field: "identity.field.scope.unknown"})
	}
	return p, err
}

// T translates key for the language of ctx (the request's, or Russian).
func (s *Service) t(ctx context.Context, key string, args ...any) string {
	if s.catalog == nil {
		return key
	}
	return s.catalog.Localizer(web.Lang(ctx)).T(key, args...)
}

// send delivers mail after the transaction commits; a failure is logged,
// not returned, because the change itself stands and the person can ask
// for the link again.
func (s *Service) send(ctx context.Context, m mail.Message) {
	db.AfterCommit(ctx, func() {
		if s.mail == nil {
			return
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.mail.Send(sctx, m); err != nil {
			s.log.Warn("identity: mail not sent", "subject", m.Subject, "err", err)
		}
	})
}
