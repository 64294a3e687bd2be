package appeals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// DemoMunicipality is one demo municipality: its departments by code
// ("roads", "housing", "appeals"…) and how many items to create.
type DemoMunicipality struct {
	ID          string
	Departments map[string]string
	Items       int
	Center      *Point   // reports are pinned around it; none without
	Streets     []string // the town's streets for addresses; common ones without
}

// DemoResident is a demo resident who signs items.
type DemoResident struct{ ID, Name string }

// DemoInput is what the demo builds on. ctx must act as someone who may
// create categories and run the workflow (the app's system actor).
type DemoInput struct {
	Municipalities []DemoMunicipality
	Residents      []DemoResident
	Now            time.Time
}

// DemoResult counts what the demo holds.
type DemoResult struct {
	Categories int
	Items      int
	Overdue    int
}

// demoCategory is one shipped demo category.
type demoCategory struct {
	in   CategoryInput
	dept string // department code
}

var demoCategories = []demoCategory{
	{CategoryInput{Code: "pothole", Regime: RegimeReport, NameRU: "Яма на дороге", NameEN: "Pothole", SLA: SLA{10, Days, true}, AllowAnonymous: true}, "roads"},
	{CategoryInput{Code: "streetlight", Regime: RegimeReport, NameRU: "Не горит фонарь", NameEN: "Streetlight out", SLA: SLA{3, Days, true}, AllowAnonymous: true}, "roads"},
	{CategoryInput{Code: "garbage", Regime: RegimeReport, NameRU: "Мусор и свалки", NameEN: "Rubbish and fly-tipping", SLA: SLA{5, Days, false}}, "housing"},
	{CategoryInput{Code: "yard", Regime: RegimeReport, NameRU: "Благоустройство двора", NameEN: "Courtyard upkeep", SLA: SLA{15, Days, true}}, "roads"},
	{CategoryInput{Code: "snow", Regime: RegimeReport, NameRU: "Снег и наледь", NameEN: "Snow and ice", SLA: SLA{24, Hours, false}}, "roads"},
	{CategoryInput{Code: "heating", Regime: RegimeReport, NameRU: "Нет отопления или горячей воды", NameEN: "No heating or hot water", SLA: SLA{8, Hours, true}}, "housing"},
}

// SeedDemo creates, idempotently, the demo categories of each
// municipality and items across categories and every state — some of
// them overdue — received over the 75 days before in.Now. A municipality
// that already holds demo items is left as it is.
func SeedDemo(ctx context.Context, s *Service, in DemoInput) (DemoResult, error) {
	var res DemoResult
	if len(in.Residents) == 0 {
		return res, fmt.Errorf("appeals: demo needs residents")
	}
	for _, m := range in.Municipalities {
		cats, err := s.demoCategories(ctx, m)
		if err != nil {
			return res, err
		}
		res.Categories += len(cats)
		n, err := s.st.countDemo(ctx, m.ID)
		if err != nil {
			return res, err
		}
		if n == 0 {
			if err := s.demoItems(ctx, m, cats, in); err != nil {
				return res, err
			}
		}
	}
	var err error
	res.Items, res.Overdue, err = s.st.demoTotals(ctx, in.Now)
	return res, err
}

