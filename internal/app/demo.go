package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/territory"
)

// DemoLogin is one account the demo prints.
type DemoLogin struct {
	Role     string
	Email    string
	Password string
	Scope    string
}

// DemoWorld is what the demo steps share: each step reads what earlier
// steps made (the territory's ids for the officials' grants, say) and adds
// its own. Domains extend the demo by adding a step in demoSteps.
type DemoWorld struct {
	Municipality string // slug of the main demo municipality
	Logins       []DemoLogin
	Notes        []string // one line per step: what it created
	ids          map[string]any
}

type demoStep struct {
	name string
	run  func(ctx context.Context, a *App, w *DemoWorld) error
}

// territory is what the territory step seeded, for the steps after it.
func (w *DemoWorld) territory() (territory.Demo, error) {
	td, ok := w.ids["territory"].(territory.Demo)
	if !ok {
		return td, fmt.Errorf("the territory step must run first")
	}
	return td, nil
}

// demoSteps is the one registration point of the demo, in dependency order.
func (a *App) demoSteps() []demoStep {
	return []demoStep{
		{"territory", demoTerritory},
		{"identity", demoIdentity},
		{"appeals", demoAppeals},
		{"participation", demoParticipation},
		{"budgets", demoBudgets},
		{"results", demoResults},
		{"initiatives", demoInitiatives},
		{"metering", demoMetering},
		{"transport", demoTransport},
		{"traffic", demoTraffic},
		{"decisions", demoDecisions},
		{"services", demoServices},
		{"proactive", demoProactive},
		{"monitoring", demoMonitoring},
	}
}

// SeedDemo creates the demo region, idempotently: running it again finds
// what exists and adds only what is missing.
func (a *App) SeedDemo(ctx context.Context) (*DemoWorld, error) {
	w := &DemoWorld{ids: map[string]any{}}
	for _, s := range a.demoSteps() {
		start := time.Now()
		if err := s.run(ctx, a, w); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", s.name, err)
		}
		a.Log.Info("demo step done", "step", s.name, "took", time.Since(start).Round(time.Millisecond))
	}
	return w, nil
}

// Print writes the demo's address and logins for a person to use.
func (w *DemoWorld) Print(out io.Writer, baseURL string) {
	fmt.Fprintf(out, "\nThe demo region is in place. Portal: %s/", baseURL)
	if w.Municipality != "" {
		fmt.Fprintf(out, "  (municipality: %s/m/%s/)", baseURL, w.Municipality)
	}
	fmt.Fprintln(out)
	for _, n := range w.Notes {
		fmt.Fprintln(out, "  ·", n)
	}
	if len(w.Logins) > 0 {
		fmt.Fprintln(out, "\nDemo logins (demo data only — never use these passwords elsewhere):")
		for _, l := range w.Logins {
			fmt.Fprintf(out, "  %-22s %-36s %s  %s\n", l.Role, l.Email, l.Password, l.Scope)
		}
	}
	fmt.Fprintln(out)
}

// isDemoResident tells the demo's residents from its officials by e-mail:
// residents' demo addresses end in a three-digit number; officials' do not.
func isDemoResident(email string) bool {
	local, _, _ := strings.Cut(email, "@")
	return len(local) > 4 && strings.Trim(local[len(local)-4:], ".0123456789") == ""
}

// demoResidents are the residents the identity step made (up to 1000).
func demoResidents(ctx context.Context, a *App) ([]identity.User, error) {
	users, err := a.Identity.Users(AsSystem(ctx), identity.UserQuery{Search: "@demo.example", Limit: 1000})
	out := users[:0]
	for _, u := range users {
		if isDemoResident(u.Email) {
			out = append(out, u)
		}
	}
	return out, err
}
