package metering

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Broker is the MQTT broker embedded in muni serve. Devices connect with
// their id or serial as user name and their token as password, may
// publish only to their own uplink topic, and each message is stored
// before the broker acknowledges it (QoS 1).
type Broker struct {
	srv *mqtt.Server
	tcp *listeners.TCP
}

// StartBroker listens on addr ("127.0.0.1:1884"; port 0 picks one) and
// serves until Close.
func (s *Service) StartBroker(addr string) (*Broker, error) {
	srv := mqtt.New(&mqtt.Options{InlineClient: true, Logger: s.log.With("component", "mqtt")})
	srv.Options.Capabilities.MaximumPacketSize = 4 << 20
	// Sessions live in memory; a message is acknowledged only once stored,
	// so a restart loses no acknowledged reading.
	h := &brokerHook{svc: s, devices: map[*mqtt.Client]deviceConn{}}
	if err := srv.AddHook(h, nil); err != nil {
		return nil, err
	}
	tcp := listeners.NewTCP(listeners.Config{Type: "tcp", ID: "muni-mqtt", Address: addr})
	if err := srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("metering: MQTT listener on %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		return nil, fmt.Errorf("metering: MQTT broker: %w", err)
	}
	return &Broker{srv: srv, tcp: tcp}, nil
}

// Addr is the address the broker listens on.
func (b *Broker) Addr() string { return b.tcp.Address() }

// Close stops the broker and disconnects every client.
func (b *Broker) Close() error { return b.srv.Close() }

// deviceConn is a connected device and the topic names it may use.
type deviceConn struct {
	id    DeviceIdentity
	names []string // device id and serial
}

// brokerHook authenticates devices, checks their topics and ingests
// their uplinks inside the publish, before the PUBACK.
type brokerHook struct {
	mqtt.HookBase
	svc     *Service
	mu      sync.RWMutex
	devices map[*mqtt.Client]deviceConn
}

func (h *brokerHook) ID() string { return "muni-metering" }

func (h *brokerHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck, mqtt.OnPublish, mqtt.OnDisconnect}, []byte{b})
}

// OnConnectAuthenticate admits a device whose token is right and whose
// user name is its own id or serial.
func (h *brokerHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	user := string(pk.Connect.Username)
	dev, err := h.svc.AuthenticateDevice(ctx, string(pk.Connect.Password))
	if err != nil {
		h.svc.log.Info("metering: MQTT connection refused", "user", user, "remote", cl.Net.Remote, "err", err)
		return false
	}
	serial, err := h.svc.st.deviceNames(ctx, dev.ID)
	if err != nil || (user != dev.ID && user != serial) {
		h.svc.log.Info("metering: MQTT connection refused: user name is not the token's device", "user", user, "remote", cl.Net.Remote)
		return false
	}
	h.mu.Lock()
	h.devices[cl] = deviceConn{id: dev, names: []string{dev.ID, serial}}
	h.mu.Unlock()
	return true
}

func (h *brokerHook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	delete(h.devices, cl)
	h.mu.Unlock()
}

func (h *brokerHook) device(cl *mqtt.Client) (deviceConn, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	d, ok := h.devices[cl]
	return d, ok
}

// OnACLCheck lets a device publish to its own uplink only (by id or
// serial, under its municipality's slug, OKTMO or id) and subscribe to
// nothing.
func (h *brokerHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	d, ok := h.device(cl)
	if !ok || !write {
		return false
	}
	muni, device, ok := parseTopic(topic)
	if !ok || (device != d.names[0] && device != d.names[1]) {
		return false
	}
	m, err := h.svc.munis.resolve(context.Background(), muni)
	return err == nil && m.ID == d.id.TenantID
}

// OnPublish stores an uplink before the broker acknowledges it. When the
// store fails the message is dropped unacknowledged, and the device sends
// it again when it reconnects.
func (h *brokerHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	d, ok := h.device(cl)
	if !ok || !strings.HasPrefix(pk.TopicName, "muni/") {
		return pk, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.svc.IngestUplink(ctx, pk.TopicName, pk.Payload, &d.id); err != nil {
		h.svc.log.Error("metering: MQTT uplink not stored", "device", d.id.ID, "err", err)
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}
