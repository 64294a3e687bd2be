package mqtt

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// Subscriber takes messages from an external broker (Mosquitto, say),
// which authenticates the clients and enforces their topics itself.
type Subscriber struct {
	cm     *autopaho.ConnectionManager
	cancel context.CancelFunc
	ready  chan struct{} // closed at the first subscription granted
	once   sync.Once
}

// SubscribeOptions say where and what to take.
type SubscribeOptions struct {
	URL      string // mqtt://user:pass@host:port, or tls://…
	ClientID string
	Filter   string // the topic filter, without the $share prefix
	// Group is the shared subscription's group: instances in one group
	// split the messages, each group gets them all. Default "muni".
	Group string
	// SessionExpiry is how long the broker keeps the session, and the
	// messages not yet acknowledged, while muni is away. Default one hour.
	SessionExpiry time.Duration
	Log           *slog.Logger
}

// Take stores one message; an error means it was not stored and is
// tried again (a message that can never be stored should return nil).
type Take func(ctx context.Context, topic string, payload []byte) error

// Subscribe connects to an external broker, subscribes to o.Filter with a
// shared subscription, and stores each message with take before
// acknowledging it. It reconnects on its own until Close.
func Subscribe(ctx context.Context, o SubscribeOptions, take Take) (*Subscriber, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mqtt: URL %q: want mqtt://host:port", o.URL)
	}
	if o.Filter == "" {
		return nil, fmt.Errorf("mqtt: no topic filter")
	}
	if o.Group == "" {
		o.Group = "muni"
	}
	if o.SessionExpiry == 0 {
		o.SessionExpiry = time.Hour
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	log := o.Log
	ctx, cancel := context.WithCancel(ctx)
	sub := &Subscriber{cancel: cancel, ready: make(chan struct{})}
	filter := "$share/" + o.Group + "/" + o.Filter
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         uint32(o.SessionExpiry / time.Second),
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			go func() {
				if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}}); err != nil {
					log.Error("mqtt: subscribe", "filter", filter, "err", err)
					return
				}
				sub.once.Do(func() { close(sub.ready) })
			}()
		},
		OnConnectError: func(err error) { log.Warn("mqtt: connect", "broker", u.Redacted(), "err", err) },
		ClientConfig: paho.ClientConfig{
			ClientID:                   o.ClientID,
			EnableManualAcknowledgment: true,
			SendAcksInterval:           50 * time.Millisecond,
		},
	}
	if u.User != nil {
		cfg.ConnectUsername = u.User.Username()
		p, _ := u.User.Password()
		cfg.ConnectPassword = []byte(p)
	}
	cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
		store(ctx, log, take, pr.Client, pr.Packet)
		return true, nil
	}}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("mqtt: %w", err)
	}
	sub.cm = cm
	return sub, nil
}

// store takes one message, retrying while the store fails, and
// acknowledges it only once stored (or found unreadable). Stopped by
// Close first, it leaves the message unacknowledged for the broker to
// deliver again.
func store(ctx context.Context, log *slog.Logger, take Take, c *paho.Client, p *paho.Publish) {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		err := take(ctx, p.Topic, p.Payload)
		if err == nil {
			if p.QoS > 0 {
				if err := c.Ack(p); err != nil {
					log.Warn("mqtt: ack", "err", err)
				}
			}
			return
		}
		log.Error("mqtt: message not stored; retrying", "topic", p.Topic, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Ready waits until the broker has granted the subscription.
func (sub *Subscriber) Ready(ctx context.Context) error {
	select {
	case <-sub.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close disconnects from the broker.
func (sub *Subscriber) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := sub.cm.Disconnect(ctx)
	sub.cancel()
	return err
}
