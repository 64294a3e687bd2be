// Package mqtttest publishes to MQTT brokers from tests with Debian's
// mosquitto_pub, as a device or a vehicle in the field would.
package mqtttest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Need finds mosquitto_pub. CI installs it (mosquitto-clients), so there
// its absence fails the test; a local run without it skips.
func Need(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("mosquitto_pub")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("mosquitto_pub is missing (apt-get install mosquitto-clients)")
		}
		t.Skip("mosquitto_pub is missing")
	}
	return p
}

// Publish runs mosquitto_pub with QoS 1 against addr (host:port), with
// user and password when user is set: it returns once the broker has
// acknowledged the message, and an error when the connection is refused.
func Publish(t testing.TB, addr, user, pass, topic, payload string) error {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	args := []string{"-h", host, "-p", port, "-q", "1", "-V", "mqttv311", "-t", topic, "-m", payload}
	if user != "" {
		args = append(args, "-u", user, "-P", pass)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, Need(t), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}
