package appeals

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// outboxEvents reads the stored outbox events of one type, in order.
func (e *env) outboxEvents(typ string) []events.Event {
	e.t.Helper()
	rows, err := e.d.Writer().Query(`SELECT id, type, tenant_id, payload FROM event_outbox WHERE type = $1 ORDER BY created_ms, id`, typ)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var ev events.Event
		var p string
		if err := rows.Scan(&ev.ID, &ev.Type, &ev.TenantID, &p); err != nil {
			e.t.Fatal(err)
		}
		ev.Payload = json.RawMessage(p)
		out = append(out, ev)
	}
	return out
}

func TestNoticesTellTheAuthorOfEachStep(t *testing.T) {
	runStaff(t, func(t *testing.T, e *env) {
		op := official("op-a1", auth.RoleOperator, muniA, "")
		head := official("head-a1", auth.RoleDepartmentHead, muniA, depA1.ID)
		a := e.complaint(resident("res-1"))
		must[Appeal](t)(e.svc.Register(op, a.ID))
		must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, a.ID))
		must[Appeal](t)(e.svc.Extend(head, a.ID, 10, "Нужен выезд на место."))
		must[Appeal](t)(e.svc.Answer(op, a.ID, "Мусор вывезен, график восстановлен."))
		must[Appeal](t)(e.svc.Reopen(op, a.ID, "Житель сообщил, что мусор снова не вывозят."))

		told := map[string]bool{"appeal.registered": true, "appeal.extended": true, "appeal.answered": true, "appeal.reopened": true}
		for _, typ := range []string{"appeal.registered", "appeal.assigned", "appeal.started", "appeal.extended", "appeal.answered", "appeal.reopened"} {
			evs := e.outboxEvents(typ)
			if len(evs) != 1 {
				t.Fatalf("%s: %d events", typ, len(evs))
			}
			ns, err := e.svc.Notices(op, evs[0])
			if err != nil {
				t.Fatal(err)
			}
			if !told[typ] {
				if len(ns) != 0 {
					t.Errorf("%s tells the author: %+v", typ, ns)
				}
				continue
			}
			if len(ns) != 1 || ns[0].UserID != "res-1" || ns[0].Link != "/appeals/"+a.ID || ns[0].TenantID != muniA.ID {
				t.Fatalf("%s: %+v", typ, ns)
			}
			if !slices.Contains(NotifyEvents(), typ) {
				t.Errorf("%s not subscribed", typ)
			}
		}
		if ns := must[[]notify.Notice](t)(e.svc.Notices(op, e.outboxEvents("appeal.answered")[0])); ns[0].Key != "appeals.notify.answer" {
			t.Fatalf("answer key %q", ns[0].Key)
		}
	})
}

func TestNoticesSkipAnonymousAuthors(t *testing.T) {
	runStaff(t, func(t *testing.T, e *env) {
		op := official("op-a1", auth.RoleOperator, muniA, "")
		cat := e.pothole(true)
		a := must[Appeal](t)(e.svc.Submit(resident(""), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: cat.ID,
			Description: "Глубокая яма у остановки «Школа».", Point: &Point{Lat: 59.93, Lon: 30.31}, Anonymous: true}))
		must[Appeal](t)(e.svc.Register(op, a.ID))
		if ns := must[[]notify.Notice](t)(e.svc.Notices(op, e.outboxEvents("appeal.registered")[0])); len(ns) != 0 {
			t.Fatalf("anonymous told: %+v", ns)
		}
	})
}

func TestEscalationReachesTheDepartmentHead(t *testing.T) {
	runStaff(t, func(t *testing.T, e *env) {
		op := official("op-a1", auth.RoleOperator, muniA, "")
		withDept := e.complaint(resident("res-1"))
		must[Appeal](t)(e.svc.Register(op, withDept.ID))
		must[Appeal](t)(e.svc.Assign(op, withDept.ID, AssignInput{DepartmentID: depA1.ID}))
		unrouted := e.complaint(resident("res-2"))
		must[Appeal](t)(e.svc.Register(op, unrouted.ID))

		e.now = e.now.Add(20 * 24 * time.Hour) // past half of the 30-day answer clock
		if n, err := e.svc.Escalate(op, e.now); err != nil || n == 0 {
			t.Fatalf("escalated %d %v", n, err)
		}
		got := map[string][]string{} // appeal -> recipients
		for _, ev := range e.outboxEvents(EventEscalated) {
			ns := must[[]notify.Notice](t)(e.svc.Notices(op, ev))
			for _, n := range ns {
				if n.Key != escalationKey(atoi(n.Args["level"])) || n.Args["level"] == "" || n.Args["due"] == "" || n.Args["basis"] == "" {
					t.Fatalf("notice %+v", n)
				}
				got[n.Link] = append(got[n.Link], n.UserID)
			}
		}
		if r := got["/appeals/"+withDept.ID]; len(r) == 0 || slices.ContainsFunc(r, func(id string) bool { return id != "head-a1" }) {
			t.Fatalf("department's item told %v, want head-a1", r)
		}
		if r := got["/appeals/"+unrouted.ID]; len(r) == 0 || slices.ContainsFunc(r, func(id string) bool { return id != "admin-muni-a" }) {
			t.Fatalf("unrouted item told %v, want the municipal admin", r)
		}
		if escalationKey(100) != "appeals.notify.escalated.overdue" || escalationKey(80) != "appeals.notify.escalated" {
			t.Fatal("escalation keys")
		}
	})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
