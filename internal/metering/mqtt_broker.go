package metering

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/mqtt"
)

// Broker is the MQTT broker embedded in muni serve (internal/platform/mqtt).
type Broker = mqtt.Broker

// StartBroker listens on addr ("127.0.0.1:1884"; port 0 picks one) with
// the meters as its first realm and the other domains' realms after
// them, and serves until Close.
func (s *Service) StartBroker(addr string, more ...mqtt.Realm) (*Broker, error) {
	return mqtt.StartBroker(addr, s.log, append([]mqtt.Realm{s.Realm()}, more...)...)
}

// Realm is the meters' share of an embedded broker: devices connect with
// their id or serial as user name and their token as password, may
// publish only to their own uplink topic, and each message is stored
// before the broker acknowledges it (QoS 1).
func (s *Service) Realm() mqtt.Realm { return deviceRealm{s} }

// deviceConn is a connected device and the topic names it may use.
type deviceConn struct {
	id    DeviceIdentity
	names []string // device id and serial
}

type deviceRealm struct{ svc *Service }

// Admit takes a device whose token is right and whose user name is its
// own id or serial.
func (r deviceRealm) Admit(ctx context.Context, user, password string) (any, bool) {
	dev, err := r.svc.AuthenticateDevice(ctx, password)
	if err != nil {
		r.svc.log.Debug("metering: MQTT client is not a device", "user", user, "err", err)
		return nil, false
	}
	serial, err := r.svc.st.deviceNames(ctx, dev.ID)
	if err != nil || (user != dev.ID && user != serial) {
		r.svc.log.Info("metering: MQTT connection refused: user name is not the token's device", "user", user)
		return nil, false
	}
	return deviceConn{id: dev, names: []string{dev.ID, serial}}, true
}

// MayPublish lets a device publish to its own uplink only (by id or
// serial, under its municipality's slug, OKTMO or id).
func (r deviceRealm) MayPublish(ctx context.Context, client any, topic string) bool {
	d := client.(deviceConn)
	muni, device, ok := parseTopic(topic)
	if !ok || (device != d.names[0] && device != d.names[1]) {
		return false
	}
	m, err := r.svc.munis.resolve(ctx, muni)
	return err == nil && m.ID == d.id.TenantID
}

// Take stores an uplink.
func (r deviceRealm) Take(ctx context.Context, client any, topic string, payload []byte) error {
	d := client.(deviceConn)
	_, err := r.svc.IngestUplink(ctx, topic, payload, &d.id)
	return err
}
