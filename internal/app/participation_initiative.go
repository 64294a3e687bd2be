package app

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// initiativeRoutes mounts the initiative projects' pages.
func (a *App) initiativeRoutes(rt *web.Router) {
	participation.InitiativeRoutes(rt, a.Web.Render, a.Participation)
}

// demoInitiatives adds two initiative projects to the main municipality:
// one under consideration with its group, supports, a recorded meeting,
// commission scores and co-financing pledges and payments; one rejected,
// its unpaid pledges cancelled and its payments refunded.
func demoInitiatives(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	sys, m := AsSystem(ctx), td.Main
	svc := a.Participation.Demo()
	if list, err := svc.Initiatives(ctx, m.ID); err != nil {
		return err
	} else if len(list) > 0 {
		w.Notes = append(w.Notes, "initiatives: projects exist")
		return nil
	}
	voters, err := demoVoters(ctx, a, w, m.ID)
	if err != nil {
		return err
	}
	if len(voters) < 4 {
		w.Notes = append(w.Notes, "initiatives: too few verified demo residents")
		return nil
	}
	group := min(10, len(voters)/2)
	if _, err := svc.SetInitiativeRules(sys, m.ID, participation.InitiativeRules{MinGroup: group, ConsiderationDays: 30,
		Criteria: []participation.Criterion{
			{Code: "need", Label: "Актуальность для жителей", LabelEN: "Need among residents", Weight: 3, MaxScore: 10},
			{Code: "support", Label: "Поддержка жителей", LabelEN: "Residents' support", Weight: 2, MaxScore: 10},
			{Code: "cofinance", Label: "Доля софинансирования", LabelEN: "Co-financing share", Weight: 1, MaxScore: 5},
		}}); err != nil {
		return err
	}
	as := func(i int) context.Context {
		u := voters[i%len(voters)]
		return auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID, Name: u.Name})
	}
	commission := func(i int, name string) context.Context {
		return auth.With(ctx, &auth.Actor{Kind: auth.User, ID: fmt.Sprintf("demo-commission-%d", i), Name: name,
			Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: m.ID, ScopePath: m.Path}}})
	}
	today := time.Now().UTC().Format(time.DateOnly)
	build := func(title, desc string, cost int64, first int) (participation.Initiative, error) {
		it, err := svc.RegisterInitiative(as(first), m.ID, participation.InitiativeInput{Title: title, Description: desc, Cost: cost})
		if err != nil {
			return it, err
		}
		for i := 1; i < group; i++ {
			if err := svc.JoinInitiative(as(first+i), it.ID); err != nil {
				return it, err
			}
		}
		for i := range len(voters) - 1 {
			if err := svc.SupportInitiative(as(first+i), it.ID); err != nil {
				return it, err
			}
		}
		if _, err := svc.RecordMeeting(sys, it.ID, participation.MeetingInput{HeldOn: today, Place: "Дом культуры, малый зал",
			Attendees: 46, VotesFor: 41, Minutes: "Собрание жителей обсудило проект и решило внести его в администрацию."}); err != nil {
			return it, err
		}
		if _, err := svc.SubmitInitiative(as(first), it.ID); err != nil {
			return it, err
		}
		return svc.ConsiderInitiative(sys, it.ID)
	}
	park, err := build("Благоустройство сквера на Школьной", "Дорожки, освещение и скамейки в сквере у школы № 3.", 1_800_000_00, 0)
	if err != nil {
		return fmt.Errorf("demo initiative: %w", err)
	}
	for i, s := range []map[string]int{{"need": 9, "support": 8, "cofinance": 4}, {"need": 7, "support": 9, "cofinance": 3}} {
		if err := svc.ScoreInitiative(commission(i, []string{"И. Сидоров", "М. Кузнецова"}[i]), park.ID, s); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		kind, name  string
		pledge, pay int64
	}{{participation.PayerResident, voters[0].Name, 5_000_00, 5_000_00}, {participation.PayerResident, voters[1].Name, 3_000_00, 1_000_00},
		{participation.PayerOrganisation, "ООО «Городской строитель»", 90_000_00, 45_000_00}} {
		pr, err := svc.Pledge(sys, park.ID, participation.PledgeInput{Kind: p.kind, Name: p.name, Amount: p.pledge})
		if err != nil {
			return err
		}
		if err := svc.Pay(sys, park.ID, pr.ID, p.pay); err != nil {
			return err
		}
	}
	lights, err := build("Освещение улицы Полевой", "Десять фонарей на неосвещённом участке улицы.", 2_400_000_00, 1)
	if err != nil {
		return fmt.Errorf("demo initiative: %w", err)
	}
	var payers []participation.Payer
	for _, p := range []struct {
		kind, name  string
		pledge, pay int64
	}{{participation.PayerResident, voters[2].Name, 4_000_00, 4_000_00}, {participation.PayerOrganisation, "ИП Орлов", 20_000_00, 10_000_00}} {
		pr, err := svc.Pledge(sys, lights.ID, participation.PledgeInput{Kind: p.kind, Name: p.name, Amount: p.pledge})
		if err != nil {
			return err
		}
		if err := svc.Pay(sys, lights.ID, pr.ID, p.pay); err != nil {
			return err
		}
		payers = append(payers, pr)
	}
	if _, err := svc.DecideInitiative(sys, lights.ID, false, "Участок передан в ведение региональной дорожной службы; освещение включено в её план."); err != nil {
		return err
	}
	for i, amount := range []int64{4_000_00, 10_000_00} {
		if err := svc.Refund(sys, lights.ID, payers[i].ID, amount); err != nil {
			return err
		}
	}
	w.Notes = append(w.Notes, fmt.Sprintf("initiatives: /m/%s/participation/initiatives — one under consideration, one rejected with refunds", m.Slug))
	return nil
}