// demoCategories finds or creates the demo categories of m.
func (s *Service) demoCategories(ctx context.Context, m DemoMunicipality) ([]Category, error) {
	have, err := s.st.categories(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Category{}
	for _, c := range have {
		byCode[c.Code] = c
	}
	var out []Category
	for _, dc := range demoCategories {
		c, ok := byCode[dc.in.Code]
		if !ok {
			in := dc.in
			in.DepartmentID = m.Departments[dc.dept]
			if c, err = s.CreateCategory(ctx, m.ID, in); err != nil {
				return nil, fmt.Errorf("appeals: demo category %s: %w", in.Code, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// demoItems submits m.Items items, each at its own past moment, and walks
// each through the workflow as far as its place in the rotation says.
func (s *Service) demoItems(ctx context.Context, m DemoMunicipality, cats []Category, in DemoInput) error {
	clock := in.Now
	ds := *s
	ds.now = func() time.Time { return clock.UTC().Truncate(time.Millisecond) }
	ds.demo = true
	ds.perAccount, ds.perIP = 1<<30, 1<<30 // the demo backdates many items per resident
	for i := 0; i < m.Items; i++ {
		clock = in.Now.Add(-time.Duration((i*7919)%(75*24)) * time.Hour)
		r := in.Residents[i%len(in.Residents)]
		who := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: r.ID, Name: r.Name,
			Grants: []auth.Grant{{Role: auth.RoleResident}}})
		sub := demoSubmission(i, m, cats, r)
		if sub.Regime == RegimeReport && m.Center != nil {
			// Scattered over a few kilometres around the centre, deterministically.
			sub.Point = &Point{Lat: m.Center.Lat + float64((i*37)%61-30)/1000, Lon: m.Center.Lon + float64((i*53)%83-41)/1000}
		}
		if sub.Anonymous {
			who = auth.With(ctx, auth.Anon)
		}
		a, err := ds.Submit(who, sub)
		if err != nil {
			return fmt.Errorf("appeals: demo item %d: %w", i, err)
		}
		if err := ds.demoWalk(ctx, who, a, i, m, &clock, in.Now); err != nil {
			return fmt.Errorf("appeals: demo item %d: %w", i, err)
		}
		if err := ds.demoFeedback(ctx, who, a.ID, i, in); err != nil {
			return fmt.Errorf("appeals: demo item %d: %w", i, err)
		}
	}
	return ds.demoModeration(ctx, m)
}

// demoDisputes are residents' reasons for disputing a fix.
var demoDisputes = []string{"Сделали наполовину, проблема осталась.", "Ничего не сделано, всё как было.",
	"Через неделю всё вернулось как было.", "В ответе фотография другого двора; у нас ничего не изменилось."}

// demoModeration hides the first demo item the detector held, as an
// official would; the others wait in the moderation queue.
func (s *Service) demoModeration(ctx context.Context, m DemoMunicipality) error {
	var id string
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT appeal_id FROM appeals_moderation WHERE tenant_id = $1 AND status = $2
		ORDER BY flagged_ms LIMIT 1`, m.ID, ModPending).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.HideText(ctx, id, "Оскорбительные выражения в тексте; сообщение рассматривается, но не публикуется.")
	return err
}

func demoSubmission(i int, m DemoMunicipality, cats []Category, r DemoResident) SubmitInput {
	if i%3 == 0 {
		return SubmitInput{TenantID: m.ID, Regime: RegimeAppeal, Kind: Kinds()[i%len(Kinds())],
			Collective: i%15 == 0, Description: demoText(m, "appeal", i), AuthorName: r.Name}
	}
	c := cats[i%len(cats)]
	in := SubmitInput{TenantID: m.ID, Regime: RegimeReport, CategoryID: c.ID, Description: demoText(m, c.Code, i),
		Address: demoAddress(m, i)}
	if i%11 == 1 && c.AllowAnonymous {
		in.Anonymous = true
	}
	return in
}

// demoWalk takes item a through the steps its rotation slot (i % 10)
// reaches, a day or so apart, stopping at now.
func (s *Service) demoWalk(ctx, author context.Context, a Appeal, i int, m DemoMunicipality, clock *time.Time, now time.Time) error {
	dept := a.DepartmentID
	if dept == "" {
		dept = m.Departments["appeals"]
	}
	plan := demoPlan(a.Regime, i, now.Sub(*clock) > demoSettled)
	for k, act := range plan {
		*clock = clock.Add(time.Duration(20+(i+k)%30) * time.Hour)
		if clock.After(now) {
			return nil // this item's story stops today
		}
		by := ctx
		if act == ActReopen && a.Regime == RegimeReport && !a.Anonymous() {
			by = author // the resident disputes the fix
		}
		if err := s.demoStep(by, a.ID, act, dept, i); err != nil {
			return fmt.Errorf("%s: %w", act, err)
		}
	}
	return nil
}

// demoSettled is the age past which most demo items have been dealt with:
// an administration answers the bulk of what it received over two weeks
// ago, so only a few such items are left open (and overdue).
const demoSettled = 14 * 24 * time.Hour

// demoPlan is the steps of the i-th demo item: the rotation slot i % 10
// picks how far it goes; returns and no-answers alternate in slot 8. An
// old item in one of the open slots is mostly taken to its answer or fix;
// one in four stays open, so the demo still has long-overdue items.
func demoPlan(r Regime, i int, old bool) []Action {
	slot := i % 10
	if old && slot <= 4 && (i/10)%4 != 0 {
		slot = 5
	}
	early := []Action{ActRegister, ActAssign, ActStart}
	if r == RegimeAppeal {
		plans := [][]Action{{}, {ActRegister}, early[:2], early, append(early[:3:3], ActExtend),
			append(early[:3:3], ActAnswer), append(early[:3:3], ActExtend, ActAnswer), {ActRegister, ActRedirect},
			{ActRegister, ActNoAnswer}, append(early[:3:3], ActAnswer)}
		if slot == 8 && (i/10)%2 == 0 {
			return []Action{ActReturn}
		}
		return plans[slot]
	}
	plans := [][]Action{{}, {ActRegister}, early[:2], early, early, append(early[:3:3], ActFix),
		append(early[:3:3], ActFix), append(early[:3:3], ActCloseNotFixed), append(early[:3:3], ActFix, ActReopen),
		append(early[:3:3], ActFix)}
	return plans[slot]
}

func (s *Service) demoStep(ctx context.Context, id string, act Action, dept string, i int) error {
	var err error
	switch act {
	case ActRegister:
		_, err = s.Register(ctx, id)
	case ActAssign:
		_, err = s.Assign(ctx, id, AssignInput{DepartmentID: dept})
	case ActStart:
		_, err = s.Start(ctx, id)
	case ActExtend:
		_, err = s.Extend(ctx, id, 10+i%21, "Направлен запрос в другой орган (59-ФЗ, ст. 10 ч. 2).")
	case ActAnswer:
		_, err = s.Answer(ctx, id, "Ваше обращение рассмотрено. Работы включены в план на текущий месяц.")
	case ActFix:
		_, err = s.Fix(ctx, id, "Работы выполнены.")
	case ActCloseNotFixed:
		_, err = s.CloseNotFixed(ctx, id, "Объект не находится в муниципальной собственности; сведения переданы владельцу.")
	case ActRedirect:
		_, err = s.Redirect(ctx, id, "Комитет по дорожному хозяйству Ленинградской области", "Вопрос относится к региональным дорогам.")
	case ActReturn:
		_, err = s.Return(ctx, id, "По этому вопросу есть вступившее в силу решение суда.")
	case ActNoAnswer:
		_, err = s.NoAnswer(ctx, id, ReasonRepeated, "Ответ по существу дан ранее; новых доводов нет.")
	case ActReopen:
		_, err = s.Reopen(ctx, id, demoDisputes[i%len(demoDisputes)])
	}
	return err
}

// demoFeedback adds what residents do after filing: a neighbour's "me
// too" on some open reports, the author's confirmation of some fixes.
func (s *Service) demoFeedback(ctx, author context.Context, id string, i int, in DemoInput) error {
	a, err := s.st.appeal(ctx, id)
	if err != nil || a.Regime != RegimeReport {
		return err
	}
	if !a.State.Closed() && i%4 == 0 && len(in.Residents) > 1 {
		r := in.Residents[(i+1)%len(in.Residents)]
		if r.ID != a.AuthorID {
			neighbour := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: r.ID, Name: r.Name})
			if _, err := s.Support(neighbour, id); err != nil {
				return err
			}
		}
	}
	if a.State == Fixed && i%20 == 9 && !a.Anonymous() {
		_, err = s.Confirm(author, id, 3+i%3)
	}
	return err
}
