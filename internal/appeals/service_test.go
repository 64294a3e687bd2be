package appeals

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestSubmitRejectsBadInputAndWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		other := must[Category](t)(e.svc.CreateCategory(admin(muniB), muniB.ID, CategoryInput{Code: "pothole",
			Regime: RegimeReport, NameRU: "Яма", SLA: SLA{Amount: 3, Unit: Days}}))
		ok := func() SubmitInput {
			return SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
				Description: "Глубокая яма у остановки.", Point: &Point{Lat: 59.9, Lon: 30.3}}
		}
		appeal := func() SubmitInput {
			return SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Proposal,
				Description: "Предлагаю поставить скамейки.", AuthorName: "Иван Петров"}
		}
		for _, tc := range []struct {
			name  string
			ctx   context.Context
			edit  func(in *SubmitInput)
			base  func() SubmitInput
			field string
		}{
			{"short description", resident("r1"), func(in *SubmitInput) { in.Description = "яма" }, ok, "description"},
			{"10,000-character description", resident("r1"), func(in *SubmitInput) { in.Description = strings.Repeat("я", 10000) }, ok, "description"},
			{"control characters", resident("r1"), func(in *SubmitInput) { in.Description = "яма\x00у остановки школы" }, ok, "description"},
			{"latitude out of range", resident("r1"), func(in *SubmitInput) { in.Point = &Point{Lat: 91, Lon: 30} }, ok, "point"},
			{"longitude out of range", resident("r1"), func(in *SubmitInput) { in.Point = &Point{Lat: 59, Lon: -181} }, ok, "point"},
			{"a pin outside the municipality", resident("r1"), func(in *SubmitInput) { in.Point = &Point{Lat: 55.75, Lon: 37.62} }, ok, "point"},
			{"NaN coordinates", resident("r1"), func(in *SubmitInput) { in.Point = &Point{Lat: math.NaN(), Lon: 30} }, ok, "point"},
			{"report without a place", resident("r1"), func(in *SubmitInput) { in.Point = nil }, ok, "point"},
			{"report without a category", resident("r1"), func(in *SubmitInput) { in.CategoryID = "" }, ok, "category_id"},
			{"unknown category", resident("r1"), func(in *SubmitInput) { in.CategoryID = "nope" }, ok, "category_id"},
			{"another municipality's category", resident("r1"), func(in *SubmitInput) { in.CategoryID = other.ID }, ok, "category_id"},
			{"report with a kind", resident("r1"), func(in *SubmitInput) { in.Kind = Complaint }, ok, "kind"},
			{"anonymous where the category forbids", context.Background(), func(*SubmitInput) {}, ok, "anonymous"},
			{"long address", resident("r1"), func(in *SubmitInput) { in.Address = strings.Repeat("д", 301) }, ok, "address"},
			{"unknown municipality", resident("r1"), func(in *SubmitInput) { in.TenantID = "nowhere" }, ok, "municipality_id"},
			{"unknown regime", resident("r1"), func(in *SubmitInput) { in.Regime = "petition" }, ok, "regime"},
			{"appeal without a kind", resident("r1"), func(in *SubmitInput) { in.Kind = "" }, appeal, "kind"},
			{"appeal without a name", resident("r1"), func(in *SubmitInput) { in.AuthorName = "И" }, appeal, "author_name"},
			{"anonymous appeal", context.Background(), func(*SubmitInput) {}, appeal, "anonymous"},
			{"appeal with a report category", resident("r1"), func(in *SubmitInput) { in.CategoryID = pot.ID }, appeal, "category_id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.counts()
				in := tc.base()
				tc.edit(&in)
				_, err := e.svc.Submit(tc.ctx, in)
				fe, isFault := fault.As(err)
				if !errors.Is(err, fault.ErrInvalid) || !isFault || fe.Fields[tc.field] == "" {
					t.Fatalf("err = %v, want invalid %s", err, tc.field)
				}
				if after := e.counts(); !maps.Equal(before, after) {
					t.Errorf("bad input wrote: %v -> %v", before, after)
				}
			})
		}
	})
}

func TestSubmitAppealStartsTheRegistrationClock(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		a := e.complaint(resident("r1"))
		if a.State != Received || a.AuthorID != "r1" || a.TenantPath != muniA.Path || len(a.History) != 1 {
			t.Fatalf("appeal %+v", a)
		}
		d, ok := a.Next()
		// Friday 10 Jan + 3 days = Monday 13 Jan, end of day in Moscow.
		if !ok || d.Rule != "fz59.register" || d.Basis != "59-ФЗ, ст. 8 ч. 2" || msk(d.At) != "2025-01-13 23:59" {
			t.Errorf("registration deadline %+v", d)
		}
		if got := e.events(); !slices.Equal(got, []string{"appeal.received"}) {
			t.Errorf("events %v", got)
		}
	})
}

