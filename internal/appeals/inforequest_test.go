package appeals

import (
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestInformationRequest(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		a := e.complaint(resident("r1"))
		if _, err := e.svc.RequestInfo(op, a.ID, "ГИБДД", "Схема ДТП"); !errors.Is(err, ErrConflict) {
			t.Errorf("a request before registration: %v", err)
		}
		must[Appeal](t)(e.svc.Register(op, a.ID))
		if steps := e.svc.Steps(op, must[Appeal](t)(e.svc.Appeal(op, a.ID))); !slices.Contains(steps, ActInfoRequest) || slices.Contains(steps, ActInfoReceived) {
			t.Errorf("steps before a request %v", steps)
		}
		// Friday 10 January 2025, 12:00 Moscow.
		e.now = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
		before := e.counts()
		for _, tc := range []struct {
			name, body, subject, field string
		}{
			{"no body", " ", "Схема ДТП", "body"},
			{"no subject", "ГИБДД", "", "subject"},
			{"a long body", strings.Repeat("я", MaxName+1), "Схема ДТП", "body"},
			{"a control character", "ГИБДД\x07", "Схема ДТП", "body"},
		} {
			if _, err := e.svc.RequestInfo(op, a.ID, tc.body, tc.subject); fieldsOf(err)[tc.field] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := e.svc.RequestInfo(resident("r1"), a.ID, "ГИБДД", "Схема ДТП"); !errors.Is(err, ErrForbidden) {
			t.Errorf("the author requests: %v", err)
		}
		if _, err := e.svc.RequestInfo(official("op-b", auth.RoleOperator, muniB, ""), a.ID, "ГИБДД", "Схема ДТП"); !errors.Is(err, ErrNotFound) {
			t.Errorf("another municipality requests: %v", err)
		}
		if _, err := e.svc.ReceiveInfo(op, a.ID, "ответ"); !errors.Is(err, ErrConflict) {
			t.Errorf("information received before a request: %v", err)
		}
		if after := e.counts(); !maps.Equal(before, after) {
			t.Errorf("refused steps wrote: %v -> %v", before, after)
		}

		got := must[Appeal](t)(e.svc.RequestInfo(op, a.ID, "ГИБДД по Лужскому району", "Схема ДТП от 3 января"))
		d, ok := openClock(got, ClockInfo)
		// 15 calendar days from 10 January end on Saturday 25 January, a
		// day off: the clock moves back to Friday 24 January, 23:59:59 MSK.
		if !ok || d.Rule != "fz59.info_request" || d.Basis != "59-ФЗ, ст. 10 ч. 2" || msk(d.At) != "2025-01-24 23:59" {
			t.Errorf("info clock %+v (%s)", d, msk(d.At))
		}
		if got.State != Registered {
			t.Errorf("a request moved the state to %s", got.State)
		}
		if _, ok := openClock(got, ClockAnswer); !ok {
			t.Error("the answer clock stopped")
		}
		last := got.History[len(got.History)-1]
		if last.Action != ActInfoRequest || last.Note != "ГИБДД по Лужскому району: Схема ДТП от 3 января" {
			t.Errorf("history %+v", last)
		}
		if _, err := e.svc.RequestInfo(op, a.ID, "МЧС", "Акт"); !errors.Is(err, ErrConflict) {
			t.Errorf("a second request while one runs: %v", err)
		}
		if steps := e.svc.Steps(op, got); slices.Contains(steps, ActInfoRequest) || !slices.Contains(steps, ActInfoReceived) {
			t.Errorf("steps while a request runs %v", steps)
		}
		// The author reads the requests; another resident does not.
		reqs := must[[]InfoRequest](t)(e.svc.InfoRequests(resident("r1"), a.ID))
		if len(reqs) != 1 || reqs[0].Body != "ГИБДД по Лужскому району" || !reqs[0].Due.Equal(d.At) || reqs[0].ReceivedAt != nil {
			t.Errorf("requests %+v", reqs)
		}
		if _, err := e.svc.InfoRequests(resident("r2"), a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another resident reads the requests: %v", err)
		}

		e.now = e.now.Add(72 * time.Hour)
		got = must[Appeal](t)(e.svc.ReceiveInfo(op, a.ID, "Схема получена"))
		if _, ok := openClock(got, ClockInfo); ok {
			t.Error("the info clock still runs")
		}
		reqs = must[[]InfoRequest](t)(e.svc.InfoRequests(op, a.ID))
		if reqs[0].ReceivedAt == nil || !reqs[0].ReceivedAt.Equal(e.now) || reqs[0].Result != "Схема получена" {
			t.Errorf("after receiving %+v", reqs[0])
		}
		if _, err := e.svc.ReceiveInfo(op, a.ID, ""); !errors.Is(err, ErrConflict) {
			t.Errorf("received twice: %v", err)
		}
		// A second request may follow the first.
		must[Appeal](t)(e.svc.RequestInfo(op, a.ID, "МЧС", "Акт обследования"))
		var n int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action IN ('appeals.appeal.info_request', 'appeals.appeal.info_received')`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d audit entries (%v), want 3", n, err)
		}
		if evs := e.events(); !slices.Contains(evs, "appeal.info_requested") || !slices.Contains(evs, "appeal.info_received") {
			t.Errorf("events %v", evs)
		}
		// Answering stops every clock, the request's too.
		must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, a.ID))
		done := must[Appeal](t)(e.svc.Answer(op, a.ID, "Ответ по существу."))
		if _, ok := openClock(done, ClockInfo); ok {
			t.Error("the info clock runs after the answer")
		}
	})
}

func TestInformationRequestOnlyForAppeals(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		r := e.report(resident("r1"), e.pothole(false))
		must[Appeal](t)(e.svc.Register(op, r.ID))
		if _, err := e.svc.RequestInfo(op, r.ID, "ГИБДД", "Схема"); !errors.Is(err, ErrConflict) {
			t.Errorf("a request on a report: %v", err)
		}
	})
}

func TestInformationRequestOnTheWeb(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		actors := map[string]*auth.Actor{"op": auth.From(official("op-a", auth.RoleOperator, muniA, "")), "r1": auth.From(resident("r1"))}
		h := testServer(t, e.svc, actors)
		a := e.complaint(resident("r1"))
		must[Appeal](t)(e.svc.Register(official("op-a", auth.RoleOperator, muniA, ""), a.ID))
		for _, sc := range []scenario{
			{name: "the form", actor: "op", method: "GET", path: "/appeals/" + a.ID, status: 200,
				want: []string{`action="/appeals/` + a.ID + `/info_request"`, "Куда направлен запрос"}},
			{name: "a bad request", actor: "op", method: "POST", path: "/appeals/" + a.ID + "/info_request", status: 400,
				form: url.Values{"body": {"ГИБДД"}}, want: []string{"Опишите, что запрошено."}},
			{name: "the author may not", actor: "r1", method: "POST", path: "/appeals/" + a.ID + "/info_request", status: 403,
				form: url.Values{"body": {"ГИБДД"}, "subject": {"Схема"}}},
			{name: "a request", actor: "op", method: "POST", path: "/appeals/" + a.ID + "/info_request", status: 303, writes: true,
				form: url.Values{"body": {"ГИБДД"}, "subject": {"Схема ДТП"}}, location: "/appeals/" + a.ID},
			{name: "shown with its clock", actor: "r1", method: "GET", path: "/appeals/" + a.ID, status: 200,
				want: []string{"Запросы информации", "ГИБДД", "ответ ожидается", "59-ФЗ, ст. 10 ч. 2", "15 дней с получения запроса"}},
			{name: "received", actor: "op", method: "POST", path: "/appeals/" + a.ID + "/info_received", status: 303, writes: true,
				form: url.Values{"result": {"Схема получена"}}, location: "/appeals/" + a.ID},
			{name: "shown received", actor: "op", method: "GET", path: "/appeals/" + a.ID, status: 200,
				want: []string{"получен ответ", "Схема получена"}},
		} {
			sc.run(t, e, h)
		}
	})
}
