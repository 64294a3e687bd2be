package appeals

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// staffMember is one official the fake Staff knows.
type staffMember struct {
	Person
	path, dept string
}

// fakeStaff answers Staff like identity does: grants on the path or
// above it, limited to a department or not.
type fakeStaff []staffMember

func (f fakeStaff) Staff(_ context.Context, path, departmentID string, min auth.Role) ([]Person, error) {
	var out []Person
	for _, m := range f {
		if (auth.Grant{ScopePath: m.path}).Covers(path) && m.Role >= min &&
			(departmentID == "" || m.dept == "" || m.dept == departmentID || m.Role >= auth.RoleMunicipalAdmin) {
			out = append(out, m.Person)
		}
	}
	return out, nil
}

func (f fakeStaff) Names(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, m := range f {
		for _, id := range ids {
			if id == m.ID {
				out[id] = m.Name
			}
		}
	}
	return out, nil
}

var people = fakeStaff{
	{Person{ID: "op-a1", Name: "Анна Дорожная", Role: auth.RoleOperator}, muniA.Path, depA1.ID},
	{Person{ID: "op-a2", Name: "Борис Садовый", Role: auth.RoleOperator}, muniA.Path, depA2.ID},
	{Person{ID: "head-a1", Name: "Вера Главная", Role: auth.RoleDepartmentHead}, muniA.Path, depA1.ID},
	{Person{ID: "admin-muni-a", Name: "Глеб Админ", Role: auth.RoleMunicipalAdmin}, muniA.Path, ""},
	{Person{ID: "op-b1", Name: "Дарья Камчатская", Role: auth.RoleOperator}, muniB.Path, depB1.ID},
}

// runStaff is run with a Staff instead of Officials: the app's wiring.
func runStaff(t *testing.T, body func(t *testing.T, e *env)) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		e := &env{t: t, d: d, now: start}
		e.svc = New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces(),
			Staff: people, Now: func() time.Time { return e.now }})
		body(t, e)
	})
}

func TestAssignToANamedOfficial(t *testing.T) {
	runStaff(t, func(t *testing.T, e *env) {
		op := official("op-a1", auth.RoleOperator, muniA, "")
		a := e.complaint(resident("res-1"))
		a = must[Appeal](t)(e.svc.Register(op, a.ID))
		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))

		// The picker offers those who can act in the item's department.
		ps := must[[]Person](t)(e.svc.Assignees(op, a.ID))
		got := map[string]bool{}
		for _, p := range ps {
			got[p.ID] = true
		}
		if !got["op-a1"] || !got["head-a1"] || !got["admin-muni-a"] || got["op-a2"] || got["op-b1"] {
			t.Fatalf("assignees %+v", ps)
		}
		if _, err := e.svc.Assignees(resident("res-1"), a.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("the author asks for assignees: %v", err)
		}
		if _, err := e.svc.Assignees(official("op-b1", auth.RoleOperator, muniB, ""), a.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("another municipality's official asks: %v", err)
		}

		before := e.counts()
		for name, who := range map[string]string{"other department": "op-a2", "other municipality": "op-b1", "unknown": "nobody"} {
			_, err := e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID, AssigneeID: who})
			fe, ok := fault.As(err)
			if !errors.Is(err, fault.ErrInvalid) || !ok || fe.Fields["assignee_id"] != "appeals.assignee.unknown" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if after := e.counts(); after["audit_log"] != before["audit_log"] || after["appeals_history"] != before["appeals_history"] {
			t.Fatalf("a refused assignment wrote: %v -> %v", before, after)
		}

		a = must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID, AssigneeID: "head-a1"}))
		if a.AssigneeID != "head-a1" {
			t.Fatalf("assignee %q", a.AssigneeID)
		}
		var detail string
		if err := e.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE action = 'appeals.appeal.assign' ORDER BY seq DESC LIMIT 1`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(detail, "head-a1") {
			t.Fatalf("audit detail %s", detail)
		}
		// "Mine" shows the assignee their item, and the queue names them.
		mine := must[[]Summary](t)(e.svc.Queue(official("head-a1", auth.RoleDepartmentHead, muniA, depA1.ID), QueueFilter{Mine: true, OpenOnly: true}))
		if len(mine) != 1 || mine[0].ID != a.ID {
			t.Fatalf("mine %+v", mine)
		}
		names := must[map[string]string](t)(e.svc.assigneeNames(op, mine))
		if names["head-a1"] != "Вера Главная" {
			t.Fatalf("names %v", names)
		}
		if others := must[[]Summary](t)(e.svc.Queue(op, QueueFilter{Mine: true, OpenOnly: true})); len(others) != 0 {
			t.Fatalf("op-a1's mine %+v", others)
		}
	})
}

func TestBulkAssignToAPerson(t *testing.T) {
	runStaff(t, func(t *testing.T, e *env) {
		op := official("op-a1", auth.RoleOperator, muniA, "")
		var ids []string
		for range 3 {
			a := e.complaint(resident("res-1"))
			must[Appeal](t)(e.svc.Register(op, a.ID))
			ids = append(ids, a.ID)
		}
		// op-a2 serves another department: nothing moves.
		if _, err := e.svc.BulkAssign(op, ids, AssignInput{DepartmentID: depA1.ID, AssigneeID: "op-a2"}); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bulk to an official of another department: %v", err)
		}
		for _, id := range ids {
			if a := must[Appeal](t)(e.svc.Appeal(op, id)); a.State != Registered {
				t.Fatalf("%s moved to %s", id, a.State)
			}
		}
		if n := must[int](t)(e.svc.BulkAssign(op, ids, AssignInput{DepartmentID: depA2.ID, AssigneeID: "op-a2"})); n != 3 {
			t.Fatalf("assigned %d", n)
		}
		for _, id := range ids {
			if a := must[Appeal](t)(e.svc.Appeal(op, id)); a.AssigneeID != "op-a2" || a.DepartmentID != depA2.ID {
				t.Fatalf("%s: %q %q", id, a.AssigneeID, a.DepartmentID)
			}
		}
		qa := must[[]Person](t)(e.svc.QueueAssignees(op))
		if len(qa) != 4 { // everyone over muni A
			t.Fatalf("queue assignees %+v", qa)
		}
	})
}
