package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/tick"
)

// Serve runs the HTTP server and the outbox relay until ctx ends, then
// lets in-flight requests finish within the configured grace period and
// drains the outbox (their events included) within another. ready, when
// not nil, receives the bound address once the listener is open.
func (a *App) Serve(ctx context.Context, ready chan<- string) error {
	ln, err := net.Listen("tcp", a.Cfg.Listen)
	if err != nil {
		return fmt.Errorf("app: listen: %w", err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go a.housekeeping(ctx)
	go a.sweepProactive(ctx)
	go a.runMetering(ctx, meteringKeepRaw(a.Cfg))
	stopRelay := a.startRelay()
	stopMQTT, err := a.startMQTT(ctx)
	if err != nil {
		stopRelay()
		ln.Close()
		return err
	}
	defer stopMQTT()
	errc := make(chan error, 1)
	go func() {
		if a.Cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, a.Cfg.TLSCert, a.Cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	a.Log.Info("muni is serving", "url", a.Cfg.PublicURL(), "addr", ln.Addr().String(), "database", string(a.DB.Engine))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		stopRelay()
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down: waiting for in-flight requests", "grace", a.Cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopRelay()
	return errors.Join(err, a.drain())
}

// startRelay runs the relay until the returned function is called; that
// function waits for it to stop. The relay does not follow Serve's ctx:
// requests still in flight at shutdown publish events it must relay.
func (a *App) startRelay() (stop func()) {
	if a.Relay == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Relay.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// drain publishes the events still pending, within the grace period.
func (a *App) drain() error {
	if a.Relay == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownGrace)
	defer cancel()
	if err := a.Relay.Drain(ctx); err != nil {
		return fmt.Errorf("app: outbox not drained (the events stay pending for the next start): %w", err)
	}
	a.Log.Info("outbox drained")
	return nil
}

// housekeeping purges expired sessions and escalates appeal deadlines
// every few minutes.
func (a *App) housekeeping(ctx context.Context) {
	tick.Every(ctx, 5*time.Minute, false, func(ctx context.Context) {
		if n, err := auth.PurgeSessions(ctx, a.DB); err != nil {
			a.Log.Warn("session purge failed", "err", err)
		} else if n > 0 {
			a.Log.Debug("expired sessions purged", "count", n)
		}
		if n, err := a.Identity.Purge(ctx); err != nil {
			a.Log.Warn("identity purge failed", "err", err)
		} else if n > 0 {
			a.Log.Debug("old sign-in records and e-mail links purged", "count", n)
		}
		if n, err := a.Appeals.Housekeep(AsSystem(ctx), time.Now()); err != nil {
			a.Log.Warn("appeals housekeeping failed", "err", err)
		} else if n > 0 {
			a.Log.Info("appeal deadlines escalated", "count", n)
		}
	})
}