func TestSubmitAnonymousReport(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(true)
		a := e.report(context.Background(), pot)
		if !a.Anonymous() || a.AuthorName != "" || a.DepartmentID != depA1.ID {
			t.Fatalf("report %+v", a)
		}
		d, _ := a.Next()
		// 5 working days from Friday 10 Jan 2025: 13–17 Jan.
		if d.Clock != ClockSLA || d.Basis != "Регламент категории «Яма на дороге»" || msk(d.At) != "2025-01-17 23:59" {
			t.Errorf("SLA deadline %+v", d)
		}
		// A signed-in resident may ask to stay anonymous too.
		b := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport,
			CategoryID: pot.ID, Description: "Ещё одна яма рядом.", Address: "ул. Ленина, 1", Anonymous: true}))
		if !b.Anonymous() {
			t.Errorf("asked anonymity was not kept: %+v", b)
		}
	})
}

func TestFormalAppealWorkflow(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op, head := official("op-a", auth.RoleOperator, muniA, ""), official("head-a", auth.RoleDepartmentHead, muniA, depA1.ID)
		a := e.complaint(resident("r1"))
		e.now = e.now.Add(26 * time.Hour) // registered on Saturday 11 Jan
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		answer, _ := openClock(a, ClockAnswer)
		// 11 Jan + 30 = Monday 10 Feb.
		if a.State != Registered || answer.Rule != "fz59.answer" || msk(answer.At) != "2025-02-10 23:59" {
			t.Fatalf("registered %+v, answer clock %+v", a, answer)
		}
		if _, ok := openClock(a, ClockRegister); ok {
			t.Error("the registration clock still runs")
		}
		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID, AssigneeID: "op-a-2"}))
		a = must[Appeal](t)(e.svc.Start(official("op-a-2", auth.RoleOperator, muniA, ""), a.ID))
		if _, err := e.svc.Extend(op, a.ID, 30, "Запрос в Росреестр"); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("an operator extended: %v", err)
		}
		a = must[Appeal](t)(e.svc.Extend(head, a.ID, 30, "Запрос в Росреестр"))
		ext, _ := openClock(a, ClockAnswer)
		// 10 Feb + 30 = 12 Mar.
		if a.State != Extended || !a.Extended || ext.Rule != "fz59.extension" || ext.Basis != "59-ФЗ, ст. 12 ч. 2" || msk(ext.At) != "2025-03-12 23:59" {
			t.Fatalf("extended %+v, clock %+v", a, ext)
		}
		if _, err := e.svc.Extend(head, a.ID, 5, "Ещё раз"); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("extended twice: %v", err)
		}
		a = must[Appeal](t)(e.svc.Answer(op, a.ID, "Вывоз мусора восстановлен."))
		if a.State != Answered || a.Answer == "" {
			t.Fatalf("answered %+v", a)
		}
		if _, ok := a.Next(); ok {
			t.Error("a clock still runs after the answer")
		}
		var acts []Action
		for _, s := range a.History {
			acts = append(acts, s.Action)
		}
		if want := []Action{ActSubmit, ActRegister, ActAssign, ActStart, ActExtend, ActAnswer}; !slices.Equal(acts, want) {
			t.Errorf("history %v, want %v", acts, want)
		}
		want := []string{"appeal.received", "appeal.registered", "appeal.assigned", "appeal.started", "appeal.extended", "appeal.answered"}
		if got := e.events(); !slices.Equal(got, want) {
			t.Errorf("events %v", got)
		}
		if c := e.counts(); c["audit_log"] != 6 || c["appeals_history"] != 6 || c["appeals_deadlines"] != 4 {
			t.Errorf("rows %v", c)
		}
	})
}

