// Package mqtt is muni's MQTT plumbing shared by the domains: the broker
// embedded in muni serve, whose clients each domain admits through a
// Realm, and a subscriber that takes messages from an external broker
// (Mosquitto, say) and acknowledges each only once it is stored.
package mqtt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// A Realm is one domain's share of the embedded broker: it admits its
// own clients, says which topics they may publish to, and stores their
// messages. The broker asks the realms in order; the first that admits a
// client owns it for the whole connection.
type Realm interface {
	// Admit returns the client's identity when the credentials are this
	// realm's; ok is false when they are not (the next realm is asked).
	Admit(ctx context.Context, user, password string) (client any, ok bool)
	// MayPublish says whether an admitted client may publish on topic.
	MayPublish(ctx context.Context, client any, topic string) bool
	// Take stores one message before the broker acknowledges it. An
	// error drops the message unacknowledged, so the client sends it
	// again; a message that can never be stored should be counted, logged
	// and answered with nil.
	Take(ctx context.Context, client any, topic string, payload []byte) error
}

// Broker is the MQTT broker embedded in muni serve. Clients may only
// publish (to the topics their realm allows) and subscribe to nothing;
// each message is stored before the broker acknowledges it (QoS 1).
type Broker struct {
	srv *mochi.Server
	tcp *listeners.TCP
}

// StartBroker listens on addr ("127.0.0.1:1884"; port 0 picks one) and
// serves the realms until Close.
func StartBroker(addr string, log *slog.Logger, realms ...Realm) (*Broker, error) {
	if log == nil {
		log = slog.Default()
	}
	srv := mochi.New(&mochi.Options{InlineClient: true, Logger: log.With("component", "mqtt")})
	srv.Options.Capabilities.MaximumPacketSize = 4 << 20
	// Sessions live in memory; a message is acknowledged only once stored,
	// so a restart loses no acknowledged message.
	h := &hook{realms: realms, log: log, clients: map[*mochi.Client]conn{}}
	if err := srv.AddHook(h, nil); err != nil {
		return nil, err
	}
	tcp := listeners.NewTCP(listeners.Config{Type: "tcp", ID: "muni-mqtt", Address: addr})
	if err := srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("mqtt: listener on %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		return nil, fmt.Errorf("mqtt: broker: %w", err)
	}
	return &Broker{srv: srv, tcp: tcp}, nil
}

// Addr is the address the broker listens on.
func (b *Broker) Addr() string { return b.tcp.Address() }

// Close stops the broker and disconnects every client.
func (b *Broker) Close() error { return b.srv.Close() }

// conn is a connected client and the realm that admitted it.
type conn struct {
	realm  Realm
	client any
}

// hook authenticates clients through the realms, checks their topics and
// stores their messages inside the publish, before the PUBACK.
type hook struct {
	mochi.HookBase
	realms  []Realm
	log     *slog.Logger
	mu      sync.RWMutex
	clients map[*mochi.Client]conn
}

func (h *hook) ID() string { return "muni-realms" }

func (h *hook) Provides(b byte) bool {
	return bytes.Contains([]byte{mochi.OnConnectAuthenticate, mochi.OnACLCheck, mochi.OnPublish, mochi.OnDisconnect}, []byte{b})
}

// OnConnectAuthenticate admits a client that one of the realms knows.
func (h *hook) OnConnectAuthenticate(cl *mochi.Client, pk packets.Packet) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	user, pass := string(pk.Connect.Username), string(pk.Connect.Password)
	for _, r := range h.realms {
		if c, ok := r.Admit(ctx, user, pass); ok {
			h.mu.Lock()
			h.clients[cl] = conn{realm: r, client: c}
			h.mu.Unlock()
			return true
		}
	}
	h.log.Info("mqtt: connection refused", "user", user, "remote", cl.Net.Remote)
	return false
}

func (h *hook) OnDisconnect(cl *mochi.Client, _ error, _ bool) {
	h.mu.Lock()
	delete(h.clients, cl)
	h.mu.Unlock()
}

func (h *hook) client(cl *mochi.Client) (conn, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	c, ok := h.clients[cl]
	return c, ok
}

// OnACLCheck lets a client publish where its realm allows and subscribe
// to nothing.
func (h *hook) OnACLCheck(cl *mochi.Client, topic string, write bool) bool {
	c, ok := h.client(cl)
	if !ok || !write {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.realm.MayPublish(ctx, c.client, topic)
}

// OnPublish stores a message before the broker acknowledges it. When the
// store fails the message is dropped unacknowledged, and the client sends
// it again when it reconnects.
func (h *hook) OnPublish(cl *mochi.Client, pk packets.Packet) (packets.Packet, error) {
	c, ok := h.client(cl)
	if !ok {
		return pk, nil // the broker's own inline client
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.realm.Take(ctx, c.client, pk.TopicName, pk.Payload); err != nil {
		h.log.Error("mqtt: message not stored", "topic", pk.TopicName, "err", err)
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}
