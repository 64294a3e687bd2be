package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/decisions"
)

// demoDecisions tells the demo's one connected story to its end: the
// losses a meter found in zone DEMO-DMA1, the residents' reports and
// proposals, an options analysis (AHP weights, TOPSIS ranking, budget
// scenarios) and the administration's decision with its evidence; and
// two more decisions of the council and the head. A municipality whose
// register has entries keeps them.
func demoDecisions(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	ctx = AsSystem(ctx)
	svc := a.Decisions.Demo()
	m, err := svc.Municipality(ctx, td.Main.Slug)
	if err != nil {
		return err
	}
	if ds, err := svc.Register(ctx, m, decisions.Filter{Drafts: true, Limit: 1}); err != nil || len(ds) > 0 {
		return err
	}
	// The zones' losses come from the rollups, which serve computes every
	// 30 s: bring them up to date so the story's evidence is there.
	for {
		n, err := a.Metering.RollupPending(ctx, 1000)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	evidence, err := svc.Evidence(ctx, m.ID)
	if err != nil {
		return err
	}
	c, err := demoWaterCase(ctx, svc, m.ID, evidence)
	if err != nil {
		return err
	}
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	var links []decisions.Evidence
	for _, o := range c.Model.Options {
		links = append(links, o.Evidence...)
	}
	water, err := demoDecision(ctx, svc, m.ID, decisions.DecisionInput{CaseID: c.ID, DecidedOn: day(-6), Body: decisions.BodyAdministration,
		Number: "214-п", Title: "О замене водовода по ул. Ленина и зонировании сети в зоне DEMO-DMA1",
		Text: "1. Заменить участок водовода по ул. Ленина (1,2 км) в 2027–2028 годах.\n2. Установить узлы учёта на границах зоны DEMO-DMA1.\n3. Отчитываться жителям о ходе работ ежемесячно.",
		Rationale: "Узел учёта на вводе в зону DEMO-DMA1 показал рост ночного расхода и потерь; жители сообщали о подтоплениях и низком давлении, " +
			"предложение о ремонте водовода набрало поддержку. Варианты сравнены методом анализа иерархий и TOPSIS (см. анализ вариантов).",
		Links: links}, []statusStep{{decisions.StatusInProgress, "Подрядчик определён, работы начаты на участке от ул. Садовой."}})
	if err != nil {
		return err
	}
	var results []decisions.Evidence
	for _, e := range evidence {
		if e.Kind == "participation.result" && len(results) < 3 {
			results = append(results, e)
		}
	}
	if _, err := demoDecision(ctx, svc, m.ID, decisions.DecisionInput{DecidedOn: day(-120), Body: decisions.BodyCouncil, Number: "38/2",
		Title:     "Об утверждении проектов народного бюджета 2026 года",
		Text:      "Утвердить проекты, набравшие наибольшую поддержку жителей при голосовании, и предусмотреть их финансирование в бюджете.",
		Rationale: "Итоги голосования жителей по народному бюджету 2026 года.", Links: results},
		[]statusStep{{decisions.StatusInProgress, "Проекты включены в план работ."}, {decisions.StatusDone, "Все проекты народного бюджета переданы в работу подрядчикам."}}); err != nil {
		return err
	}
	if _, err := demoDecision(ctx, svc, m.ID, decisions.DecisionInput{DecidedOn: day(-2), Body: decisions.BodyHead, Number: "17-пг",
		Title:     "О проведении публичных слушаний по проекту правил благоустройства",
		Text:      "Назначить публичные слушания по проекту правил благоустройства на следующий месяц; предложения жителей принимаются на портале.",
		Rationale: "Поступили предложения жителей об изменении правил благоустройства дворовых территорий."}, nil); err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("decisions: 3 decisions in the register (/m/%s/decisions/), the water-main one from an options analysis with %d pieces of evidence (/decisions/%s)",
		m.Slug, len(links), water.ID))
	return nil
}

type statusStep struct {
	to   decisions.Status
	note string
}

