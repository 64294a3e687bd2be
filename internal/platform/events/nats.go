package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATSConfig names where events live in JetStream. Tests use unique
// names so concurrent runs never share a stream.
type NATSConfig struct {
	Stream  string        // stream name, default "MUNI_EVENTS"
	Subject string        // subject prefix, default "muni.events"; events go to <prefix>.<type>
	MaxAge  time.Duration // how long the stream keeps events, default 7 days
	AckWait time.Duration // redelivery after a silent consumer, default 30s
	// Retry is the delay before redelivery after a handler error; it
	// doubles per delivery up to 64 times this. Default 1s.
	Retry time.Duration
	// MaxDeliver bounds deliveries of one event to one consumer; after
	// that it is logged and dropped. Default 20.
	MaxDeliver int
}

func (c *NATSConfig) defaults() {
	if c.Stream == "" {
		c.Stream = "MUNI_EVENTS"
	}
	if c.Subject == "" {
		c.Subject = "muni.events"
	}
	if c.MaxAge == 0 {
		c.MaxAge = 7 * 24 * time.Hour
	}
	if c.AckWait == 0 {
		c.AckWait = 30 * time.Second
	}
	if c.Retry == 0 {
		c.Retry = time.Second
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = 20
	}
}

// NATS is the bus for several instances: events go to one JetStream
// stream; each subscription is a durable pull consumer with explicit ack,
// shared by every instance that subscribes under the same name, so each
// event is handled by one of them and redelivered if the handler fails.
type NATS struct {
	cfg  NATSConfig
	log  *slog.Logger
	nc   *nats.Conn
	js   jetstream.JetStream
	ctx  context.Context // handlers' context, cancelled by Close
	stop context.CancelFunc

	mu     sync.Mutex
	cons   []jetstream.ConsumeContext
	closed chan struct{} // closed by the client once the connection is closed
}

// NewNATS connects to url and creates (or updates) the stream.
func NewNATS(ctx context.Context, url string, cfg NATSConfig, log *slog.Logger) (*NATS, error) {
	cfg.defaults()
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.Name("muni"), nats.MaxReconnects(-1),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return nil, fmt.Errorf("events: NATS at %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("events: JetStream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       cfg.Stream,
		Subjects:   []string{cfg.Subject + ".>"},
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.LimitsPolicy,
		MaxAge:     cfg.MaxAge,
		Duplicates: 2 * time.Minute, // a relay that re-publishes after a crash is deduplicated by event id
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("events: stream %s: %w", cfg.Stream, err)
	}
	b := &NATS{cfg: cfg, log: log, nc: nc, js: js, closed: closed}
	b.ctx, b.stop = context.WithCancel(context.Background())
	return b, nil
}

// JetStream exposes the client, for tests and operations tooling.
func (b *NATS) JetStream() jetstream.JetStream { return b.js }

func (b *NATS) subject(eventType string) string { return b.cfg.Subject + "." + eventType }

// Publish stores e in the stream and waits for the server's ack. The
// event id is the message id, so a duplicate publish within two minutes
// is dropped by the server.
func (b *NATS) Publish(ctx context.Context, e Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("events: encode %s: %w", e.ID, err)
	}
	if _, err := b.js.Publish(ctx, b.subject(e.Type), data, jetstream.WithMsgID(e.ID)); err != nil {
		return fmt.Errorf("events: NATS publish %s: %w", e.ID, err)
	}
	return nil
}

// Subscribe creates the durable consumer <consumer>_<type> (type dots as
// underscores) and starts consuming. New consumers start at new events.
func (b *NATS) Subscribe(consumer, eventType string, h Handler) error {
	if err := checkSubscription(consumer, eventType, h); err != nil {
		return err
	}
	name := consumer + "_" + strings.ReplaceAll(eventType, ".", "_")
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	c, err := b.js.CreateOrUpdateConsumer(ctx, b.cfg.Stream, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: b.subject(eventType),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       b.cfg.AckWait,
		MaxDeliver:    b.cfg.MaxDeliver,
		DeliverPolicy: jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return fmt.Errorf("events: consumer %s: %w", name, err)
	}
	// A small prefetch: messages buffered here age towards AckWait while
	// they wait, and idle instances should get the rest of the work.
	cc, err := c.Consume(func(m jetstream.Msg) { b.handle(name, m, h) },
		jetstream.PullMaxMessages(32),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if !errors.Is(err, jetstream.ErrConsumerDeleted) {
				b.log.Warn("events: NATS consume", "consumer", name, "err", err)
			}
		}))
	if err != nil {
		return fmt.Errorf("events: consume %s: %w", name, err)
	}
	b.mu.Lock()
	b.cons = append(b.cons, cc)
	b.mu.Unlock()
	return nil
}

// handle runs h on one message: ack on success, a delayed nak (growing
// with each delivery) on failure so the server redelivers it.
func (b *NATS) handle(name string, m jetstream.Msg, h Handler) {
	var e Event
	if err := json.Unmarshal(m.Data(), &e); err != nil {
		b.log.Error("events: undecodable message dropped", "consumer", name, "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	err := call(b.ctx, h, e)
	if err == nil {
		if err := m.Ack(); err != nil {
			b.log.Warn("events: ack", "consumer", name, "event", e.ID, "err", err)
		}
		return
	}
	n := uint64(1)
	if md, mdErr := m.Metadata(); mdErr == nil {
		n = md.NumDelivered
	}
	if n >= uint64(b.cfg.MaxDeliver) {
		b.log.Error("events: handler failed on last delivery, event dropped", "consumer", name, "event", e.ID, "type", e.Type, "deliveries", n, "err", err)
		_ = m.Term()
		return
	}
	b.log.Warn("events: handler failed, will redeliver", "consumer", name, "event", e.ID, "type", e.Type, "deliveries", n, "err", err)
	_ = m.NakWithDelay(b.cfg.Retry << min(n-1, 6))
}

// Close stops every consumer, lets the connection flush pending acks and
// publishes, and waits (up to 10 s) until it is closed. A handler still
// running sees its context cancelled; its event is redelivered.
func (b *NATS) Close() error {
	b.mu.Lock()
	for _, cc := range b.cons {
		cc.Stop()
	}
	b.cons = nil
	b.mu.Unlock()
	b.stop()
	if err := b.nc.Drain(); err != nil {
		if errors.Is(err, nats.ErrConnectionClosed) {
			return nil
		}
		return fmt.Errorf("events: NATS drain: %w", err)
	}
	select {
	case <-b.closed:
		return nil
	case <-time.After(10 * time.Second):
		b.nc.Close()
		return errors.New("events: NATS drain timed out; connection closed")
	}
}
