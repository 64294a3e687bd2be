package metering

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/placetest"
)

var sets = []db.Migrations{audit.Migrations, Migrations}

// quiet is the tests' logger: the broker's chatter stays out of their output.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Two municipalities in one region: tests prove one never sees the other.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "alpha", OKTMO: "11111000", Name: "Альфа", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "beta", OKTMO: "22222000", Name: "Бета", TimeZone: "Asia/Yekaterinburg"}
)

// fakePlaces are the municipalities given to places, found by id, slug
// and OKTMO code as territory would.
type fakePlaces struct{ placetest.Places[Municipality] }

func places(ms ...Municipality) fakePlaces {
	key := func(m Municipality) (string, string) { return m.ID, m.Slug }
	return fakePlaces{placetest.New(key, func() error { return ErrNotFound }, ms...)}
}

func (p fakePlaces) MunicipalityByOKTMO(_ context.Context, code string) (Municipality, error) {
	for _, m := range p.All() {
		if m.OKTMO == code {
			return m, nil
		}
	}
	return Municipality{}, ErrNotFound
}

func adminOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "admin-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: m.ID, ScopePath: m.Path}}}
}

func operatorOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "op-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: m.ID, ScopePath: m.Path}}}
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func newService(t testing.TB, d *db.DB) (*Service, *clock) {
	t.Helper()
	c := &clock{t: t0.Add(30 * 24 * time.Hour)}
	return New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Now: c.now, Log: quiet}), c
}

// world is a small registry: a water network with one building, one
// point, one device installed on it since t0 with channels "v" and "q".
type world struct {
	deviceID string
	channel  int64
}

func seed(t *testing.T, s *Service, m Municipality, serial string) world {
	t.Helper()
	ctx := context.Background()
	a := adminOf(m)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CreateNetwork(ctx, a, m.ID, NetworkInput{Code: "W", Resource: "water", Name: "Водопровод"})
	must(err)
	_, err = s.CreateObject(ctx, a, m.ID, ObjectInput{Code: "B1", Kind: ObjectBuilding, Name: "Дом 1", Address: "ул. Ленина, 1"})
	must(err)
	_, err = s.CreatePoint(ctx, a, m.ID, PointInput{Code: "P1", Network: "W", Object: "B1", Name: "Ввод", Role: RoleConsumer})
	must(err)
	dev, err := s.CreateDevice(ctx, a, m.ID, DeviceInput{Serial: serial, Model: "ВСХ-15"})
	must(err)
	_, err = s.Install(ctx, a, m.ID, InstallationInput{Device: serial, Point: "P1", From: t0})
	must(err)
	ch, err := s.CreateChannel(ctx, a, m.ID, ChannelInput{Device: serial, Name: "v", Quantity: "volume", Unit: "m3", Kind: "cumulative", Digits: 5})
	must(err)
	_, err = s.CreateChannel(ctx, a, m.ID, ChannelInput{Device: serial, Name: "q", Quantity: "flow", Unit: "m3/h", Kind: "instantaneous"})
	must(err)
	return world{deviceID: dev, channel: ch}
}

func countReadings(t testing.TB, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM metering_readings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// overMQTT subscribes s to the test broker with o (its URL filled in),
// waits until the subscription is ready, and returns a sender of m's
// readings to the broker; both close when the test ends.
func overMQTT(t *testing.T, ctx context.Context, s *Service, m Municipality, o SubscribeOptions) func([]Input) error {
	t.Helper()
	o.URL = "mqtt://127.0.0.1:1883"
	sub, err := s.Subscribe(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sub.Ready(wait); err != nil {
		t.Fatal(err)
	}
	send, closeMQTT, err := MQTTSender(ctx, o.URL, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeMQTT() })
	return send
}
