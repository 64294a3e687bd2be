package services

import (
	"testing"
)

func TestSeedDemo(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		in := DemoInput{Now: start,
			Municipalities: []DemoMunicipality{{ID: muniA.ID, Departments: map[string]string{"architecture": depA.ID, "appeals": depA2.ID}, Applications: 40},
				{ID: muniB.ID, Departments: map[string]string{"architecture": depB.ID}}},
			Residents: []DemoResident{{ID: "r1", Name: "Смирнов Игорь Петрович"}, {ID: "r2", Name: "Кузнецова Анна Викторовна"}}}
		res, err := SeedDemo(system(), e.svc, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Services != 16 || res.Applications != 41 {
			t.Fatalf("seeded %+v", res)
		}
		for _, d := range demoCatalogue() {
			if err := d.Form.Check(); err != nil {
				t.Errorf("%s: %v", d.Code, err)
			}
		}
		states := map[State]int{}
		rows, err := e.d.Writer().Query("SELECT state FROM services_applications")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s State
			rows.Scan(&s)
			states[s]++
		}
		rows.Close()
		for _, s := range States() {
			if states[s] == 0 {
				t.Errorf("no demo application is %s: %v", s, states)
			}
		}
		again, err := SeedDemo(system(), e.svc, in)
		if err != nil || again.Services != 0 || again.Applications != 0 {
			t.Errorf("second run added %+v, %v", again, err)
		}
		st, err := e.svc.Stats(t.Context(), muniA.ID)
		if err != nil || len(st) != 8 {
			t.Fatalf("stats %d, %v", len(st), err)
		}
	})
}
