package appeals

import (
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestDemoTextsPassModeration(t *testing.T) {
	m := DemoMunicipality{ID: "m"}
	for code, ts := range demoTemplates {
		for i := range ts {
			if w := DefaultObscenity().Match(demoText(m, code, i*3)); w != "" && i*3%41 != 17 {
				t.Errorf("%s template %d flagged for %q", code, i, w)
			}
		}
	}
	for i, r := range demoRude {
		if DefaultObscenity().Match(r) == "" {
			t.Errorf("rude demo text %d passes moderation", i)
		}
	}
}

func TestSeedDemo(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := official("system", auth.RolePlatformAdmin, Municipality{Path: "/"}, "")
		in := DemoInput{Now: e.now, Residents: []DemoResident{{"r1", "Анна Иванова"}, {"r2", "Пётр Смирнов"}},
			Municipalities: []DemoMunicipality{{ID: muniA.ID, Items: 120, Departments: map[string]string{"roads": depA1.ID, "appeals": depA2.ID}}}}
		res, err := SeedDemo(ctx, e.svc, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Categories != len(demoCategories) || res.Items != 120 || res.Overdue == 0 || res.Overdue == res.Items {
			t.Errorf("demo %+v", res)
		}
		states := map[State]int{}
		for _, s := range must[[]Summary](t)(e.svc.Queue(admin(muniA), QueueFilter{Limit: 500})) {
			states[s.State]++
		}
		for _, s := range States() {
			if states[s] == 0 {
				t.Errorf("no demo item is %s: %v", s, states)
			}
		}
		var supported, confirmed int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM appeals WHERE supporters > 0`).Scan(&supported); err != nil {
			t.Fatal(err)
		}
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM appeals WHERE confirmed_ms IS NOT NULL`).Scan(&confirmed); err != nil {
			t.Fatal(err)
		}
		if supported == 0 || confirmed == 0 {
			t.Errorf("demo: %d reports supported, %d fixes confirmed", supported, confirmed)
		}
		// Varied texts at the town's addresses; some held by moderation,
		// one hidden; fixes disputed by their authors.
		var texts, pending, hidden, disputed int
		q := e.d.Writer()
		if err := q.QueryRow(`SELECT COUNT(DISTINCT description) FROM appeals`).Scan(&texts); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(`SELECT COUNT(*) FROM appeals_moderation WHERE status = 'pending'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(`SELECT COUNT(*) FROM appeals_moderation WHERE status = 'hidden'`).Scan(&hidden); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(`SELECT COUNT(*) FROM appeals_history h JOIN appeals a ON a.id = h.appeal_id
			WHERE h.action = 'reopen' AND h.actor_id = a.author_id`).Scan(&disputed); err != nil {
			t.Fatal(err)
		}
		if texts < 80 || pending == 0 || hidden != 1 || disputed == 0 {
			t.Errorf("demo: %d distinct texts of 120, %d held, %d hidden, %d disputed by the author", texts, pending, hidden, disputed)
		}
		before := e.counts()
		again, err := SeedDemo(ctx, e.svc, in)
		if err != nil || again.Items != res.Items || e.counts()["appeals"] != before["appeals"] {
			t.Errorf("a second run added items: %+v, %v", again, err)
		}
	})
}
