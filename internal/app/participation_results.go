package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// resultRoutes mounts accountability (results of winning projects and
// accepted proposals) and the open-data export.
func (a *App) resultRoutes(rt *web.Router) {
	participation.ResultRoutes(rt, a.Web.Render, a.Participation)
}

// demoResultsSlug names the demo's finished participatory budget.
const demoResultsSlug = "budget-2026"

// demoResults seeds last year's participatory budget, run in the past
// through a service whose clock reads then: proposals (two accepted, one
// rejected), a knapsack budget voted on by the demo's verified residents,
// and today the results of its winners and of the accepted proposals at
// every stage — done with all milestones and a photo, in progress,
// planned and cancelled.
func demoResults(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	sys, m := AsSystem(ctx), td.Main
	svc := a.Participation.Demo()
	if _, err := svc.ProcessBySlug(ctx, m.ID, demoResultsSlug); err == nil {
		w.Notes = append(w.Notes, "results: the process exists")
		return nil
	} else if !errors.Is(err, participation.ErrNotFound) {
		return err
	}
	now, day := time.Now().UTC(), 24*time.Hour
	then := func(d int) *participation.Service { return svc.AsOf(now.Add(time.Duration(d) * day)) }
	p, err := then(-200).CreateProcess(sys, m.ID, participation.ProcessInput{Slug: demoResultsSlug, Title: "Народный бюджет 2026",
		Description: "Прошлогодний народный бюджет: жители предложили и выбрали проекты, администрация отчитывается о ходе работ."})
	if err != nil {
		return err
	}
	verified := func(action participation.Action, age int) participation.PermissionInput {
		return participation.PermissionInput{Action: action, Level: participation.LevelVerified, MinAge: age}
	}
	for _, ph := range []participation.PhaseInput{
		{Kind: participation.PhaseProposals, StartsAt: now.Add(-200 * day), EndsAt: now.Add(-170 * day),
			Permissions: []participation.PermissionInput{verified(participation.ActionPropose, 14), verified(participation.ActionSupport, 14)}},
		{Kind: participation.PhaseVoting, StartsAt: now.Add(-170 * day), EndsAt: now.Add(-150 * day),
			Permissions: []participation.PermissionInput{verified(participation.ActionVote, 16)}},
		{Kind: participation.PhaseImplementation, StartsAt: now.Add(-150 * day), EndsAt: now.Add(215 * day)},
	} {
		if _, err := then(-200).AddPhase(sys, p.ID, ph); err != nil {
			return err
		}
	}
	b, err := then(-190).CreateBudget(sys, p.ID, participation.BudgetInput{Title: "Городские проекты 2026", Limit: 300_000_000, Kind: pb.Knapsack})
	if err != nil {
		return err
	}
	var projects []string
	for _, it := range []struct {
		title string
		rub   int64
	}{{"Ремонт детской площадки у Дома культуры", 900_000}, {"Освещение аллеи в городском парке", 700_000},
		{"Скамейки и урны на набережной", 300_000}, {"Спортплощадка у школы № 2", 1_100_000}, {"Фонтан на Театральной площади", 1_500_000}} {
		pr, err := then(-190).AddProject(sys, b.ID, participation.ProjectInput{Title: it.title, Cost: it.rub * 100})
		if err != nil {
			return err
		}
		projects = append(projects, pr.ID)
	}
	voters, err := demoVoters(ctx, a, w, m.ID)
	if err != nil {
		return err
	}
	if len(voters) < 6 {
		return fmt.Errorf("%d verified demo voters, want 6 or more", len(voters))
	}
	as := func(u identity.User) context.Context {
		return auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID, Name: u.Name,
			Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: u.HomeID, ScopePath: u.HomePath}}})
	}
	var proposals []participation.Proposal
	for i, t := range []struct{ title, body string }{
		{"Пандус у входа в библиотеку", "В библиотеку не попасть с коляской или на инвалидной коляске: нужен пандус с поручнями."},
		{"Новые часы работы катка", "Каток закрывается в 20:00 — взрослым после работы не успеть. Продлить до 22:00."},
		{"Вертолётная площадка в центре", "Для VIP-гостей города."},
	} {
		pr, err := then(-185).Propose(as(voters[i]), p.ID, participation.ProposalInput{Title: t.title, Body: t.body})
		if err != nil {
			return fmt.Errorf("demo proposal: %w", err)
		}
		proposals = append(proposals, pr)
	}
	for i, st := range []participation.AnswerState{participation.AnswerAccepted, participation.AnswerAccepted, participation.AnswerRejected} {
		text := []string{"Пандус включён в план работ.", "Каток работает до 22:00 с декабря.", "Не относится к вопросам местного значения."}[i]
		if _, err := then(-172).AnswerProposal(sys, proposals[i].ID, st, text); err != nil {
			return err
		}
	}
	box := participation.NewBallotBox(then(-160), nil)
	for i, u := range voters {
		ps := []string{projects[0], projects[1], projects[2]}
		switch i % 4 {
		case 1:
			ps = []string{projects[3], projects[2]}
		case 3:
			ps = []string{projects[4]}
		}
		if _, err := box.Cast(as(u), b.ID, participation.BallotInput{Projects: ps, IdempotencyKey: fmt.Sprintf("demo-ballot-%s-%s", b.ID, u.ID)}); err != nil {
			return fmt.Errorf("demo ballot: %w", err)
		}
	}
	res, err := participation.NewBallotBox(svc, nil).Results(sys, b.ID)
	if err != nil {
		return err
	}
	winners, seen := []string{}, map[string]bool{}
	for _, o := range []pb.Outcome{res.MES, res.Greedy} {
		for _, s := range o.Selected {
			if !seen[s.Project] {
				seen[s.Project] = true
				winners = append(winners, s.Project)
			}
		}
	}
	type stage struct {
		status   participation.ResultStatus
		progress int
		spent    int // per cent of the budget
		done     int // milestones done of three
		photo    bool
	}
	stages := []stage{{participation.StatusDone, 100, 96, 3, true}, {participation.StatusInProgress, 60, 45, 2, true},
		{participation.StatusPlanned, 0, 0, 0, false}, {participation.StatusCancelled, 10, 5, 1, false}}
	created := 0
	make1 := func(in participation.ResultInput, st stage) error {
		in.Status, in.Progress = st.status, st.progress
		r, err := svc.CreateResult(sys, p.ID, in)
		if err != nil {
			return err
		}
		if st.spent > 0 {
			if r, err = svc.UpdateResult(sys, r.ID, participation.ResultUpdate{Title: r.Title, Description: r.Description,
				Status: r.Status, Progress: r.Progress, Budget: r.Budget, Spent: r.Budget * int64(st.spent) / 100}); err != nil {
				return err
			}
		}
		for i, t := range []string{"Проект и смета готовы", "Подрядчик выбран", "Работы приняты"} {
			ms, err := svc.AddMilestone(sys, r.ID, participation.MilestoneInput{Title: t,
				Due: now.Add(time.Duration(-120+i*60) * day).Format(time.DateOnly)})
			if err != nil {
				return err
			}
			if i < st.done {
				if _, err := svc.MarkMilestone(sys, r.ID, ms.ID, true); err != nil {
					return err
				}
			}
		}
		if st.photo {
			if _, err := svc.AddPhoto(sys, r.ID, demoPhoto(created), "Фото с места работ"); err != nil {
				return err
			}
		}
		created++
		return nil
	}
	for i, id := range winners {
		if err := make1(participation.ResultInput{ProjectID: id}, stages[i%len(stages)]); err != nil {
			return fmt.Errorf("demo result: %w", err)
		}
	}
	for i, pr := range proposals[:2] {
		if err := make1(participation.ResultInput{ProposalID: pr.ID, Budget: int64(150_000+i*50_000) * 100,
			Description: pr.Body}, stages[(i+1)%len(stages)]); err != nil {
			return fmt.Errorf("demo result: %w", err)
		}
	}
	w.Notes = append(w.Notes, fmt.Sprintf("results: /m/%s/participation/results — %d results of %s; open data at /m/%s/participation/%s/export.csv",
		m.Slug, created, demoResultsSlug, m.Slug, demoResultsSlug))
	return nil
}

// demoPhoto is a small generated picture (a sky over grass), different
// for each n.
func demoPhoto(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{uint8(120 + y/3), uint8(170 + y/4), 235, 255}
			if y > 120+n*7%30 {
				c = color.RGBA{uint8(60 + x/8), uint8(140 + (x+y)%40), 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
