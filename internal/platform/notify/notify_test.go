package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/mail"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{Migrations}

// catalog holds the package's messages and one message to send.
func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c := i18n.New()
	if err := c.Load(Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	msgs := fstest.MapFS{
		"l/ru.json": {Data: []byte(`{"t.done.title": "Готово: {{.number}}", "t.done.body": "Обращение {{.number}} рассмотрено."}`)},
		"l/en.json": {Data: []byte(`{"t.done.title": "Done: {{.number}}", "t.done.body": "Appeal {{.number}} was dealt with."}`)},
	}
	if err := c.Load(msgs, "l"); err != nil {
		t.Fatal(err)
	}
	return c
}

type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) all() []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]mail.Message(nil), o.sent...)
}

// people: u1 has a confirmed address and reads English; u2 has none.
type people struct{}

func (people) Email(_ context.Context, id string) (string, string, bool, error) {
	if id == "u1" {
		return "u1@example.org", "en", true, nil
	}
	return "", "", false, nil
}

func as(id string) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: id})
}

func notice(user string) Notice {
	return Notice{UserID: user, TenantID: "muni-a", Kind: "t.done", Key: "t.done", Args: map[string]string{"number": "A-1"},
		Link: "/appeals/1"}
}

func TestNotifyInTransactionThenMail(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		box := &outbox{}
		s := New(Deps{DB: d, Catalog: catalog(t), Mail: box, Recipients: people{}, BaseURL: "https://muni.example/"})
		ctx := context.Background()

		if err := s.Notify(ctx, notice("u1")); !errors.Is(err, ErrNoTx) {
			t.Fatalf("outside a transaction: %v, want ErrNoTx", err)
		}
		// A change that rolls back leaves no notification and sends nothing.
		boom := errors.New("boom")
		if err := d.InTx(ctx, func(ctx context.Context) error {
			if err := s.Notify(ctx, notice("u1")); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		s.Wait()
		if n, _ := s.Unread(ctx, "u1"); n != 0 || len(box.all()) != 0 {
			t.Fatalf("after rollback: %d unread, %d mails", n, len(box.all()))
		}
		for _, u := range []string{"u1", "u2", "u1"} {
			if err := d.InTx(ctx, func(ctx context.Context) error { return s.Notify(ctx, notice(u)) }); err != nil {
				t.Fatal(err)
			}
		}
		s.Wait()
		sent := box.all()
		if len(sent) != 2 {
			t.Fatalf("mails %d, want 2 (u2 has no confirmed address)", len(sent))
		}
		if m := sent[0]; m.To != "u1@example.org" || m.Subject != "Done: A-1" || !strings.Contains(m.Text, "Appeal A-1 was dealt with.") ||
			!strings.Contains(m.Text, "https://muni.example/appeals/1") {
			t.Fatalf("mail %+v", m)
		}
		if n, err := s.Unread(ctx, "u1"); err != nil || n != 2 {
			t.Fatalf("u1 unread %d %v, want 2", n, err)
		}
	})
}

func TestNotifyRefusesBadNotices(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := New(Deps{DB: d, Catalog: catalog(t)})
		for name, mod := range map[string]func(*Notice){
			"no user":       func(n *Notice) { n.UserID = "" },
			"no key":        func(n *Notice) { n.Key = "" },
			"external link": func(n *Notice) { n.Link = "https://evil.example/" },
			"protocol-rel":  func(n *Notice) { n.Link = "//evil.example/" },
		} {
			n := notice("u1")
			mod(&n)
			err := d.InTx(context.Background(), func(ctx context.Context) error { return s.Notify(ctx, n) })
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if n, _ := s.Unread(context.Background(), "u1"); n != 0 {
			t.Fatalf("%d stored", n)
		}
	})
}

