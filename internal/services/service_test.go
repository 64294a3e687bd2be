package services

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
)

func TestApplicationWorkflow(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		res := resident("res-a", "Иванова Мария Сергеевна", muniA)
		app := must[Application](t)(e.svc.Start(res, muniA.ID, "earthworks"))
		if app.State != StateDraft || app.Values["applicant"] != "Иванова Мария Сергеевна" {
			t.Fatalf("draft = %+v", app)
		}
		// Autosave keeps half-typed values; a wrong file refuses the save whole.
		must[Application](t)(e.svc.SaveDraft(res, app.ID, map[string]string{"applicant": "Иванова Мария Сергеевна", "inn": "5001"}, nil))
		_, err := e.svc.SaveDraft(res, app.ID, map[string]string{"inn": "500100"}, []Upload{{Field: "plan", Name: "plan.pdf", Data: []byte("not a pdf")}})
		if fe, ok := fault.As(err); !ok || fe.Fields["plan"] != "services.file.type" {
			t.Fatalf("wrong file type: %v", err)
		}
		got := must[Application](t)(e.svc.Application(res, app.ID))
		if got.Values["inn"] != "5001" || len(got.Files) != 0 {
			t.Fatalf("a refused save changed the draft: %+v", got)
		}

		// A submission with a bad INN leaves the draft as it was: no number,
		// no history step, no file, no event.
		before := [4]int{e.count("services_history"), e.count("services_files"), e.count("event_outbox"), e.count("services_counters")}
		bad := goodValues()
		bad["inn"] = "500100732250"
		_, err = e.svc.Submit(res, app.ID, bad, []Upload{{Field: "plan", Name: "plan.pdf", Data: pdfBytes}})
		if fe, ok := fault.As(err); !ok || fe.Fields["inn"] != "services.field.inn" || !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bad INN: %v", err)
		}
		after := [4]int{e.count("services_history"), e.count("services_files"), e.count("event_outbox"), e.count("services_counters")}
		if before != after {
			t.Fatalf("half-submitted: rows %v -> %v", before, after)
		}
		if got := must[Application](t)(e.svc.Application(res, app.ID)); got.State != StateDraft || got.Number != "" || got.Values["inn"] != "5001" {
			t.Fatalf("after refusal: %+v", got)
		}

		app = must[Application](t)(e.svc.Submit(res, app.ID, goodValues(), []Upload{{Field: "plan", Name: "схема.pdf", Data: pdfBytes}}))
		if app.State != StateSubmitted || app.Number != "МУ-2026-000001" || len(app.Files) != 1 {
			t.Fatalf("submitted = %+v", app)
		}
		// 29 Dec 2026 + 5 working days: 30 Dec, then 11–14 Jan 2027.
		if want := time.Date(2027, 1, 14, 20, 59, 59, 0, time.UTC); !app.Due.Equal(want) {
			t.Errorf("due %v, want %v", app.Due, want)
		}
		if _, err := e.svc.SaveDraft(res, app.ID, goodValues(), nil); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("editing a sent application: %v", err)
		}

		// Officials: the other department's operator cannot act; this one can.
		other := official("op-a2", auth.RoleOperator, muniA, depA2.ID)
		if _, err := e.svc.Act(other, app.ID, Decision{Action: ActAccept}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("other department: %v", err)
		}
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		if _, err := e.svc.Act(res, app.ID, Decision{Action: ActAccept}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("applicant accepting own application: %v", err)
		}
		e.now = e.now.Add(time.Hour)
		must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActAccept}))
		if _, err := e.svc.Act(op, app.ID, Decision{Action: ActRequest}); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("a request without saying what: %v", err)
		}
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRequest, Note: "Нужна схема в масштабе 1:500"}))
		if app.State != StateAwaiting || app.Request != "Нужна схема в масштабе 1:500" {
			t.Fatalf("requested: %+v", app)
		}
		if _, err := e.svc.Act(op, app.ID, Decision{Action: ActApprove}); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("approving while a document is awaited: %v", err)
		}
		if _, err := e.svc.Provide(res, app.ID, nil, ""); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("providing nothing: %v", err)
		}
		huge := append(append([]byte{}, pdfBytes...), make([]byte, DefaultFileMaxBytes)...)
		if _, err := e.svc.Provide(res, app.ID, []Upload{{Field: "plan", Name: "big.pdf", Data: huge}}, ""); err == nil {
			t.Error("an oversized file was taken")
		} else if fe, _ := fault.As(err); fe.Fields["plan"] != "services.file.too_large" {
			t.Errorf("oversized: %v", err)
		}
		app = must[Application](t)(e.svc.Provide(res, app.ID, []Upload{{Field: "plan", Name: "схема-1-500.png", Data: pngBytes(t)}}, "Прилагаю"))
		if app.State != StateInWork || app.Values["plan"] != "схема-1-500.png" {
			t.Fatalf("provided: %+v", app)
		}
		e.now = e.now.Add(24 * time.Hour)
		if _, _, err := e.svc.Result(res, app.ID); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("result before approval: %v", err)
		}
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActApprove, Note: "Работы разрешены с 20.01.2027 по 20.02.2027."}))
		if app.State != StateApproved || app.Decided.IsZero() {
			t.Fatalf("approved: %+v", app)
		}

		doc, name, err := e.svc.Result(res, app.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, doc)
		for _, want := range []string{"Иванова Мария Сергеевна", "Разрешение на осуществление земляных работ", "МУ-2026-000001", "Работы разрешены"} {
			if !strings.Contains(text, want) {
				t.Errorf("the result lacks %q:\n%s", want, text)
			}
		}
		if name != "result-МУ-2026-000001.pdf" {
			t.Errorf("name %q", name)
		}
		if _, _, err := e.svc.Result(resident("res-x", "Чужой", muniA), app.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a stranger downloads the result: %v", err)
		}
		if _, _, err := e.svc.Result(op, app.ID); err != nil {
			t.Errorf("staff download: %v", err)
		}

		var steps []Action
		for _, s := range app.History {
			steps = append(steps, s.Action)
		}
		if want := []Action{ActCreate, ActSubmit, ActAccept, ActRequest, ActProvide, ActApprove}; !slices.Equal(steps, want) {
			t.Errorf("history %v, want %v", steps, want)
		}
		if got, want := e.actions(app.ID), []string{"services.application.create", "services.application.save", "services.application.submit", "services.application.accept",
			"services.application.request", "services.application.provide", "services.application.approve"}; !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}
		// The applicant is told of each official step and the submission.
		told := 0
		rows, err := e.d.Writer().Query("SELECT id, type, tenant_id, payload FROM event_outbox ORDER BY created_ms, id")
		if err != nil {
			t.Fatal(err)
		}
		var evs []events.Event
		for rows.Next() {
			var ev events.Event
			var payload string
			if err := rows.Scan(&ev.ID, &ev.Type, &ev.TenantID, &payload); err != nil {
				t.Fatal(err)
			}
			ev.Payload = []byte(payload)
			evs = append(evs, ev)
		}
		rows.Close()
		for _, ev := range evs {
			if !slices.Contains(NotifyEvents(), ev.Type) {
				continue
			}
			ns, err := e.svc.Notices(system(), ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.UserID != "res-a" || n.Args["number"] != "МУ-2026-000001" || n.Link != "/services/applications/"+app.ID {
					t.Errorf("notice %+v", n)
				}
				told++
			}
		}
		if told != 4 {
			t.Errorf("%d notices, want 4 (submit, accept, request, approve)", told)
		}
	})
}

