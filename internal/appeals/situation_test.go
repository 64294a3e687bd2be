package appeals

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// TestSituationCounts: the situation counts open items, those past a
// deadline and today's, maps the open ones with a point, leaves closed
// items out, and answers only the municipality's staff.
func TestSituationCounts(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(false)
		e.report(resident("r1"), cat)
		e.complaint(resident("r2"))
		closed := e.report(resident("r3"), cat)
		op := official("op-a", auth.RoleOperator, muniA, "")
		must[Appeal](t)(e.svc.Register(op, closed.ID))
		must[Appeal](t)(e.svc.Assign(op, closed.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, closed.ID))
		must[Appeal](t)(e.svc.CloseNotFixed(op, closed.ID, "Дубликат."))
		st, err := e.svc.Situation(op, muniA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Open != 2 || st.Overdue != 0 || st.Today != 2 || len(st.Points) != 1 || st.Points[0].Lat != 59.93 {
			t.Fatalf("at once: %+v", st)
		}
		e.now = e.now.AddDate(0, 2, 0) // every clock has run out
		st, err = e.svc.Situation(op, muniA.ID)
		if err != nil || st.Open != 2 || st.Overdue != 2 || st.Today != 0 || !st.Points[0].Overdue {
			t.Fatalf("two months on: %+v %v", st, err)
		}
		for name, ctx := range map[string]context.Context{"resident": resident("r1"), "other municipality": admin(muniB), "anonymous": context.Background()} {
			if _, err := e.svc.Situation(ctx, muniA.ID); err == nil {
				t.Errorf("%s read the situation", name)
			}
		}
		since := e.now.AddDate(-1, 0, 0)
		cs, err := e.svc.DistrictCounts(context.Background(), muniA.ID, since)
		if err != nil || len(cs) != 1 || cs[0].ID != "" || cs[0].Total != 2 || cs[0].Open != 1 {
			t.Fatalf("public counts without districts: %+v %v", cs, err)
		}
		row, err := e.svc.PeriodStats(context.Background(), muniA.ID, since, e.now)
		if err != nil || row.Received != 3 || row.Closed != 1 {
			t.Fatalf("period statistics: %+v %v", row, err)
		}
	})
}