func TestListAndMarkRead(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := New(Deps{DB: d, Catalog: catalog(t)})
		for range 3 {
			if err := d.InTx(context.Background(), func(ctx context.Context) error { return s.Notify(ctx, notice("u1")) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.InTx(context.Background(), func(ctx context.Context) error { return s.Notify(ctx, notice("u2")) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.List(context.Background(), "ru", "", 10); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous list: %v", err)
		}
		page, err := s.List(as("u1"), "ru", "", 2)
		if err != nil || len(page) != 2 {
			t.Fatalf("page %d %v", len(page), err)
		}
		if page[0].Title != "Готово: A-1" || page[0].Body != "Обращение A-1 рассмотрено." || !page[0].Unread() {
			t.Fatalf("rendered %+v", page[0])
		}
		if page[0].ID <= page[1].ID {
			t.Fatal("not newest first")
		}
		rest, err := s.List(as("u1"), "en", page[1].ID, 10)
		if err != nil || len(rest) != 1 || rest[0].Title != "Done: A-1" {
			t.Fatalf("rest %+v %v", rest, err)
		}
		// Another person's notification does not exist for u2.
		if _, err := s.MarkRead(as("u2"), page[0].ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("u2 marks u1's: %v", err)
		}
		link, err := s.MarkRead(as("u1"), page[0].ID)
		if err != nil || link != "/appeals/1" {
			t.Fatalf("mark: %q %v", link, err)
		}
		if n, _ := s.Unread(context.Background(), "u1"); n != 2 {
			t.Fatalf("unread %d, want 2", n)
		}
		if n, err := s.MarkAllRead(as("u1")); err != nil || n != 2 {
			t.Fatalf("all read %d %v", n, err)
		}
		if n, _ := s.Unread(context.Background(), "u1"); n != 0 {
			t.Fatalf("unread %d after all read", n)
		}
		if n, _ := s.Unread(context.Background(), "u2"); n != 1 {
			t.Fatalf("u2 unread %d, want 1 (untouched)", n)
		}
	})
}

// TestListShowsTheMunicipalityZone: a notice is listed with its
// municipality's time zone; without one it is Moscow time.
func TestListShowsTheMunicipalityZone(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		zones := map[string]string{"muni-a": "Asia/Yekaterinburg"}
		s := New(Deps{DB: d, Catalog: catalog(t), Zone: func(_ context.Context, id string) string { return zones[id] }})
		for _, tenant := range []string{"muni-a", "muni-b"} {
			n := notice("u3")
			n.TenantID = tenant
			if err := d.InTx(as("u3"), func(ctx context.Context) error { return s.Notify(ctx, n) }); err != nil {
				t.Fatal(err)
			}
		}
		items, err := s.List(as("u3"), "ru", "", 10)
		if err != nil || len(items) != 2 {
			t.Fatalf("list %v %v", items, err)
		}
		got := map[string]bool{}
		for _, it := range items {
			got[it.Zone+" "+it.Offset()] = it.Moscow()
		}
		if m, ok := got["Asia/Yekaterinburg UTC+05:00"]; !ok || m {
			t.Errorf("Yekaterinburg notice: %v", got)
		}
		if m, ok := got["Europe/Moscow UTC+03:00"]; !ok || !m {
			t.Errorf("notice of a municipality without a zone: %v", got)
		}
	})
}

// TestNotifyAll: many notices stored at once (more than one statement
// takes) are each listed and e-mailed once after the commit; one bad
// notice refuses them all, and a rollback keeps and sends none.
func TestNotifyAll(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		box := &outbox{}
		s := New(Deps{DB: d, Catalog: catalog(t), Mail: box, Recipients: people{}})
		ctx := context.Background()
		var ns []Notice
		for i := range 300 {
			n := notice([]string{"u1", "u2", "u4"}[i%3])
			n.Args = map[string]string{"number": fmt.Sprint("A-", i)}
			ns = append(ns, n)
		}
		bad := append(slices.Clone(ns), Notice{UserID: "u1", Kind: "t.done", Key: "t.done", Link: "https://evil.example/"})
		if err := d.InTx(ctx, func(ctx context.Context) error { return s.NotifyAll(ctx, bad) }); err == nil {
			t.Fatal("a bad notice was accepted")
		}
		boom := errors.New("boom")
		if err := d.InTx(ctx, func(ctx context.Context) error {
			if err := s.NotifyAll(ctx, ns); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		s.Wait()
		if n, _ := s.Unread(ctx, "u1"); n != 0 || len(box.all()) != 0 {
			t.Fatalf("after a refusal and a rollback: %d unread, %d mails", n, len(box.all()))
		}
		if err := d.InTx(ctx, func(ctx context.Context) error { return s.NotifyAll(ctx, ns) }); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if sent := box.all(); len(sent) != 100 || sent[0].To != "u1@example.org" {
			t.Fatalf("%d mails, want 100 (only u1 has an address)", len(sent))
		}
		items, err := s.List(as("u4"), "en", "", MaxPage)
		if err != nil || len(items) != 100 {
			t.Fatalf("u4 has %d notices (%v), want 100", len(items), err)
		}
		titles := map[string]bool{}
		for _, it := range items {
			titles[it.Title] = true
		}
		if len(titles) != 100 || !titles["Done: A-2"] || !titles["Done: A-299"] {
			t.Fatalf("u4's notices: %d distinct titles", len(titles))
		}
		if err := d.InTx(ctx, func(ctx context.Context) error { return s.NotifyAll(ctx, nil) }); err != nil {
			t.Fatal(err)
		}
	})
}