func TestRefusalNeedsAReasonOfTheService(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		res := resident("res-a", "Иванова Мария Сергеевна", muniA)
		app := must[Application](t)(e.svc.Start(res, muniA.ID, "earthworks"))
		app = must[Application](t)(e.svc.Submit(res, app.ID, goodValues(), []Upload{{Field: "plan", Name: "p.pdf", Data: pdfBytes}}))
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		for _, code := range []string{"", "made_up"} {
			if _, err := e.svc.Act(op, app.ID, Decision{Action: ActRefuse, Reason: code}); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("reason %q: %v", code, err)
			}
		}
		app = must[Application](t)(e.svc.Act(op, app.ID, Decision{Action: ActRefuse, Reason: "not_owner", Note: "Участок в собственности третьего лица"}))
		if app.State != StateRefused || app.RefusalCode != "not_owner" {
			t.Fatalf("refused: %+v", app)
		}
		if _, _, err := e.svc.Result(res, app.ID); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("a refused application has no result: %v", err)
		}
	})
}

func TestResidencyAndExtraterritorial(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		resB := resident("res-b", "Петров Пётр", muniB)
		_, err := e.svc.Start(resB, muniA.ID, "earthworks")
		if fe, ok := fault.As(err); !ok || fe.Type != "not-resident" || !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("a resident of B applying in A: %v", err)
		}
		en := must[Entry](t)(e.svc.Entry(admin(muniA), muniA.ID, "earthworks"))
		en.Extraterritorial = true
		must[Entry](t)(e.svc.UpdateEntry(admin(muniA), muniA.ID, en))
		app := must[Application](t)(e.svc.Start(resB, muniA.ID, "earthworks"))
		if app.TenantID != muniA.ID {
			t.Errorf("tenant %s", app.TenantID)
		}
		if got := e.actions(en.ID); !slices.Equal(got, []string{"services.entry.create", "services.entry.update"}) {
			t.Errorf("catalogue audit %v", got)
		}
		if _, err := e.svc.Start(auth.With(t.Context(), auth.Anon), muniA.ID, "earthworks"); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous: %v", err)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		e.earthworks(muniB, false)
		resA := resident("res-a", "Иванова Мария Сергеевна", muniA)
		app := must[Application](t)(e.svc.Start(resA, muniA.ID, "earthworks"))
		app = must[Application](t)(e.svc.Submit(resA, app.ID, goodValues(), []Upload{{Field: "plan", Name: "p.pdf", Data: pdfBytes}}))
		adminB, opB := admin(muniB), official("op-b", auth.RoleOperator, muniB, depB.ID)
		if _, err := e.svc.Application(adminB, app.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("admin of B reads A's application: %v", err)
		}
		if _, err := e.svc.Act(opB, app.ID, Decision{Action: ActAccept}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("operator of B acts on A's application: %v", err)
		}
		if _, _, err := e.svc.File(opB, app.ID, "plan"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("operator of B reads A's file: %v", err)
		}
		if q := must[[]Application](t)(e.svc.Queue(opB)); len(q) != 0 {
			t.Errorf("B's queue holds %d of A's applications", len(q))
		}
		if q := must[[]Application](t)(e.svc.Queue(official("op-a", auth.RoleOperator, muniA, depA.ID))); len(q) != 1 || q[0].ID != app.ID {
			t.Errorf("A's queue = %v", q)
		}
		if _, err := e.svc.UpdateEntry(adminB, muniA.ID, Entry{Code: "earthworks", NameRU: "Захват", LegalBasis: "x", Term: Term{Days: 1}}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("admin of B edits A's catalogue: %v", err)
		}
		if _, err := e.svc.CreateEntry(admin(muniA), muniA.ID, Entry{Code: "earthworks-2", NameRU: "Земляные работы", LegalBasis: "x",
			Term: Term{Days: 5}, DepartmentID: depB.ID}); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("a department of B in A's catalogue: %v", err)
		}
		if st := must[[]Stats](t)(e.svc.Stats(t.Context(), muniB.ID)); len(st) != 1 || st[0].Received != 0 {
			t.Errorf("B's statistics count A's application: %+v", st)
		}
		if n := must[int](t)(e.svc.Overdue(t.Context(), muniB.ID)); n != 0 {
			t.Errorf("B overdue %d", n)
		}
	})
}

