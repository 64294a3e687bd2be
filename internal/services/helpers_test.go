package services

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
	"github.com/muni-platform/muni/internal/platform/placetest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

var sets = []db.Migrations{audit.Migrations, events.Migrations, Migrations}

// Two municipalities of one region.
var (
	muniA = Municipality{ID: "muni-a", Path: "/region/muni-a/", Slug: "a", Name: "Лужский район", TimeZone: "Europe/Moscow"}
	muniB = Municipality{ID: "muni-b", Path: "/region/muni-b/", Slug: "b", Name: "Гатчина", TimeZone: "Europe/Moscow"}
	depA  = Department{ID: "dep-a", MunicipalityID: "muni-a", Name: "Отдел архитектуры"}
	depA2 = Department{ID: "dep-a2", MunicipalityID: "muni-a", Name: "Архив"}
	depB  = Department{ID: "dep-b", MunicipalityID: "muni-b", Name: "Отдел архитектуры"}
)

// fakePlaces know muniA and muniB, found by id and slug as territory
// would, and their departments.
type fakePlaces struct{ placetest.Places[Municipality] }

func newPlaces() fakePlaces {
	key := func(m Municipality) (string, string) { return m.ID, m.Slug }
	return fakePlaces{placetest.New(key, func() error { return fault.ErrNotFound }, muniA, muniB)}
}

func (fakePlaces) Departments(_ context.Context, muniID string) ([]Department, error) {
	var out []Department
	for _, d := range []Department{depA, depA2, depB} {
		if d.MunicipalityID == muniID {
			out = append(out, d)
		}
	}
	return out, nil
}

type fakePeople map[string]string

func (p fakePeople) Name(_ context.Context, id string) (string, error) { return p[id], nil }

// env is one test's service with a clock the test moves.
type env struct {
	t   *testing.T
	d   *db.DB
	svc *Service
	now time.Time
}

// start is Tuesday 29 December 2026, 10:00 in Moscow: five working days
// later is 14 January 2027, past the New Year holidays.
var start = time.Date(2026, 12, 29, 7, 0, 0, 0, time.UTC)

func run(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := &env{t: t, d: d, now: start}
		e.svc = New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces(),
			People: fakePeople{"res-a": "Иванова Мария Сергеевна"}, Fonts: pdftest.Fonts(t), Now: func() time.Time { return e.now }})
		body(t, e)
	})
}

// resident is a signed-in resident whose home is in m.
func resident(id, name string, m Municipality) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: name,
		Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: m.ID + "-home", ScopePath: m.Path + "home/"}}})
}

func official(id string, role auth.Role, m Municipality, dept string) context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: id, Name: "Специалист",
		Grants: []auth.Grant{{Role: role, ScopeID: m.ID, ScopePath: m.Path, DepartmentID: dept}}})
}

func admin(m Municipality) context.Context {
	return official("admin-"+m.ID, auth.RoleMunicipalAdmin, m, "")
}

func system() context.Context {
	return auth.With(context.Background(), &auth.Actor{Kind: auth.Machine, ID: "system",
		Grants: []auth.Grant{{Role: auth.RolePlatformAdmin, ScopePath: "/"}}})
}

// earthworks is a permit of muni A (5 working days, department A) with a
// checked INN, a date, a consent and a required plan upload.
func (e *env) earthworks(m Municipality, extraterritorial bool) Entry {
	e.t.Helper()
	dep := depA.ID
	if m.ID == muniB.ID {
		dep = depB.ID
	}
	en, err := e.svc.CreateEntry(admin(m), m.ID, Entry{Code: "earthworks", NameRU: "Выдача разрешения на осуществление земляных работ",
		NameEN: "Earthworks permit", DepartmentID: dep, LegalBasis: "131-ФЗ, ст. 16; Правила благоустройства",
		Term: Term{Days: 5, Working: true}, ResultRU: "Разрешение на осуществление земляных работ", Active: true,
		Extraterritorial: extraterritorial, DocumentsRU: []string{"Схема производства работ"},
		Form: Form{
			{Code: "applicant", Kind: KindText, LabelRU: "Заявитель", Required: true, Prefill: "name"},
			{Code: "inn", Kind: KindText, LabelRU: "ИНН", Required: true, Check: CheckINN},
			{Code: "address", Kind: KindText, LabelRU: "Адрес работ", Required: true},
			{Code: "start", Kind: KindDate, LabelRU: "Начало работ", Required: true, MinDate: "today", MaxDate: "+1y"},
			{Code: "consent", Kind: KindCheckbox, LabelRU: "Согласен на обработку персональных данных", Required: true},
			{Code: "plan", Kind: KindFile, LabelRU: "Схема", Required: true},
		},
		Reasons: []Reason{{Code: "incomplete", RU: "Непредставление документов"}, {Code: "not_owner", RU: "Заявитель не правообладатель"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

// goodValues fill the earthworks form validly (the plan comes separately).
func goodValues() map[string]string {
	return map[string]string{"inn": "500100732259", "address": "г. Луга, пр. Кирова, 12", "start": "2027-01-20", "consent": "on"}
}

// count returns the rows of a table.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.d.Writer().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// actions lists the audit log's actions for an object, in order.
func (e *env) actions(objectID string) []string {
	e.t.Helper()
	rows, err := e.d.Writer().Query("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq", objectID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
