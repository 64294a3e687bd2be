package app

import (
	"context"
	"fmt"
	"os"

	"github.com/muni-platform/muni/internal/platform/mqtt"
	"github.com/muni-platform/muni/internal/transport"
)

// TransportRealm is the vehicles' share of the embedded MQTT broker: API
// keys of the identity domain admit vehicles and fleet gateways.
func (a *App) TransportRealm() mqtt.Realm {
	return a.Transport.Realm(a.Identity.AuthenticateKey)
}

// subscribeVehicles takes vehicle positions from the external broker at
// MUNI_MQTT_URL, which authenticates the vehicles itself, on a
// connection of its own beside the meters'.
func (a *App) subscribeVehicles(ctx context.Context) (stop func(), err error) {
	host, _ := os.Hostname()
	sub, err := mqtt.Subscribe(ctx, mqtt.SubscribeOptions{URL: a.Cfg.MQTTURL, ClientID: "muni-" + host + "-" + fmt.Sprint(os.Getpid()) + "-vehicles",
		Filter: transport.VehicleTopicFilter, Log: a.Log}, a.Transport.TakeVehiclePosition)
	if err != nil {
		return nil, err
	}
	a.Log.Info("transport: taking vehicle positions from an external MQTT broker", "topic", transport.VehicleTopicFilter)
	return func() {
		if err := sub.Close(); err != nil {
			a.Log.Warn("transport: MQTT disconnect", "err", err)
		}
	}, nil
}