func TestReportWorkflowAndDispute(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, depA1.ID)
		a := e.report(resident("r1"), e.pothole(false))
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		a = must[Appeal](t)(e.svc.Start(op, a.ID))
		if a.AssigneeID != "op-a" {
			t.Errorf("starting did not take the report: %q", a.AssigneeID)
		}
		if _, err := e.svc.Answer(op, a.ID, "Ответ"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("a report was answered like an appeal: %v", err)
		}
		a = must[Appeal](t)(e.svc.Fix(op, a.ID, "Яму заделали."))
		if a.State != Fixed {
			t.Fatalf("fixed %+v", a)
		}
		if _, err := e.svc.Reopen(resident("r2"), a.ID, "Не исправлено"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a stranger disputed: %v", err)
		}
		e.now = e.now.Add(3 * 24 * time.Hour)
		a = must[Appeal](t)(e.svc.Reopen(resident("r1"), a.ID, "Яма снова появилась."))
		if a.State != Reopened {
			t.Fatalf("reopened %+v", a)
		}
		if d, ok := a.Next(); !ok || d.Clock != ClockSLA || !d.From.Equal(e.now) {
			t.Errorf("the SLA did not restart: %+v", d)
		}
		a = must[Appeal](t)(e.svc.Start(op, a.ID))
		a = must[Appeal](t)(e.svc.CloseNotFixed(op, a.ID, "Дорога не муниципальная."))
		e.now = e.now.Add(DisputeWindow + time.Hour)
		if _, err := e.svc.Reopen(resident("r1"), a.ID, "Всё ещё яма"); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("disputed after the window: %v", err)
		}
	})
}

func TestTenantAndDepartmentIsolation(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false) // routed to depA1
		rep := e.report(resident("r1"), pot)
		apl := e.complaint(resident("r1"))
		opB := official("op-b", auth.RoleMunicipalAdmin, muniB, "")
		opA2 := official("op-a2", auth.RoleDepartmentHead, muniA, depA2.ID)
		opA1 := official("op-a1", auth.RoleOperator, muniA, depA1.ID)
		for name, ctx := range map[string]context.Context{"other municipality": opB, "other department": opA2, "other resident": resident("r2")} {
			if _, err := e.svc.Appeal(ctx, rep.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s read the report: %v", name, err)
			}
			before := e.counts()
			if _, err := e.svc.Register(ctx, rep.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s registered the report: %v", name, err)
			}
			if after := e.counts(); !maps.Equal(before, after) {
				t.Errorf("%s: a refused step wrote", name)
			}
		}
		if _, err := e.svc.Register(resident("r1"), rep.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("the author registered their own report: %v", err)
		}
		if _, err := e.svc.Appeal(context.Background(), rep.ID); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("a visitor read the report: %v", err)
		}
		must[Appeal](t)(e.svc.Appeal(opA1, rep.ID))
		must[Appeal](t)(e.svc.Appeal(resident("r1"), apl.ID))
		ids := func(ctx context.Context) []string {
			var out []string
			for _, s := range must[[]Summary](t)(e.svc.Queue(ctx, QueueFilter{OpenOnly: true})) {
				out = append(out, s.ID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(opB); len(got) != 0 {
			t.Errorf("muni B's queue shows %v", got)
		}
		if got := ids(opA1); !slices.Equal(got, []string{rep.ID}) {
			t.Errorf("depA1's queue shows %v, want the report only", got)
		}
		if got := ids(admin(muniA)); len(got) != 2 {
			t.Errorf("muni A's admin sees %v", got)
		}
		if _, err := e.svc.Queue(resident("r1"), QueueFilter{}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("a resident has a queue: %v", err)
		}
		mine := must[[]Summary](t)(e.svc.Mine(resident("r1"), "", 10))
		if len(mine) != 2 || mine[0].Due == nil {
			t.Errorf("mine %+v", mine)
		}
		if got := must[[]Summary](t)(e.svc.Mine(resident("r2"), "", 10)); len(got) != 0 {
			t.Errorf("another resident's list %+v", got)
		}
	})
}

func TestWorkflowBadInputWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op, head := official("op-a", auth.RoleOperator, muniA, ""), official("head-a", auth.RoleDepartmentHead, muniA, "")
		a := e.complaint(resident("r1"))
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		for _, tc := range []struct {
			name string
			do   func() error
			kind error
		}{
			{"assign to another municipality's department", func() error {
				_, err := e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depB1.ID})
				return err
			}, fault.ErrInvalid},
			{"assign to no department", func() error { _, err := e.svc.Assign(op, a.ID, AssignInput{}); return err }, fault.ErrInvalid},
			{"assign to a stranger", func() error {
				_, err := e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID, AssigneeID: "op-b"})
				return err
			}, fault.ErrInvalid},
			{"extend without a reason", func() error { _, err := e.svc.Extend(head, a.ID, 10, " "); return err }, fault.ErrInvalid},
			{"extend by 31 days", func() error { _, err := e.svc.Extend(head, a.ID, 31, "Запрос"); return err }, fault.ErrInvalid},
			{"answer before work starts", func() error { _, err := e.svc.Answer(op, a.ID, "Ответ"); return err }, fault.ErrConflict},
			{"no answer for an unknown reason", func() error { _, err := e.svc.NoAnswer(op, a.ID, "boring", ""); return err }, fault.ErrInvalid},
			{"redirect to nobody", func() error { _, err := e.svc.Redirect(op, a.ID, "", ""); return err }, fault.ErrInvalid},
			{"fix an appeal", func() error { _, err := e.svc.Fix(op, a.ID, ""); return err }, fault.ErrConflict},
		} {
			before := e.counts()
			if err := tc.do(); !errors.Is(err, tc.kind) {
				t.Errorf("%s: err %v, want %v", tc.name, err, tc.kind)
			}
			if after := e.counts(); !maps.Equal(before, after) {
				t.Errorf("%s wrote: %v -> %v", tc.name, before, after)
			}
		}
	})
}

func TestRedirectAndNoAnswerEndTheClocks(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		a := e.complaint(resident("r1"))
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		if d, _ := openClock(a, ClockRedirect); msk(d.At) != "2025-01-17 23:59" || d.Basis != "59-ФЗ, ст. 8 ч. 3" {
			t.Errorf("redirect clock %+v", d)
		}
		a = must[Appeal](t)(e.svc.Redirect(op, a.ID, "Прокуратура района", "Вопрос вне компетенции."))
		if a.State != Redirected || a.RedirectTo != "Прокуратура района" {
			t.Fatalf("redirected %+v", a)
		}
		if _, ok := a.Next(); ok {
			t.Error("a clock runs after the redirect")
		}
		b := e.complaint(resident("r1"))
		b = must[Appeal](t)(e.svc.Register(op, b.ID))
		b = must[Appeal](t)(e.svc.NoAnswer(op, b.ID, ReasonObscene, "Предупреждаем о недопустимости злоупотребления правом."))
		if b.State != NoAnswer || b.Reason != ReasonObscene {
			t.Fatalf("no answer %+v", b)
		}
		c := e.complaint(resident("r1"))
		c = must[Appeal](t)(e.svc.Return(op, c.ID, "По вопросу есть решение суда."))
		if c.State != Returned || c.Reason != "court_decision" {
			t.Fatalf("returned %+v", c)
		}
	})
}

func TestCreateCategory(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		good := CategoryInput{Code: "light", Regime: RegimeReport, NameRU: "Фонарь", SLA: SLA{Amount: 48, Unit: Hours}}
		if _, err := e.svc.CreateCategory(official("op-a", auth.RoleOperator, muniA, ""), muniA.ID, good); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("an operator created a category: %v", err)
		}
		if _, err := e.svc.CreateCategory(admin(muniB), muniA.ID, good); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("another municipality's admin created a category: %v", err)
		}
		for _, tc := range []struct {
			field string
			edit  func(in *CategoryInput)
		}{
			{"code", func(in *CategoryInput) { in.Code = "Фонарь!" }},
			{"name_ru", func(in *CategoryInput) { in.NameRU = "" }},
			{"sla", func(in *CategoryInput) { in.SLA = SLA{Amount: 721, Unit: Hours} }},
			{"sla", func(in *CategoryInput) { in.SLA = SLA{Amount: 3, Unit: "weeks"} }},
			{"sla", func(in *CategoryInput) { in.Regime = RegimeAppeal }},
			{"regime", func(in *CategoryInput) { in.Regime = "" }},
			{"department_id", func(in *CategoryInput) { in.DepartmentID = depB1.ID }},
		} {
			before := e.counts()
			in := good
			tc.edit(&in)
			_, err := e.svc.CreateCategory(admin(muniA), muniA.ID, in)
			if fe, ok := fault.As(err); !ok || fe.Fields[tc.field] == "" {
				t.Errorf("%s: err %v", tc.field, err)
			}
			if after := e.counts(); !maps.Equal(before, after) {
				t.Errorf("%s: bad input wrote", tc.field)
			}
		}
		must[Category](t)(e.svc.CreateCategory(admin(muniA), muniA.ID, good))
		if _, err := e.svc.CreateCategory(admin(muniA), muniA.ID, good); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("duplicate code: %v", err)
		}
		if cs := must[[]Category](t)(e.svc.Categories(context.Background(), muniA.ID)); len(cs) != 1 || !cs[0].Active {
			t.Errorf("categories %+v", cs)
		}
	})
}

