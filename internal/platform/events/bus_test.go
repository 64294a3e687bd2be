package events_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func TestSubscribeValidates(t *testing.T) {
	for _, kind := range busKinds(t) {
		t.Run(kind, func(t *testing.T) {
			bus := newBus(t, kind, testdb.Open(t, db.SQLite, events.Migrations))
			ok := func(context.Context, events.Event) error { return nil }
			for _, c := range []struct{ consumer, typ string }{
				{"", "x.happened"}, {"a.b", "x.happened"}, {"a b", "x.happened"}, {"ok", ""}, {"ok", "X.Happened"}, {"ok", "x.*"}, {"ok", "x..y"},
			} {
				if err := bus.Subscribe(c.consumer, c.typ, ok); err == nil {
					t.Errorf("Subscribe(%q, %q) accepted", c.consumer, c.typ)
				}
			}
			if err := bus.Subscribe("ok", "x.happened", nil); err == nil {
				t.Error("nil handler accepted")
			}
			if err := bus.Subscribe("ok", "x.happened", ok); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Every subscriber runs; one that panics is caught and scheduled for
// retry instead of taking the relay down or failing the others.
func TestInProcessFanOutAndPanics(t *testing.T) {
	d := testdb.Open(t, db.SQLite, events.Migrations)
	bus := events.NewInProcess(d, quiet, time.Hour)
	var got []string
	for _, name := range []string{"a", "b", "c"} {
		err := bus.Subscribe(name, "x.happened", func(context.Context, events.Event) error {
			got = append(got, name)
			if name == "b" {
				panic("boom")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Subscribe("a", "x.happened", func(context.Context, events.Event) error { return nil }); err == nil {
		t.Fatal("second subscription of one consumer to one type accepted")
	}
	if err := bus.Publish(context.Background(), events.Event{ID: "1", Type: "x.happened"}); err != nil || len(got) != 3 {
		t.Fatalf("err %v after %v; want every subscriber run and the panic parked", err, got)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM event_retry WHERE consumer = 'b' AND event_id = '1' AND attempts = 1 AND last_error LIKE '%boom%'`); n != 1 {
		t.Fatalf("%d retry rows for the panicking consumer, want 1", n)
	}
	if err := bus.Publish(context.Background(), events.Event{ID: "2", Type: "y.other"}); err != nil {
		t.Fatalf("event without subscribers: %v", err)
	}
}

// When a retry cannot be recorded, Publish fails so the relay keeps the
// event pending for everyone: nothing is lost.
func TestInProcessUnrecordableRetryFailsPublish(t *testing.T) {
	d := testdb.Open(t, db.SQLite, events.Migrations)
	bus := events.NewInProcess(d, quiet, time.Hour)
	if err := bus.Subscribe("a", "x.happened", func(context.Context, events.Event) error { return errors.New("fails") }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Writer().Exec(`DROP TABLE event_retry`); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), events.Event{ID: "1", Type: "x.happened"}); err == nil {
		t.Fatal("Publish succeeded though the failure was recorded nowhere")
	}
}

// On NATS, instances that subscribe under one consumer name share the
// work: each event is handled by exactly one of them.
func TestNATSInstancesShareWork(t *testing.T) {
	if busKinds(t)[len(busKinds(t))-1] != "nats" {
		t.Skipf("%s not set (outside CI only)", natsEnv)
	}
	stream := "T_" + token()
	var mu sync.Mutex
	handled := map[string]int{}
	perInstance := map[int]int{}
	all := make(chan struct{})
	const n = 60
	var buses []*events.NATS
	for i := range 2 {
		b := newNATS(t, stream)
		buses = append(buses, b)
		err := b.Subscribe("worker", "x.happened", func(ctx context.Context, e events.Event) error {
			mu.Lock()
			defer mu.Unlock()
			handled[e.ID]++
			perInstance[i]++
			if len(handled) == n {
				close(all)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	d := testdb.Open(t, db.SQLite, events.Migrations)
	o := events.NewOutbox(d)
	relay := events.NewRelay(d, o, buses[0], quiet, events.RelayOptions{})
	payloads := make([]any, n)
	for i := range payloads {
		payloads[i] = i
	}
	publish(t, d, o, "x.happened", payloads...)
	if err := relay.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, all, "every event handled")
	mu.Lock()
	defer mu.Unlock()
	for id, c := range handled {
		if c != 1 {
			t.Fatalf("event %s handled %d times", id, c)
		}
	}
	if perInstance[0]+perInstance[1] != n {
		t.Fatalf("handled %v, want %d in total", perInstance, n)
	}
}

// Publishing the same event id twice within the duplicate window stores
// it once: a relay that crashed before marking a row cannot double it.
func TestNATSDeduplicatesRepublish(t *testing.T) {
	if busKinds(t)[len(busKinds(t))-1] != "nats" {
		t.Skipf("%s not set (outside CI only)", natsEnv)
	}
	stream := "T_" + token()
	b := newNATS(t, stream)
	e := events.Event{ID: db.NewID(), Type: "x.happened", Payload: []byte(`1`)}
	for range 2 {
		if err := b.Publish(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.JetStream().Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Fatalf("stream holds %d messages, want 1", info.State.Msgs)
	}
}
