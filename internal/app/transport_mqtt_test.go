package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/mqtt/mqtttest"
)

// TestTransportVehiclesOverMQTT wires the embedded broker as muni serve
// does (meters first, vehicles after) and publishes a bus's position
// with mosquitto_pub under an operator's API key: the resident's live
// vehicle list shows it with its speed, and the public GTFS-Realtime
// feed carries it.
func TestTransportVehiclesOverMQTT(t *testing.T) {
	mqtttest.Need(t)
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	slug := world.Municipality
	m, err := a.Territory.NodeBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	admin := &auth.Actor{Kind: auth.User, ID: "test-admin", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}
	_, key, err := a.Identity.CreateAPIKey(auth.With(ctx, admin), identity.APIKeyInput{Name: "fleet", Role: "operator", ScopeID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.Metering.StartBroker("127.0.0.1:0", a.TransportRealm())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	send := func(user, pass, payload string) error {
		return mqtttest.Publish(t, b.Addr(), user, pass, "muni/"+slug+"/v1/vehicles/mqtt-bus-9/position", payload)
	}
	if err := send("nobody", "not-a-key", `{"lat":58.7,"lon":29.8}`); err == nil {
		t.Fatal("a client without a key connected")
	}
	if err := send("mqtt-bus-9", key, `{"lat":58.7371,"lon":29.8463,"speed":10,"label":"МК-909"}`); err != nil {
		t.Fatal(err)
	}
	status, body := transportGet(t, transportClient(t, ts.URL, ""), ts.URL+"/m/"+slug+"/transport/")
	if status != http.StatusOK || !strings.Contains(body, "МК-909") || !strings.Contains(body, "36 км/ч") {
		t.Fatalf("overview %d does not show the bus at 36 km/h:\n%s", status, body)
	}
	feed, err := a.Transport.RealtimeFeed(ctx, slug)
	if err != nil || !strings.Contains(string(feed), "mqtt-bus-9") {
		t.Fatalf("published feed %q, %v", feed, err)
	}
}
