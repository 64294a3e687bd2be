package metering

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// MQTTSender publishes batches to an MQTT broker as SenML packs, one per
// device, on muni/<municipality>/v1/<device>/up at QoS 1, each publish
// returning once the broker has it. It suits an external broker muni
// takes uplinks from (MUNI_MQTT_URL), where the broker, not muni, checks
// who may publish; a user and password in brokerURL are sent. close
// disconnects.
func MQTTSender(ctx context.Context, brokerURL, municipality string) (send func([]Input) error, close func() error, err error) {
	u, err := url.Parse(brokerURL)
	if err != nil || u.Host == "" {
		return nil, nil, fmt.Errorf("simulate: MQTT URL %q: want mqtt://host:port", brokerURL)
	}
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: true,
		ClientConfig:                  paho.ClientConfig{ClientID: fmt.Sprintf("muni-sim-%d", time.Now().UnixNano())},
	}
	if u.User != nil {
		cfg.ConnectUsername = u.User.Username()
		p, _ := u.User.Password()
		cfg.ConnectPassword = []byte(p)
	}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("simulate: MQTT: %w", err)
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := cm.AwaitConnection(wait); err != nil {
		return nil, nil, fmt.Errorf("simulate: MQTT connect %s: %w", u.Redacted(), err)
	}
	type record struct {
		N string  `json:"n"`
		T float64 `json:"t"`
		V float64 `json:"v"`
	}
	send = func(batch []Input) error {
		packs := map[string][]record{}
		var order []string
		for _, in := range batch {
			if _, ok := packs[in.Device]; !ok {
				order = append(order, in.Device)
			}
			packs[in.Device] = append(packs[in.Device], record{N: in.Channel, T: float64(in.At.UnixMilli()) / 1000, V: in.Value})
		}
		for _, dev := range order {
			payload, err := json.Marshal(packs[dev])
			if err != nil {
				return err
			}
			if _, err := cm.Publish(ctx, &paho.Publish{Topic: "muni/" + municipality + "/v1/" + dev + "/up", QoS: 1, Payload: payload}); err != nil {
				return fmt.Errorf("simulate: MQTT publish: %w", err)
			}
		}
		return nil
	}
	close = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return cm.Disconnect(ctx)
	}
	return send, close, nil
}
