package services

import (
	"strings"
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
		if res.Services != 16 || res.Applications != 41 || res.Extended == 0 {
			t.Fatalf("seeded %+v", res)
		}
		// Some deadlines were moved by a suspension, some terms wait
		// suspended, some requests kept the term running; every step and
		// suspension is in the past.
		var moved, lasting, running, future int
		for _, q := range []struct {
			sql string
			n   *int
		}{
			{"SELECT COUNT(*) FROM services_pauses p JOIN services_applications a ON a.id = p.application_id WHERE p.days > 0 AND a.due_ms = p.due_ms", &moved},
			{"SELECT COUNT(*) FROM services_pauses p JOIN services_applications a ON a.id = p.application_id WHERE p.to_ms IS NULL AND a.paused_ms = p.from_ms AND a.state = 'awaiting_documents'", &lasting},
			{"SELECT COUNT(*) FROM services_applications WHERE state = 'awaiting_documents' AND paused_ms IS NULL", &running},
			{"SELECT (SELECT COUNT(*) FROM services_history WHERE at_ms > $1) + (SELECT COUNT(*) FROM services_pauses WHERE from_ms > $1 OR to_ms > $1)", &future},
		} {
			var args []any
			if strings.Contains(q.sql, "$1") {
				args = append(args, start.UnixMilli())
			}
			if err := e.d.Writer().QueryRow(q.sql, args...).Scan(q.n); err != nil {
				t.Fatal(err)
			}
		}
		if moved != res.Extended || lasting == 0 || running == 0 || future != 0 {
			t.Errorf("moved %d (extended %d), suspended now %d, waiting with a running term %d, in the future %d",
				moved, res.Extended, lasting, running, future)
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
