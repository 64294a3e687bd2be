package mqtt_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/muni-platform/muni/internal/platform/mqtt"
	"github.com/muni-platform/muni/internal/platform/mqtt/mqtttest"
)

// realm admits the users whose password is pass, lets them publish under
// prefix/<user>/, and keeps what they send.
type realm struct {
	pass, prefix string
	mu           sync.Mutex
	got          []string
}

func (r *realm) Admit(_ context.Context, user, password string) (any, bool) {
	return user, password == r.pass
}

func (r *realm) MayPublish(_ context.Context, client any, topic string) bool {
	return strings.HasPrefix(topic, r.prefix+"/"+client.(string)+"/")
}

func (r *realm) Take(_ context.Context, client any, topic string, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, client.(string)+" "+topic+" "+string(payload))
	return nil
}

func (r *realm) messages() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.got, "; ")
}

// TestBrokerRealms: each client belongs to the realm that admitted it,
// publishes only where that realm allows, and its messages reach that
// realm alone, stored before the acknowledgement.
func TestBrokerRealms(t *testing.T) {
	mqtttest.Need(t)
	meters := &realm{pass: "meter-token", prefix: "meters"}
	buses := &realm{pass: "bus-key", prefix: "buses"}
	b, err := mqtt.StartBroker("127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)), meters, buses)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := mqtttest.Publish(t, b.Addr(), "m1", "meter-token", "meters/m1/up", "1"); err != nil {
		t.Fatal(err)
	}
	if err := mqtttest.Publish(t, b.Addr(), "b7", "bus-key", "buses/b7/pos", "2"); err != nil {
		t.Fatal(err)
	}
	// Refused: unknown credentials; a bus on a meter's topic; a meter on
	// another meter's.
	if err := mqtttest.Publish(t, b.Addr(), "x", "nothing", "meters/x/up", "3"); err == nil {
		t.Error("unknown credentials connected")
	}
	mqtttest.Publish(t, b.Addr(), "b7", "bus-key", "meters/b7/up", "4")
	mqtttest.Publish(t, b.Addr(), "m1", "meter-token", "meters/m2/up", "5")
	if got := meters.messages(); got != "m1 meters/m1/up 1" {
		t.Errorf("meters got %q", got)
	}
	if got := buses.messages(); got != "b7 buses/b7/pos 2" {
		t.Errorf("buses got %q", got)
	}
}
