package metering

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// Subscriber takes uplinks from an external broker (Mosquitto, say),
// which authenticates the devices and enforces their topics itself.
type Subscriber struct {
	cm     *autopaho.ConnectionManager
	cancel context.CancelFunc
	ready  chan struct{} // closed at the first subscription granted
	once   sync.Once
}

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

// Subscribe connects to an external broker, subscribes to every uplink
// with a shared subscription, and stores each message before
// acknowledging it. It reconnects on its own until Close.
func (s *Service) Subscribe(ctx context.Context, o SubscribeOptions) (*Subscriber, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("metering: MQTT URL %q: want mqtt://host:port", o.URL)
	}
	if o.Group == "" {
		o.Group = "muni"
	}
	if o.SessionExpiry == 0 {
		o.SessionExpiry = time.Hour
	}
	ctx, cancel := context.WithCancel(ctx)
	sub := &Subscriber{cancel: cancel, ready: make(chan struct{})}
	filter := "$share/" + o.Group + "/" + TopicFilter
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: false,
		SessionExpiryInterval:         uint32(o.SessionExpiry / time.Second),
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			go func() {
				if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}}); err != nil {
					s.log.Error("metering: MQTT subscribe", "err", err)
					return
				}
				sub.once.Do(func() { close(sub.ready) })
			}()
		},
		OnConnectError: func(err error) { s.log.Warn("metering: MQTT connect", "broker", u.Redacted(), "err", err) },
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
		s.storeUplink(ctx, pr.Client, pr.Packet)
		return true, nil
	}}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("metering: MQTT: %w", err)
	}
	sub.cm = cm
	return sub, nil
}

// storeUplink ingests one message, retrying while the store fails, and
// acknowledges it only once stored (or found unreadable). Stopped by
// Close first, it leaves the message unacknowledged for the broker to
// deliver again.
func (s *Service) storeUplink(ctx context.Context, c *paho.Client, p *paho.Publish) {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		_, err := s.IngestUplink(ctx, p.Topic, p.Payload, nil)
		if err == nil {
			if p.QoS > 0 {
				if err := c.Ack(p); err != nil {
					s.log.Warn("metering: MQTT ack", "err", err)
				}
			}
			return
		}
		s.log.Error("metering: MQTT uplink not stored; retrying", "topic", p.Topic, "err", err)
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