// demoDecision drafts, publishes and moves a decision through steps.
func demoDecision(ctx context.Context, svc *decisions.Service, tenantID string, in decisions.DecisionInput, steps []statusStep) (decisions.Decision, error) {
	d, err := svc.CreateDecision(ctx, tenantID, in)
	if err != nil {
		return d, err
	}
	if d, err = svc.Publish(ctx, d.ID); err != nil {
		return d, err
	}
	for _, s := range steps {
		if d, err = svc.SetStatus(ctx, d.ID, s.to, s.note); err != nil {
			return d, err
		}
	}
	return d, nil
}

// demoWaterCase is the options analysis behind the water-main decision:
// three options on four criteria, the evidence the platform holds
// attached to the option it supports.
func demoWaterCase(ctx context.Context, svc *decisions.Service, tenantID string, evidence []decisions.Evidence) (decisions.Case, error) {
	first := time.Now().Year() + 1
	const mln = 100_000_000 // a million roubles in kopecks
	model := decisions.Model{
		Criteria: []decisions.Criterion{{Name: "Стоимость", Kind: decisions.Cost, Unit: "млн ₽"}, {Name: "Снижение потерь", Kind: decisions.Benefit, Unit: "%"},
			{Name: "Жителей с улучшением", Kind: decisions.Benefit, Unit: "чел."}, {Name: "Срок работ", Kind: decisions.Cost, Unit: "мес."}},
		Options: []decisions.Option{
			{Name: "Замена водовода по ул. Ленина", Description: "Полная замена 1,2 км стальных труб на ПЭ.", Scores: []float64{18, 35, 4200, 9},
				Costs: decisions.Money{6 * mln, 12 * mln, 0}, Line: 0},
			{Name: "Ремонт аварийных участков", Description: "Замена трёх участков с наибольшим числом аварий.", Scores: []float64{6, 12, 1500, 3},
				Costs: decisions.Money{6 * mln, 0, 0}, Line: 0},
			{Name: "Зонирование сети и регулирование давления", Description: "Узлы учёта и регуляторы давления на границах зоны.", Scores: []float64{9, 22, 4200, 6},
				Costs: decisions.Money{3 * mln, 6 * mln, 0}, Line: 1},
		},
		Mode:       decisions.ModeAHP,
		Judgements: []decisions.Judgement{{A: 0, B: 1, Value: 1. / 2}, {A: 0, B: 2, Value: 1. / 3}, {A: 0, B: 3, Value: 2}, {A: 1, B: 2, Value: 1. / 2}, {A: 1, B: 3, Value: 3}, {A: 2, B: 3, Value: 5}},
		Budget: decisions.Budget{FirstYear: first, Lines: []string{"05 02 Коммунальное хозяйство", "04 12 Энергосбережение"},
			Available: decisions.Money{15 * mln, 15 * mln, 10 * mln},
			Scenarios: []decisions.Scenario{
				{Name: "Базовый", Amounts: []decisions.Money{{9 * mln, 12 * mln, 5 * mln}, {3 * mln, 3 * mln, 0}}},
				{Name: "С областной субсидией", Amounts: []decisions.Money{{12 * mln, 12 * mln, 5 * mln}, {3 * mln, 6 * mln, 0}}},
			}},
	}
	// The zone's losses, the busiest hot spot of reports and the most
	// supported proposal back the full replacement.
	taken := map[string]bool{}
	for _, e := range evidence {
		if taken[e.Kind] || e.Kind == "participation.result" || e.Kind == "metering.losses" && !strings.Contains(e.Ref, "DMA1") {
			continue
		}
		taken[e.Kind] = true
		model.Options[0].Evidence = append(model.Options[0].Evidence, e)
	}
	return svc.CreateCase(ctx, tenantID, decisions.CaseInput{Title: "Снижение потерь воды в зоне DEMO-DMA1",
		Question: "Как за три года снизить потери воды и число аварий в центре, уложившись в бюджет?", Model: &model})
}
