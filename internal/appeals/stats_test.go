package appeals

import (
	"context"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{nil, -1}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

func TestStatistics(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		pot := e.pothole(false)
		fixed := e.report(resident("r1"), pot)
		e.report(resident("r2"), pot) // stays open, and runs over its SLA
		apl := e.complaint(resident("r3"))
		e.now = e.now.Add(2 * 24 * time.Hour)
		for _, id := range []string{fixed.ID, apl.ID} {
			must[Appeal](t)(e.svc.Register(op, id))
			must[Appeal](t)(e.svc.Assign(op, id, AssignInput{DepartmentID: depA1.ID}))
			must[Appeal](t)(e.svc.Start(op, id))
		}
		must[Appeal](t)(e.svc.Fix(op, fixed.ID, ""))
		e.now = e.now.Add(2 * 24 * time.Hour)
		must[Appeal](t)(e.svc.Answer(op, apl.ID, "Ответ по существу."))
		e.now = e.now.Add(30 * 24 * time.Hour) // the open report is long overdue
		st := must[Stats](t)(e.svc.Statistics(context.Background(), muniA.ID))
		tot := st.Total
		if tot.Received != 3 || tot.Closed != 2 || tot.MedianFix != 2 || tot.MedianAnswer != 4 || tot.Overdue != 1 {
			t.Errorf("total %+v", tot)
		}
		if len(st.ByMonth) != 1 || st.ByMonth[0].Key != "2025-01" {
			t.Errorf("by month %+v", st.ByMonth)
		}
		if len(st.ByCategory) != 1 || st.ByCategory[0].Key != pot.ID || st.ByCategory[0].Received != 2 {
			t.Errorf("by category %+v", st.ByCategory)
		}
		if len(st.ByDepartment) != 1 || st.ByDepartment[0].Key != depA1.ID || st.ByDepartment[0].Received != 3 {
			t.Errorf("by department %+v", st.ByDepartment)
		}
		if other := must[Stats](t)(e.svc.Statistics(context.Background(), muniB.ID)); other.Total.Received != 0 {
			t.Errorf("another municipality's statistics count ours: %+v", other.Total)
		}
	})
}
