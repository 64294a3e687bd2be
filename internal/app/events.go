package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/events"
)

// buildEvents makes the outbox, the bus (NATS JetStream when
// MUNI_NATS_URL is set, in-process otherwise), the relay that Serve runs,
// and registers the outbox-lag and DB-pool metrics.
func (a *App) buildEvents(ctx context.Context) error {
	a.Outbox = events.NewOutbox(a.DB)
	if a.Cfg.NATSURL != "" {
		b, err := events.NewNATS(ctx, a.Cfg.NATSURL, natsConfig(a.Cfg.NATSStream), a.Log)
		if err != nil {
			return fmt.Errorf("app: %w", err)
		}
		a.Bus = b
	} else {
		a.Bus = events.NewInProcess(a.DB, a.Log, 0)
	}
	a.Relay = events.NewRelay(a.DB, a.Outbox, a.Bus, a.Log, events.RelayOptions{})
	if err := events.RegisterMetrics(a.Registry, a.DB); err != nil {
		a.Bus.Close()
		return fmt.Errorf("app: event metrics: %w", err)
	}
	return nil
}

// natsConfig names the deployment's stream and, for any stream but the
// default, a subject prefix of its own, so deployments sharing a NATS
// server never see each other's events.
func natsConfig(stream string) events.NATSConfig {
	c := events.NATSConfig{Stream: stream}
	if stream != "" && stream != "MUNI_EVENTS" {
		c.Subject = "muni." + strings.ToLower(stream)
	}
	return c
}