func TestStartPrefilled(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		vals := map[string]string{"address": "г. Луга, ул. Мира, 5", "salary": "100000", "plan": "x.pdf"}
		if _, err := e.svc.StartPrefilled(resident("res-x", "Другой", muniA), "res-a", muniA.ID, "earthworks", vals); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("starting for someone else: %v", err)
		}
		id := must[string](t)(e.svc.StartPrefilled(system(), "res-a", muniA.ID, "earthworks", vals))
		app := must[Application](t)(e.svc.Application(resident("res-a", "Иванова Мария Сергеевна", muniA), id))
		if app.Source != SourceOffer || app.Values["address"] != "г. Луга, ул. Мира, 5" || app.Values["applicant"] != "Иванова Мария Сергеевна" ||
			app.Values["salary"] != "" || app.Values["plan"] != "" || app.ApplicantName != "Иванова Мария Сергеевна" {
			t.Fatalf("prefilled %+v", app)
		}
		var detail string
		if err := e.d.Writer().QueryRow("SELECT detail FROM audit_log WHERE object_id = $1", id).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(detail, `"ignored_fields":["plan","salary"]`) {
			t.Errorf("audit detail %s", detail)
		}
		if _, err := e.svc.StartPrefilled(system(), "res-a", muniA.ID, "no-such", nil); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown service: %v", err)
		}
	})
}

func TestApplyAllOrNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		res := resident("res-a", "Иванова Мария Сергеевна", muniA)
		bad := goodValues()
		bad["start"] = "2020-01-01"
		if _, err := e.svc.Apply(res, muniA.ID, "earthworks", bad, true); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("invalid: %v", err)
		}
		if n := e.count("services_applications"); n != 0 {
			t.Fatalf("a refused submission left %d applications", n)
		}
		app := must[Application](t)(e.svc.Apply(res, muniA.ID, "earthworks", bad, false))
		if app.State != StateDraft {
			t.Errorf("draft %+v", app)
		}
	})
}

func TestStatsAndOverdue(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, true)
		op := official("op-a", auth.RoleOperator, muniA, depA.ID)
		submit := func(id string) Application {
			res := resident(id, "Заявитель "+id, muniA)
			app := must[Application](t)(e.svc.Start(res, muniA.ID, "earthworks"))
			v := goodValues()
			v["start"] = "2027-03-01"
			return must[Application](t)(e.svc.Submit(res, app.ID, v, []Upload{{Field: "plan", Name: "p.pdf", Data: pdfBytes}}))
		}
		a1, a2, a3 := submit("r1"), submit("r2"), submit("r3")
		submit("r4")
		e.now = e.now.Add(48 * time.Hour)
		must[Application](t)(e.svc.Act(op, a1.ID, Decision{Action: ActAccept}))
		must[Application](t)(e.svc.Act(op, a1.ID, Decision{Action: ActApprove}))
		e.now = e.now.Add(48 * time.Hour)
		must[Application](t)(e.svc.Act(op, a2.ID, Decision{Action: ActRefuse, Reason: "incomplete"}))
		e.now = time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC) // past every deadline
		must[Application](t)(e.svc.Act(op, a3.ID, Decision{Action: ActRefuse, Reason: "incomplete"}))
		st := must[[]Stats](t)(e.svc.Stats(t.Context(), muniA.ID))
		if len(st) != 1 {
			t.Fatalf("stats %+v", st)
		}
		s := st[0]
		if s.Received != 4 || s.Open != 1 || s.Decided != 3 || s.Approved != 1 || s.Refusals["incomplete"] != 2 {
			t.Errorf("counts %+v", s)
		}
		if s.MedianHours != 96 { // 48 h, 96 h and the late one's
			t.Errorf("median %v h", s.MedianHours)
		}
		if s.Overdue != 2 || s.OverdueShare != 0.5 { // a3 decided late, r4 still open past its deadline
			t.Errorf("overdue %d share %v", s.Overdue, s.OverdueShare)
		}
		if n := must[int](t)(e.svc.Overdue(t.Context(), muniA.ID)); n != 1 {
			t.Errorf("overdue open = %d", n)
		}
	})
}

