package proactive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	mime "mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/placetest"
)

var sets = []db.Migrations{audit.Migrations, Migrations}

// Two municipalities: tests prove one never sees the other's register.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "alpha", Name: "Альфа", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "beta", Name: "Бета", TimeZone: "Asia/Yekaterinburg"}
)

// places are the municipalities ms, found by id and slug as territory would.
func places(ms ...Municipality) placetest.Places[Municipality] {
	return placetest.New(func(m Municipality) (string, string) { return m.ID, m.Slug }, notFound, ms...)
}

// fakePeople knows accounts by e-mail.
type fakePeople map[string]string

func (p fakePeople) UserByEmail(_ context.Context, email string) (string, bool, error) {
	id, ok := p[email]
	return id, ok, nil
}

// fakeStarter records the drafts it started; fail makes it refuse.
type fakeStarter struct {
	mu      sync.Mutex
	started []startCall
	fail    error
}

type startCall struct {
	userID, muniID, service string
	values                  map[string]string
}

func (f *fakeStarter) StartPrefilled(ctx context.Context, userID, muniID, service string, values map[string]string) (string, error) {
	if !db.InTxNow(ctx) {
		return "", fmt.Errorf("StartPrefilled outside the offer's transaction")
	}
	if f.fail != nil {
		return "", f.fail
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, startCall{userID, muniID, service, values})
	return fmt.Sprintf("app-%d", len(f.started)), nil
}

// fakeNotify keeps the notices, refusing any outside a transaction like
// the real one; it fails a call with a notice to failFor. during, if
// set, runs in each call's transaction.
type fakeNotify struct {
	mu      sync.Mutex
	notices []notify.Notice
	failFor string
	during  func(ctx context.Context, ns []notify.Notice) error
}

func (f *fakeNotify) NotifyAll(ctx context.Context, ns []notify.Notice) error {
	if !db.InTxNow(ctx) {
		return notify.ErrNoTx
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range ns {
		if f.failFor != "" && n.UserID == f.failFor {
			return errors.New("notifications down")
		}
	}
	if f.during != nil {
		if err := f.during(ctx, ns); err != nil {
			return err
		}
	}
	f.notices = append(f.notices, ns...)
	return nil
}

// clock is a settable now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type env struct {
	s       *Service
	d       *db.DB
	clock   *clock
	starter *fakeStarter
	notes   *fakeNotify
}

// Residents' accounts.
const (
	annaEmail = "anna@example.org"
	annaID    = "user-anna"
	petrEmail = "petr@example.org"
	petrID    = "user-petr"
)

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{d: d, clock: &clock{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}, starter: &fakeStarter{}, notes: &fakeNotify{}}
	e.s = New(Deps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB),
		People: fakePeople{annaEmail: annaID, petrEmail: petrID}, Starter: e.starter, Notify: e.notes, Now: e.clock.now})
	return e
}

func adminOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: "admin-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: m.ID, ScopePath: m.Path}}}
}

func keyOf(m Municipality) *auth.Actor {
	return &auth.Actor{Kind: auth.Machine, ID: "key-" + m.ID, Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: m.ID, ScopePath: m.Path}}}
}

func residentActor(id, email string) *auth.Actor {
	return &auth.Actor{Kind: auth.User, ID: id, Email: email, Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
}

var (
	anna = residentActor(annaID, annaEmail)
	petr = residentActor(petrID, petrEmail)
)

func as(a *auth.Actor) context.Context { return auth.With(context.Background(), a) }

// Valid SNILS numbers (control numbers computed).
const (
	snilsAnna = "11223344595"
	snilsPetr = "12345678964"
)

// kindergartenRule offers kindergarten enrolment for each child under 3
// not yet enrolled, on the birth of a child.
func kindergartenRule() Rule {
	when, _ := ParseCond(`{"all": [{"fact": "child.age_months", "op": "<", "value": 36}, {"not": {"fact": "child.attr.kindergarten", "op": "exists"}}]}`)
	return Rule{Code: "kindergarten_on_birth", Name: "Запись в детский сад", NameEN: "Kindergarten enrolment", EventType: "child_born",
		PerChild: true, When: when, ServiceCode: "kindergarten", LifetimeDays: 30, Active: true,
		Prefill: map[string]string{"applicant_name": "full_name", "child_name": "child.name", "child_birth_date": "child.birth_date", "address": "address"}}
}

// saveRule stores r for m as its administrator.
func (e *env) saveRule(t testing.TB, m Municipality, r Rule) Rule {
	t.Helper()
	r, err := e.s.SaveRule(as(adminOf(m)), m.ID, r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) consent(t testing.TB, a *auth.Actor) {
	t.Helper()
	if err := e.s.GiveConsent(as(a), "ru"); err != nil {
		t.Fatal(err)
	}
}

func birth(id, snils, email, childKey, childBirth string) Event {
	return Event{ID: id, Type: "child_born", OccurredOn: childBirth,
		Person: Person{SNILS: snils, Email: email, FullName: "Анна Смирнова", BirthDate: "1994-05-02", Address: "ул. Ленина, 1"},
		Data:   map[string]string{"child_key": childKey, "child_name": "Мария", "child_birth_date": childBirth}}
}

func (e *env) record(t testing.TB, m Municipality, ev Event) EventRecord {
	t.Helper()
	rec, err := e.s.RecordEvent(as(keyOf(m)), m.ID, SourceAPI, ev)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (e *env) offers(t testing.TB, a *auth.Actor) []Offer {
	t.Helper()
	os, err := e.s.MyOffers(as(a))
	if err != nil {
		t.Fatal(err)
	}
	return os
}

// auditCount counts audit entries of action.
func auditCount(t testing.TB, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var platformAdmin = &auth.Actor{Kind: auth.User, ID: "root", Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopeID: "region", ScopePath: "/"}}}

func urlEscape(s string) string { return url.QueryEscape(s) }

// multipart posts body as the file of an upload form.
func multipart(t testing.TB, h http.Handler, actor, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := mime.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "events.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(body))
	mw.Close()
	return call{actor, "POST", path, mw.FormDataContentType(), buf.String()}.do(t, h)
}