func TestExportUser(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		a := e.complaint(resident("r1"))
		e.complaint(resident("r2"))
		must[Appeal](t)(e.svc.Register(official("op-a", auth.RoleOperator, muniA, ""), a.ID))
		name, data, err := e.svc.ExportUser(context.Background(), "r1")
		if err != nil || name != "appeals" {
			t.Fatal(name, err)
		}
		got, ok := data.([]Appeal)
		if !ok || len(got) != 1 || got[0].ID != a.ID || len(got[0].History) != 2 || len(got[0].Deadlines) != 3 {
			t.Errorf("export %+v", data)
		}
	})
}

func TestPublicReportsHidePeopleAndAppeals(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		pot := e.pothole(false)
		open := e.report(resident("r1"), pot)
		done := e.report(resident("r2"), pot)
		for _, step := range []func(string) (Appeal, error){
			func(id string) (Appeal, error) { return e.svc.Register(op, id) },
			func(id string) (Appeal, error) { return e.svc.Assign(op, id, AssignInput{DepartmentID: depA1.ID}) },
			func(id string) (Appeal, error) { return e.svc.Start(op, id) },
			func(id string) (Appeal, error) { return e.svc.Fix(op, id, "") },
		} {
			must[Appeal](t)(step(done.ID))
		}
		e.complaint(resident("r1"))
		other := must[Category](t)(e.svc.CreateCategory(admin(muniB), muniB.ID, CategoryInput{Code: "snow", Regime: RegimeReport,
			NameRU: "Снег", SLA: SLA{Amount: 1, Unit: Days}}))
		must[Appeal](t)(e.svc.Submit(resident("r3"), SubmitInput{TenantID: muniB.ID, Regime: RegimeReport, CategoryID: other.ID,
			Description: "Не убран снег у школы.", Address: "ул. Школьная"}))
		ids := func(f PublicFilter) []string {
			var out []string
			for _, p := range must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, f)) {
				out = append(out, p.ID)
			}
			slices.Sort(out)
			return out
		}
		both := []string{open.ID, done.ID}
		slices.Sort(both)
		if got := ids(PublicFilter{}); !slices.Equal(got, both) {
			t.Errorf("public reports %v, want the two reports only", got)
		}
		if got := ids(PublicFilter{Status: "open"}); !slices.Equal(got, []string{open.ID}) {
			t.Errorf("open reports %v", got)
		}
		if got := ids(PublicFilter{Status: "closed"}); !slices.Equal(got, []string{done.ID}) {
			t.Errorf("closed reports %v", got)
		}
		e.now = e.now.Add(30 * 24 * time.Hour)
		for _, p := range must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, PublicFilter{})) {
			if p.ID == open.ID && !p.Overdue || p.ID == done.ID && (p.Overdue || !p.Closed) {
				t.Errorf("report %+v", p)
			}
		}
	})
}

