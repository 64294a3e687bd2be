package app_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// TestTransportVehiclesOverMQTT wires the embedded broker as muni serve
// does (meters first, vehicles after) and publishes a bus's position
// with mosquitto_pub under an operator's API key: the resident's live
// vehicle list shows it with its speed, and the public GTFS-Realtime
// feed carries it.
func TestTransportVehiclesOverMQTT(t *testing.T) {
	pub, err := exec.LookPath("mosquitto_pub")
	if err != nil && os.Getenv("CI") == "true" {
		t.Fatal("mosquitto_pub is missing (apt-get install mosquitto-clients)")
	} else if err != nil {
		t.Skip("mosquitto_pub is missing")
	}
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
	host, port, _ := strings.Cut(b.Addr(), ":")
	send := func(user, pass, payload string) error {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return exec.CommandContext(c, pub, "-h", host, "-p", port, "-q", "1", "-V", "mqttv311", "-u", user, "-P", pass,
			"-t", "muni/"+slug+"/v1/vehicles/mqtt-bus-9/position", "-m", payload).Run()
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