func TestCatalogueSearchAndVisibility(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		en := e.earthworks(muniA, false)
		anon := auth.With(t.Context(), auth.Anon)
		if got := must[[]Entry](t)(e.svc.Catalogue(anon, muniA.ID, "земляных РАБОТ")); len(got) != 1 {
			t.Errorf("search found %d", len(got))
		}
		if got := must[[]Entry](t)(e.svc.Catalogue(anon, muniA.ID, "разрешение земляные")); len(got) != 1 {
			t.Errorf("a search by word stems found %d", len(got))
		}
		if got := must[[]Entry](t)(e.svc.Catalogue(anon, muniA.ID, "вырубка")); len(got) != 0 {
			t.Errorf("search for another service found %d", len(got))
		}
		en.Active = false
		must[Entry](t)(e.svc.UpdateEntry(admin(muniA), muniA.ID, en))
		if got := must[[]Entry](t)(e.svc.Catalogue(anon, muniA.ID, "")); len(got) != 0 {
			t.Errorf("an inactive service is public")
		}
		if _, err := e.svc.Entry(anon, muniA.ID, "earthworks"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("inactive entry: %v", err)
		}
		if got := must[[]Entry](t)(e.svc.Catalogue(admin(muniA), muniA.ID, "")); len(got) != 1 {
			t.Errorf("the administrator does not see the inactive service")
		}
		_, err := e.svc.CreateEntry(admin(muniA), muniA.ID, Entry{Code: "earthworks", NameRU: "Дубль", LegalBasis: "x", Term: Term{Days: 3}})
		if fe, ok := fault.As(err); !ok || fe.Fields["code"] != "services.admin.code_taken" {
			t.Errorf("duplicate code: %v", err)
		}
		_, err = e.svc.CreateEntry(admin(muniA), muniA.ID, Entry{Code: "X", NameRU: "", Term: Term{Days: 0}, FeeKopecks: -1})
		if fe, ok := fault.As(err); !ok || len(fe.Fields) < 5 {
			t.Errorf("invalid entry: %v", err)
		}
		if _, err := e.svc.CreateEntry(resident("res-a", "x", muniA), muniA.ID, Entry{}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("a resident edits the catalogue: %v", err)
		}
	})
}

func TestDueCalendarDaysMoveOffADayOff(t *testing.T) {
	svc := New(Deps{})
	msk, _ := time.LoadLocation("Europe/Moscow")
	// 22 Dec 2026 + 10 calendar days = 1 Jan 2027, a holiday: the term
	// ends on the next working day, 11 January.
	at, cal := svc.Due(Term{Days: 10}, time.Date(2026, 12, 22, 9, 0, 0, 0, msk), msk)
	if got := at.In(msk).Format("2006-01-02 15:04"); got != "2027-01-11 23:59" {
		t.Errorf("due %s", got)
	}
	if cal == "" {
		t.Error("no calendar version")
	}
	at, _ = svc.Due(Term{Days: 5, Working: true}, time.Date(2026, 12, 29, 10, 0, 0, 0, msk), msk)
	if got := at.In(msk).Format("2006-01-02"); got != "2027-01-14" {
		t.Errorf("5 working days from 29 Dec 2026: %s", got)
	}
}

func TestExportUser(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		res := resident("res-a", "Иванова Мария Сергеевна", muniA)
		app := must[Application](t)(e.svc.Start(res, muniA.ID, "earthworks"))
		must[Application](t)(e.svc.Submit(res, app.ID, goodValues(), []Upload{{Field: "plan", Name: "p.pdf", Data: pdfBytes}}))
		must[Application](t)(e.svc.Start(resident("res-b", "Другой", muniA), muniA.ID, "earthworks"))
		name, data, err := e.svc.ExportUser(t.Context(), "res-a")
		if err != nil {
			t.Fatal(err)
		}
		apps := data.([]Application)
		if name != "services" || len(apps) != 1 || apps[0].Values["inn"] != "500100732259" || len(apps[0].Files) != 1 || len(apps[0].History) != 2 {
			t.Fatalf("export %s %+v", name, apps)
		}
	})
}

// A draft save is audited with the names of the fields it changed, never
// their values; a save that changes nothing writes nothing.
func TestDraftSaveAudit(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.earthworks(muniA, false)
		res := resident("res-a", "Иванова Мария Сергеевна", muniA)
		app := must[Application](t)(e.svc.Start(res, muniA.ID, "earthworks"))
		must[Application](t)(e.svc.SaveDraft(res, app.ID, map[string]string{"inn": "500100732259", "address": "г. Луга"}, nil))
		must[Application](t)(e.svc.SaveDraft(res, app.ID, map[string]string{"inn": "500100732259"}, nil))
		if got := e.actions(app.ID); !slices.Equal(got, []string{"services.application.create", "services.application.save"}) {
			t.Fatalf("audit %v", got)
		}
		var detail string
		if err := e.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE action = 'services.application.save'`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if detail != `{"fields":["inn","address"]}` || strings.Contains(detail, "500100732259") {
			t.Errorf("detail %s", detail)
		}
	})
}
