package metering

import (
	"context"
	"strings"
	"sync"
)

// MQTT topics: a device publishes SenML batches to
// muni/<municipality>/v1/<device>/up, where municipality is its slug,
// OKTMO code or id, and device is the device's id or serial.

// TopicFilter matches every device's uplink.
const TopicFilter = "muni/+/v1/+/up"

// parseTopic splits an uplink topic.
func parseTopic(topic string) (muni, device string, ok bool) {
	p := strings.Split(topic, "/")
	if len(p) != 5 || p[0] != "muni" || p[2] != "v1" || p[4] != "up" || p[1] == "" || p[3] == "" {
		return "", "", false
	}
	return p[1], p[3], true
}

// muniCache resolves a topic's municipality name once per process: the
// slug, OKTMO and id of a municipality do not change under a running
// broker.
type muniCache struct {
	places Places
	m      sync.Map // name -> Municipality
}

func (c *muniCache) resolve(ctx context.Context, name string) (Municipality, error) {
	if v, ok := c.m.Load(name); ok {
		return v.(Municipality), nil
	}
	var m Municipality
	var err error
	for _, find := range []func(context.Context, string) (Municipality, error){c.places.MunicipalityBySlug, c.places.MunicipalityByOKTMO, c.places.Municipality} {
		if m, err = find(ctx, name); err == nil {
			c.m.Store(name, m)
			return m, nil
		}
		if !isNotFound(err) {
			return Municipality{}, err
		}
	}
	return Municipality{}, ErrNotFound
}

// IngestUplink stores one MQTT message from the device named in its
// topic. Ingest's error means nothing was stored and the message must
// not be acknowledged; a payload that is not a batch, or readings
// refused, are counted per device and logged, and the message is done.
func (s *Service) IngestUplink(ctx context.Context, topic string, payload []byte, dev *DeviceIdentity) (Result, error) {
	muniName, device, ok := parseTopic(topic)
	if !ok {
		s.badUplink("", topic, "topic", nil)
		return Result{}, nil
	}
	m, err := s.munis.resolve(ctx, muniName)
	if err != nil {
		if isNotFound(err) {
			s.badUplink(device, topic, "municipality", nil)
			return Result{}, nil
		}
		return Result{}, err
	}
	b := Batch{TenantID: m.ID, Source: SourceMQTT}
	if dev != nil {
		if dev.TenantID != m.ID {
			s.badUplink(device, topic, "municipality", nil)
			return Result{}, nil
		}
		b.DeviceID = dev.ID
	}
	in, err := ParseSenML(payload, s.now())
	if err != nil {
		s.badUplink(device, topic, "payload", err)
		return Result{}, nil
	}
	for i := range in {
		in[i].Device = device
	}
	b.Readings = in
	res, err := s.Ingest(ctx, b)
	if err != nil {
		return res, err
	}
	if len(res.Rejected) > 0 {
		s.badUplink(device, topic, "readings", nil, "rejected", len(res.Rejected), "first", res.Rejected[0].Reason)
	}
	return res, nil
}

// badUplink counts and logs a message that was not (wholly) good.
func (s *Service) badUplink(device, topic, what string, err error, kv ...any) {
	s.metrics.badPayload(device)
	args := append([]any{"device", device, "topic", topic, "problem", what}, kv...)
	if err != nil {
		args = append(args, "err", err)
	}
	s.log.Warn("metering: bad MQTT uplink", args...)
}