func TestNearbySupportAndConfirm(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		pot := e.pothole(false)
		first := e.report(resident("r1"), pot) // at 59.93, 30.31
		far := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
			Description: "Яма в другом конце города.", Point: &Point{Lat: 59.95, Lon: 30.31}}))
		near := func(p Point) []string {
			var out []string
			for _, r := range must[[]PublicReport](t)(e.svc.Nearby(context.Background(), muniA.ID, pot.ID, p)) {
				out = append(out, r.ID)
			}
			return out
		}
		// 100 m north of the first report: offered; 2 km away: not.
		if got := near(Point{Lat: 59.93 + 100/111320.0, Lon: 30.31}); !slices.Equal(got, []string{first.ID}) {
			t.Errorf("nearby %v, want only %s (not %s)", got, first.ID, far.ID)
		}
		if got := near(Point{Lat: 59.93 + 200/111320.0, Lon: 30.31}); len(got) != 0 {
			t.Errorf("200 m away is nearby: %v", got)
		}
		if _, err := e.svc.Support(resident("r1"), first.ID); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("the author supported their own report: %v", err)
		}
		a := must[Appeal](t)(e.svc.Support(resident("r2"), first.ID))
		a = must[Appeal](t)(e.svc.Support(resident("r2"), first.ID))
		if a.Supporters != 1 {
			t.Errorf("supporters %d, want 1 after the same person twice", a.Supporters)
		}
		if c := e.counts(); c["audit_log"] != 4 { // the category, two submissions, one support
			t.Errorf("audit entries %d", c["audit_log"])
		}
		apl := e.complaint(resident("r1"))
		if _, err := e.svc.Support(resident("r2"), apl.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a formal appeal was supported: %v", err)
		}
		for _, step := range []func() (Appeal, error){
			func() (Appeal, error) { return e.svc.Register(op, first.ID) },
			func() (Appeal, error) { return e.svc.Assign(op, first.ID, AssignInput{DepartmentID: depA1.ID}) },
			func() (Appeal, error) { return e.svc.Start(op, first.ID) },
			func() (Appeal, error) { return e.svc.Fix(op, first.ID, "") },
		} {
			must[Appeal](t)(step())
		}
		if _, err := e.svc.Confirm(resident("r2"), first.ID, 5); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a stranger confirmed: %v", err)
		}
		before := e.counts()
		if _, err := e.svc.Confirm(resident("r1"), first.ID, 6); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("rating 6: %v", err)
		}
		if !maps.Equal(before, e.counts()) {
			t.Error("a refused confirmation wrote")
		}
		a = must[Appeal](t)(e.svc.Confirm(resident("r1"), first.ID, 4))
		if a.ConfirmedAt == nil || a.Rating != 4 || a.State != Fixed {
			t.Errorf("confirmed %+v", a)
		}
		if _, err := e.svc.Confirm(resident("r1"), first.ID, 5); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("confirmed twice: %v", err)
		}
	})
}

func TestListsPageByReceivedTime(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		var want []string
		for i := 0; i < 5; i++ {
			e.now = start.Add(time.Duration(-i) * time.Hour) // each one received an hour before the last
			want = append(want, e.complaint(resident("r1")).ID)
		}
		var got []string
		for before := ""; ; {
			page := must[[]Summary](t)(e.svc.Mine(resident("r1"), before, 2))
			for _, s := range page {
				got = append(got, s.ID)
			}
			if len(page) < 2 {
				break
			}
			before = page[len(page)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages %v, want the latest received first %v", got, want)
		}
	})
}

func TestSubmissionRateLimits(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(true)
		e.svc.perAccount, e.svc.perIP = 2, 3
		in := func(ip string) SubmitInput {
			return SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID, Description: "Яма у остановки школы.",
				Address: "ул. Ленина, 1", ClientIP: ip}
		}
		must[Appeal](t)(e.svc.Submit(resident("r1"), in("198.51.100.1")))
		must[Appeal](t)(e.svc.Submit(resident("r1"), in("198.51.100.2")))
		before := e.counts()
		if _, err := e.svc.Submit(resident("r1"), in("198.51.100.3")); !errors.Is(err, fault.ErrTooMany) {
			t.Errorf("a third report from one account within the hour: %v", err)
		}
		if !maps.Equal(before, e.counts()) {
			t.Error("a refused submission wrote")
		}
		must[Appeal](t)(e.svc.Submit(context.Background(), in("198.51.100.1")))
		must[Appeal](t)(e.svc.Submit(resident("r2"), in("198.51.100.1")))
		if _, err := e.svc.Submit(context.Background(), in("198.51.100.1")); !errors.Is(err, fault.ErrTooMany) {
			t.Errorf("a fourth report from one address within the hour: %v", err)
		}
		e.now = e.now.Add(RateWindow + time.Minute)
		must[Appeal](t)(e.svc.Submit(resident("r1"), in("198.51.100.1")))
		if _, err := e.svc.Housekeep(context.Background(), e.now.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM appeals_rate`).Scan(&left); err != nil || left != 0 {
			t.Errorf("address counts kept after a day: %d %v", left, err)
		}
	})
}

// TestReopenInTheSameInstant: a report fixed and disputed within one
// millisecond restarts its SLA clock instead of failing on the clock's key.
func TestReopenInTheSameInstant(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, depA1.ID)
		a := e.report(resident("r1"), e.pothole(false))
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		a = must[Appeal](t)(e.svc.Start(op, a.ID))
		a = must[Appeal](t)(e.svc.Fix(op, a.ID, "Яму заделали."))
		a = must[Appeal](t)(e.svc.Reopen(resident("r1"), a.ID, "Яма снова появилась."))
		if d, ok := a.Next(); a.State != Reopened || !ok || d.Clock != ClockSLA || !d.Open() {
			t.Fatalf("reopened %s, next clock %+v", a.State, d)
		}
	})
}
