// Package app is muni's composition root: it opens the database, builds
// every domain, wires the small interfaces and event subscriptions between
// them and mounts their routes. It is the only package that knows all
// domains.
package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/muni-platform/muni/internal/appeals"
	"github.com/muni-platform/muni/internal/decisions"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/monitoring"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/services"
	"github.com/muni-platform/muni/internal/services/proactive"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
	"github.com/muni-platform/muni/internal/workplace"
)

// Version is muni's version, set by the command at start-up.
var Version = "dev"

// App is a wired muni instance.
type App struct {
	Cfg      config.Config
	Log      *slog.Logger
	DB       *db.DB
	Audit    *audit.Log
	Sessions *scs.SessionManager
	Catalog  *i18n.Catalog
	Assets   *web.Assets
	Web      *web.Server
	Router   *web.Router
	Registry *prometheus.Registry
	Metrics  *web.Metrics
	Outbox   *events.Outbox // domains publish through it in their transactions
	Bus      events.Bus     // domains' consumers subscribe on it (events.Subscribe)
	Relay    *events.Relay  // started by Serve, drained at shutdown

	Workplace     *workplace.Service
	Territory     *territory.Service
	Identity      *identity.Service
	Appeals       *appeals.Service
	Participation *participation.Service
	Ballots       *participation.BallotBox
	Notify        *notify.Service
	Metering      *metering.Service
	Transport     *transport.Service
	Services      *services.Service
	Proactive     *proactive.Service
	Traffic       *transport.Traffic
	Decisions     *decisions.Service
	Monitoring    *monitoring.Service

	handler    http.Handler
	openAPIDoc []byte
	// pdfFonts gives the fonts of MUNI_FONT_DIR that every domain's PDF
	// documents share: one copy of the faces, read when the first PDF is made.
	pdfFonts func() (*pdf.Fonts, error)
}

// Migrations lists every schema, platform first, in the order they apply.
func Migrations() []db.Migrations {
	return []db.Migrations{audit.Migrations, auth.Migrations, events.Migrations, territory.Migrations, identity.Migrations, appeals.Migrations, notify.Migrations, participation.Migrations, metering.Migrations, transport.Migrations, decisions.Migrations, services.Migrations, proactive.Migrations, monitoring.Migrations}
}

// Open connects to the configured database and applies migrations.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, log, Migrations()...); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// New builds the application over an open, migrated database.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, d *db.DB) (*App, error) {
	a := &App{Cfg: cfg, Log: log, DB: d, Audit: audit.New(d), Registry: prometheus.NewRegistry(),
		pdfFonts: sync.OnceValues(func() (*pdf.Fonts, error) { return pdf.LoadFonts(cfg.FontDir) })}
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Metrics = web.NewMetrics(a.Registry)
	a.Sessions = auth.NewSessions(d, cfg.SessionIdle, cfg.SessionMax, cfg.Secure())
	if err := a.buildEvents(ctx); err != nil {
		return nil, err
	}

	a.Catalog = i18n.New()
	// Every domain's messages: add a domain's Locales here.
	for _, l := range []fs.FS{web.Locales, workplace.Locales, territory.Locales, identity.Locales, appeals.Locales, notify.Locales, participation.Locales, participation.BallotLocales, participation.InitiativeLocales, participation.ResultLocales, metering.Locales, metering.WatchLocales, transport.Locales, transport.TrafficLocales, decisions.Locales, services.Locales, proactive.Locales, monitoring.Locales} {
		if err := a.Catalog.Load(l, "locales"); err != nil {
			return nil, err
		}
	}
	var err error
	if a.Assets, err = web.NewAssets(); err != nil {
		return nil, fmt.Errorf("app: assets: %w", err)
	}
	a.Web = &web.Server{Log: log, Catalog: a.Catalog}
	if a.Web.Render, err = web.NewRenderer(a.Catalog, a.Assets,
		// Every domain's pages: add a domain's Templates here.
		workplace.Templates,
		territory.Templates,
		identity.Templates,
		identity.VerificationTemplates,
		appeals.Templates,
		web.Templates{Domain: "notify", FS: notify.TemplateFS},
		participation.Templates,
		transport.Templates,
		metering.Templates,
		decisions.Templates,
		services.Templates,
		proactive.Templates,
		monitoring.Templates,
	); err != nil {
		return nil, err
	}
	a.Territory = territory.New(d, a.Audit, a.Outbox)
	a.Appeals = a.buildAppeals()
	a.Participation = a.buildParticipation() // reads identity's roll through a, lazily
	if err := a.buildBallots(); err != nil {
		return nil, err
	}
	a.Proactive = a.buildProactive() // reaches identity and notify through a, lazily
	a.Services = a.buildServices()   // names applicants through identity, lazily
	a.Identity = a.buildIdentity(a.Territory, a.Appeals, a.Participation, a.Proactive, a.Services)
	a.Notify = a.buildNotify()
	a.Metering = a.buildMetering()
	a.Transport = a.buildTransport()
	a.Traffic = a.buildTraffic()
	a.Decisions = a.buildDecisions()
	if a.Monitoring, err = a.buildMonitoring(); err != nil {
		return nil, err
	}
	if err := a.subscribeNotify(); err != nil {
		return nil, err
	}
	if err := a.subscribeParticipation(); err != nil {
		return nil, err
	}
	if err := a.subscribeServices(); err != nil {
		return nil, err
	}
	a.Web.Render.Unread = a.unread
	a.Web.Render.Site.DemoNotice = a.holdsDemo(ctx)
	if a.Identity.OIDCEnabled() {
		a.Web.Render.Site.OIDCName = cfg.OIDCName
	}
	a.Workplace = workplace.New(a.workSources()...)
	a.Workplace.UseToolbox(toolbox{a})
	if a.openAPIDoc, err = OpenAPI(Version); err != nil {
		return nil, err
	}
	a.Router = web.NewRouter(a.Web)
	a.Router.Cache = web.NewPageCache(5*time.Second, 2000, d.Generation)
	a.routes()
	a.handler = web.Chain(a.Router.Mux(),
		web.RequestIDs,
		a.Web.Observe(a.Metrics),
		a.Web.Recover,
		web.SecurityHeaders,
		a.Web.Languages,
		a.Web.LimitBody(cfg.MaxBodyBytes),
		a.Web.CrossOrigin,
		a.Sessions.LoadAndSave,
		a.Identity.AuthenticateWith(a.Web),
	)
	return a, nil
}

// Handler is the whole HTTP surface, middleware included.
func (a *App) Handler() http.Handler { return a.handler }

// Close releases what New started (the database stays with its opener).
func (a *App) Close() {
	if a.Bus != nil {
		if err := a.Bus.Close(); err != nil {
			a.Log.Warn("event bus close", "err", err)
		}
	}
}

// workSources lists the domains that feed the officials' work queue.
func (a *App) workSources() []workplace.Source {
	return []workplace.Source{appealQueue{a.Appeals, a.Territory}, alarmQueue{a.watch()}, serviceQueue{a.Services, a.Territory}}
}
