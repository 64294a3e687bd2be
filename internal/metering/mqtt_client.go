package metering

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/mqtt"
)

// Subscriber takes uplinks from an external broker (internal/platform/mqtt).
type Subscriber = mqtt.Subscriber

// SubscribeOptions say where and how to take uplinks.
type SubscribeOptions struct {
	URL      string // mqtt://user:pass@host:port, or tls://…
	ClientID string
	// Group is the shared subscription's group: instances in one group
	// split the uplinks, each group gets them all. Default "muni".
	Group string
	// SessionExpiry is how long the broker keeps the session, and the
	// uplinks not yet acknowledged, while muni is away. Default one hour.
	SessionExpiry time.Duration
}

// Subscribe connects to an external broker, which authenticates the
// devices and enforces their topics itself, subscribes to every uplink
// with a shared subscription, and stores each message before
// acknowledging it. It reconnects on its own until Close.
func (s *Service) Subscribe(ctx context.Context, o SubscribeOptions) (*Subscriber, error) {
	return mqtt.Subscribe(ctx, mqtt.SubscribeOptions{URL: o.URL, ClientID: o.ClientID, Filter: TopicFilter, Group: o.Group,
		SessionExpiry: o.SessionExpiry, Log: s.log}, func(ctx context.Context, topic string, payload []byte) error {
		_, err := s.IngestUplink(ctx, topic, payload, nil)
		return err
	})
}
