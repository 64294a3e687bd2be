package app

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// buildBallots makes the one ballot box of the process, so concurrent
// ballots share its group commit. Checkpoints are signed with the key in
// MUNI_BALLOT_KEY_FILE, or else with the key stored in the database
// (generated on first use).
func (a *App) buildBallots() error {
	var key ed25519.PrivateKey
	if path := a.Cfg.BallotKeyFile; path != "" {
		var err error
		if key, err = loadBallotKey(path); err != nil {
			return err
		}
	}
	a.Ballots = participation.NewBallotBox(a.Participation, key)
	return nil
}

// loadBallotKey reads an ed25519 private key from a PEM file holding a
// PKCS #8 "PRIVATE KEY" block, as openssl genpkey writes it.
func loadBallotKey(path string) (ed25519.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("app: MUNI_BALLOT_KEY_FILE: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("app: MUNI_BALLOT_KEY_FILE %s: no PEM \"PRIVATE KEY\" block (make one with: openssl genpkey -algorithm ed25519)", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("app: MUNI_BALLOT_KEY_FILE %s: %w", path, err)
	}
	ed, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("app: MUNI_BALLOT_KEY_FILE %s: a %T key, want ed25519", path, k)
	}
	return ed, nil
}

// ballotRoutes mounts the budget, ballot, results, log and receipt-check
// pages over the ballot box.
func (a *App) ballotRoutes(rt *web.Router) {
	participation.BallotRoutes(rt, a.Web.Render, a.Participation, a.Ballots)
}

// demoBudgetSlug names the demo's participatory-budgeting process.
const demoBudgetSlug = "budget-2027"

// demoBudgets opens a participatory budget in its voting phase in the main
// municipality: a knapsack budget of 5 000 000 ₽ with six projects and an
// approval (3 of 5) budget, and ballots from the demo's verified residents
// — except the one left untouched for people to try — chosen so that
// greedy and Equal Shares pick different winners.
func demoBudgets(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	sys, m := AsSystem(ctx), td.Main
	svc := a.Participation.Demo()
	if _, err := svc.ProcessBySlug(ctx, m.ID, demoBudgetSlug); err == nil {
		w.Notes = append(w.Notes, "budgets: the process exists")
		return nil
	} else if !errors.Is(err, participation.ErrNotFound) {
		return err
	}
	p, err := svc.CreateProcess(sys, m.ID, participation.ProcessInput{Slug: demoBudgetSlug, Title: "Народный бюджет 2027",
		Description: "Жители решают, на что потратить часть бюджета города: голосование тайное, итоги можно проверить по квитанции."})
	if err != nil {
		return err
	}
	now, day := time.Now().UTC(), 24*time.Hour
	if _, err := svc.AddPhase(sys, p.ID, participation.PhaseInput{Kind: participation.PhaseVoting, StartsAt: now.Add(-2 * day),
		EndsAt: now.Add(28 * day), Permissions: []participation.PermissionInput{
			{Action: participation.ActionVote, Level: participation.LevelVerified, MinAge: 16}}}); err != nil {
		return err
	}
	knap, err := svc.CreateBudget(sys, p.ID, participation.BudgetInput{Title: "Городские проекты", Limit: 500_000_000, Kind: pb.Knapsack})
	if err != nil {
		return err
	}
	appr, err := svc.CreateBudget(sys, p.ID, participation.BudgetInput{Title: "Дворы и скверы", Limit: 300_000_000,
		Kind: pb.Approval, MaxProjects: 3})
	if err != nil {
		return err
	}
	add := func(b participation.Budget, items []struct {
		title string
		cost  int64
	}) ([]string, error) {
		var ids []string
		for _, it := range items {
			pr, err := svc.AddProject(sys, b.ID, participation.ProjectInput{Title: it.title, Cost: it.cost * 100})
			if err != nil {
				return nil, err
			}
			ids = append(ids, pr.ID)
		}
		return ids, nil
	}
	k, err := add(knap, []struct {
		title string
		cost  int64
	}{{"Детская площадка на Ленина", 2_500_000}, {"Освещение набережной", 2_000_000}, {"Сквер у школы", 3_000_000},
		{"Велодорожка к парку", 1_200_000}, {"Скамейки и урны", 400_000}, {"Пандусы у поликлиники", 800_000}})
	if err != nil {
		return err
	}
	ap, err := add(appr, []struct {
		title string
		cost  int64
	}{{"Двор на Садовой, 5", 1_200_000}, {"Двор на Мира, 12", 1_000_000}, {"Сквер Победы", 1_500_000},
		{"Площадка для собак", 600_000}, {"Огород во дворе", 300_000}})
	if err != nil {
		return err
	}
	voters, err := demoVoters(ctx, a, w, m.ID)
	if err != nil {
		return err
	}
	// Two thirds want the playground and the embankment; a third, the
	// ramps, benches and the bike lane: greedy spends all on the majority,
	// Equal Shares gives the third its share.
	box := a.Ballots
	if box == nil {
		box = participation.NewBallotBox(a.Participation, nil)
	}
	cast := 0
	for i, u := range voters {
		as := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID, Name: u.Name})
		kp := []string{k[0], k[1]}
		if i%3 == 2 {
			kp = []string{k[5], k[4], k[3]}
		}
		ak := []string{ap[i%5], ap[(i+1)%5]}
		for _, b := range []struct {
			id string
			p  []string
		}{{knap.ID, kp}, {appr.ID, ak}} {
			if _, err := box.Cast(as, b.id, participation.BallotInput{Projects: b.p, IdempotencyKey: fmt.Sprintf("demo-ballot-%s-%s", b.id, u.ID)}); err != nil {
				return fmt.Errorf("demo ballot: %w", err)
			}
			cast++
		}
	}
	w.Notes = append(w.Notes, fmt.Sprintf("budgets: /m/%s/participation/%s — 2 budgets, %d ballots; results at /participation/budgets/%s/results (administrators until the vote closes)",
		m.Slug, demoBudgetSlug, cast, knap.ID))
	return nil
}

// demoVoters are the demo residents the participation step verified, but
// not the one left untouched for people to try.
func demoVoters(ctx context.Context, a *App, w *DemoWorld, tenantID string) ([]identity.User, error) {
	fresh := ""
	for _, l := range w.Logins {
		if l.Role == DemoVerifiedResident {
			fresh = l.Email
		}
	}
	sys := AsSystem(ctx)
	var out []identity.User
	for q := (identity.UserQuery{Search: "@demo.example", Limit: 200}); ; {
		users, err := a.Identity.Users(sys, q)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.TenantID != tenantID || u.Email == fresh {
				continue
			}
			if r, err := a.Identity.Residence(sys, u.ID); err == nil && r.Verification != nil {
				out = append(out, u)
			}
		}
		if len(users) < q.Limit {
			break
		}
		q.After = users[len(users)-1].ID
	}
	return out, nil
}
