package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/territory"
)

var platformAdmin = &auth.Actor{Kind: auth.Machine, ID: "test", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}}

// buildMuni builds the muni binary once for the tests that run it.
var buildMuni = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "muni-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "muni")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/muni").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// meteringWorld seeds the demo territory and one meter (SN-1) on a
// database, and returns the meter's token.
func meteringWorld(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load("", []string{"MUNI_DATABASE_URL=" + url})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	a, err := app.New(ctx, cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	td, err := territory.SeedDemo(app.AsSystem(ctx), a.Territory)
	if err != nil {
		t.Fatal(err)
	}
	m := td.Main.ID
	s := a.Metering
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateNetwork(ctx, platformAdmin, m, metering.NetworkInput{Code: "W", Resource: "water", Name: "Водопровод"}))
	must(s.CreatePoint(ctx, platformAdmin, m, metering.PointInput{Code: "P1", Network: "W", Name: "Ввод", Role: metering.RoleBoundary}))
	dev, err := s.CreateDevice(ctx, platformAdmin, m, metering.DeviceInput{Serial: "SN-1"})
	must(dev, err)
	must(s.Install(ctx, platformAdmin, m, metering.InstallationInput{Device: "SN-1", Point: "P1", From: time.Now().AddDate(0, 0, -30)}))
	must(s.CreateChannel(ctx, platformAdmin, m, metering.ChannelInput{Device: "SN-1", Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative"}))
	token, err := s.IssueDeviceToken(ctx, platformAdmin, m, dev)
	must(token, err)
	return token
}

// muniProcess is a running `muni serve`.
type muniProcess struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer
}

// freeAddr is a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startMuni(t *testing.T, bin, url string, env ...string) *muniProcess {
	t.Helper()
	addr := freeAddr(t)
	p := &muniProcess{addr: addr, logs: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(append(os.Environ(), "MUNI_DATABASE_URL="+url, "MUNI_LISTEN="+addr, "MUNI_MQTT_LISTEN=off", "MUNI_LOG_LEVEL=warn"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("muni serve did not come up: %v\n%s", err, p.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReadingsSurviveSIGKILL posts batches of readings to a real muni
// serve, kills it with SIGKILL the moment the last batch is acknowledged,
// starts it again and finds every acknowledged reading.
func TestReadingsSurviveSIGKILL(t *testing.T) {
	bin, err := buildMuni()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range testdb.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testdb.URL(t, e)
			token := meteringWorld(t, url)
			p := startMuni(t, bin, url)
			base := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
			acknowledged := 0
			const batches, size = 8, 500
			for b := 0; b < batches; b++ {
				var body strings.Builder
				for i := 0; i < size; i++ {
					fmt.Fprintf(&body, `{"channel":"v","ts":%d,"value":%d}`+"\n", base.Add(time.Duration(b*size+i)*time.Second).Unix(), b*size+i)
				}
				req, _ := http.NewRequest("POST", "http://"+p.addr+"/api/v1/readings", strings.NewReader(body.String()))
				req.Header.Set("Content-Type", "application/x-ndjson")
				req.Header.Set(metering.DeviceTokenHeader, token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var res metering.Result
				err = json.NewDecoder(resp.Body).Decode(&res)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || err != nil || res.Stored != size {
					t.Fatalf("batch %d: %d %+v %v\n%s", b, resp.StatusCode, res, err, p.logs)
				}
				acknowledged += res.Stored
			}
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			p.cmd.Wait()

			p2 := startMuni(t, bin, url)
			d, err := db.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var n, distinct int
			if err := d.R(context.Background()).QueryRowContext(context.Background(),
				`SELECT COUNT(*), COUNT(DISTINCT ts_ms) FROM metering_readings WHERE ts_ms >= $1 AND ts_ms < $2`,
				base.UnixMilli(), base.Add(batches*size*time.Second).UnixMilli()).Scan(&n, &distinct); err != nil {
				t.Fatal(err)
			}
			if n != acknowledged || distinct != acknowledged {
				t.Fatalf("%d readings (%d instants) after SIGKILL and restart, %d acknowledged\n%s", n, distinct, acknowledged, p2.logs)
			}
		})
	}
}

// TestServeRunsTheMQTTBroker publishes with mosquitto_pub to the broker
// a real muni serve embeds: the reading is stored by the time the
// publish is acknowledged.
func TestServeRunsTheMQTTBroker(t *testing.T) {
	pub, err := exec.LookPath("mosquitto_pub")
	if err != nil {
		t.Fatal("mosquitto_pub is missing (apt-get install mosquitto-clients)")
	}
	bin, err := buildMuni()
	if err != nil {
		t.Fatal(err)
	}
	url := testdb.URL(t, db.SQLite)
	token := meteringWorld(t, url)
	broker := freeAddr(t)
	p := startMuni(t, bin, url, "MUNI_MQTT_LISTEN="+broker)
	host, port, _ := strings.Cut(broker, ":")
	at := time.Now().Add(-time.Hour).Unix()
	payload := fmt.Sprintf(`[{"bt":%d,"n":"v","v":1.5},{"n":"v","t":60,"v":1.75}]`, at)
	// Serve starts the broker before it answers /healthz, which startMuni waited for.
	out, err := exec.Command(pub, "-h", host, "-p", port, "-q", "1", "-u", "SN-1", "-P", token, "-t", "muni/luga/v1/SN-1/up", "-m", payload).CombinedOutput()
	if err != nil {
		t.Fatalf("mosquitto_pub: %v %s\n%s", err, out, p.logs)
	}
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM metering_readings WHERE source = 1`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d readings from MQTT (%v), want 2\n%s", n, err, p.logs)
	}
}
