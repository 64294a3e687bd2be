package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
	"github.com/muni-platform/muni/internal/territory"
)

// buildParticipation makes the participation service over the territory
// tree and identity's voter roll.
func (a *App) buildParticipation() *participation.Service {
	return participation.New(participation.Deps{DB: a.DB, Audit: a.Audit, Outbox: a.Outbox,
		Places: participationPlaces{a.Territory}, Residents: participationRoll{a}})
}

// participationPlaces adapts the territory domain to participation.Places.
type participationPlaces struct{ t *territory.Service }

func participationPlace(n territory.Node) participation.Place {
	return participation.Place{ID: n.ID, Path: n.Path, TenantID: n.TenantID, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN,
		TimeZone: n.TimeZone, Population: n.Population}
}

func (p participationPlaces) muni(n territory.Node, err error) (participation.Place, error) {
	if err != nil {
		return participation.Place{}, err
	}
	if !n.Municipal() {
		return participation.Place{}, territory.ErrNotFound
	}
	return participationPlace(n), nil
}

// Municipality returns one municipal formation.
func (p participationPlaces) Municipality(ctx context.Context, id string) (participation.Place, error) {
	return p.muni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p participationPlaces) MunicipalityBySlug(ctx context.Context, slug string) (participation.Place, error) {
	return p.muni(p.t.NodeBySlug(ctx, slug))
}

// Node returns any node; its time zone is its municipality's when it has
// none of its own.
func (p participationPlaces) Node(ctx context.Context, id string) (participation.Place, error) {
	n, err := p.t.Node(ctx, id)
	if err != nil {
		return participation.Place{}, err
	}
	return participationPlace(n), nil
}

// Districts are the nodes below a municipality (its settlements and
// districts), by path.
func (p participationPlaces) Districts(ctx context.Context, muniID string) ([]participation.Place, error) {
	m, err := p.t.Node(ctx, muniID)
	if err != nil {
		return nil, err
	}
	ns, err := p.t.Subtree(ctx, m.Path)
	if err != nil {
		return nil, err
	}
	var out []participation.Place
	for _, n := range ns {
		if n.ID != m.ID && n.TenantID == m.ID {
			out = append(out, participationPlace(n))
		}
	}
	return out, nil
}

// participationRoll adapts identity's verification to participation's
// voter roll. It reads a.Identity when asked, so participation may be
// built first and be one of identity's exporters.
type participationRoll struct{ a *App }

// Resident reads a person's declared and verified residence.
func (r participationRoll) Resident(ctx context.Context, userID string) (participation.Resident, error) {
	res, err := r.a.Identity.Residence(ctx, userID)
	if errors.Is(err, identity.ErrNotFound) {
		return participation.Resident{}, fault.ErrNotFound
	}
	if err != nil {
		return participation.Resident{}, err
	}
	out := participation.Resident{UserID: res.UserID, HomePath: res.HomePath}
	if v := res.Verification; v != nil {
		out.Verified, out.ResidencePath, out.BirthDate, out.Method = true, v.NodePath, v.BirthDate, string(v.Method)
	}
	return out, nil
}

// subscribeParticipation tells proposals' followers of answers, comments
// and thresholds reached: one idempotent consumer per event type, storing
// the notices in the consumer's own transaction.
func (a *App) subscribeParticipation() error {
	return a.notifyOn(participation.NotifyEvents(), a.Participation.Notices)
}

// participationRoutes mounts the participation pages.
func (a *App) participationRoutes(rt *web.Router) {
	participation.Routes(rt, a.Web.Render, a.Participation)
}

// DemoVerifiedResident is the role of the demo login that is verified
// but has not yet supported or answered anything.
const DemoVerifiedResident = "resident (verified)"

// demoParticipation is the demo step that verifies residents of the main
// municipality (as an official who saw their passports), and opens a
// process in its proposals phase with proposals, supports, comments,
// an official answer and a poll.
func demoParticipation(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	sys := AsSystem(ctx)
	m := td.Main
	var residents []identity.User
	for q := (identity.UserQuery{Search: "@demo.example", Limit: 200}); ; {
		users, err := a.Identity.Users(sys, q)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.TenantID == m.ID && isDemoResident(u.Email) {
				residents = append(residents, u)
			}
		}
		if len(users) < q.Limit {
			break
		}
		q.After = users[len(users)-1].ID
	}
	if len(residents) < 10 {
		return fmt.Errorf("%d demo residents in %s, want 10 or more", len(residents), m.Slug)
	}
	residents = residents[:min(len(residents), 60)]
	verified := 0
	for i, u := range residents {
		if r, err := a.Identity.Residence(sys, u.ID); err == nil && r.Verification != nil {
			verified++
			continue
		}
		birth := time.Date(1950+i%55, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		if _, err := a.Identity.VerifyResidence(sys, u.ID, identity.OfficialVerification{NodeID: m.ID, BirthDate: birth,
			Document: "паспорт РФ"}); err != nil {
			return fmt.Errorf("verify %s: %w", u.Email, err)
		}
		verified++
	}
	// The last verified resident is left untouched for people (and the
	// browser test) to try supporting and answering.
	fresh := residents[len(residents)-1]
	w.Logins = append(w.Logins, DemoLogin{Role: DemoVerifiedResident, Email: fresh.Email, Password: identity.DemoPassword, Scope: m.NameRU})
	active := residents[:len(residents)-1]

	svc := a.Participation.Demo()
	if _, err := svc.ProcessBySlug(ctx, m.ID, demoProcessSlug); err == nil {
		w.Notes = append(w.Notes, fmt.Sprintf("participation: %d verified residents; the process exists", verified))
		return nil
	} else if !errors.Is(err, participation.ErrNotFound) {
		return err
	}
	p, err := svc.CreateProcess(sys, m.ID, participation.ProcessInput{Slug: demoProcessSlug, Title: "Идеи для города 2027",
		Description: "Предлагайте, что сделать в городе в 2027 году: лучшие идеи с поддержкой 1 % жителей администрация рассмотрит и ответит.",
		ThresholdBP: 100, FlagLimit: 3})
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	day := 24 * time.Hour
	open := []participation.PermissionInput{
		{Action: participation.ActionPropose, Level: participation.LevelVerified, MinAge: 14},
		{Action: participation.ActionSupport, Level: participation.LevelVerified, MinAge: 14},
		{Action: participation.ActionComment, Level: participation.LevelAccount},
		{Action: participation.ActionAnswer, Level: participation.LevelVerified, MinAge: 16},
	}
	for _, ph := range []participation.PhaseInput{
		{Kind: participation.PhaseInformation, StartsAt: now.Add(-30 * day), EndsAt: now.Add(-10 * day)},
		{Kind: participation.PhaseProposals, StartsAt: now.Add(-10 * day), EndsAt: now.Add(50 * day), Permissions: open},
		{Kind: participation.PhaseReview, StartsAt: now.Add(50 * day), EndsAt: now.Add(80 * day)},
		{Kind: participation.PhaseImplementation, StartsAt: now.Add(80 * day), EndsAt: now.Add(445 * day)},
	} {
		if _, err := svc.AddPhase(sys, p.ID, ph); err != nil {
			return err
		}
	}
	as := func(u identity.User) context.Context {
		return auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID, Name: u.Name,
			Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: u.HomeID, ScopePath: u.HomePath}}})
	}
	titles := []struct{ title, body string }{
		{"Детская площадка во дворе на улице Ленина", "Во дворах домов 10–14 нет ни одной площадки. Предлагаю поставить горку, качели и песочницу с мягким покрытием."},
		{"Освещение набережной", "Вечером на набережной темно и небезопасно. Нужны фонари вдоль всей прогулочной зоны."},
		{"Велодорожка от вокзала до парка", "Отдельная велодорожка сделает поездки безопаснее для детей и взрослых."},
		{"Скамейки и урны в сквере у школы", "Родителям негде присесть, пока ждут детей; мусор лежит на газонах."},
		{"Пешеходный переход у поликлиники", "Люди перебегают дорогу в неположенном месте; нужен переход со светофором по вызову."},
		{"Остановка с навесом на Садовой", "Зимой и в дождь люди ждут автобус под открытым небом."},
		{"Сухой бассейн в детской библиотеке", "Небольшая игровая зона поможет приводить в библиотеку малышей."},
		{"Площадка для выгула собак", "Огороженная площадка у лесопарка решит спор собачников и родителей."},
		{"Ремонт тротуара на Школьной", "Тротуар разбит, после дождя стоят лужи, с колясками не пройти."},
		{"Спортивная площадка с тренажёрами", "Уличные тренажёры у стадиона для всех возрастов."},
		{"Общественный огород во дворе", "Жители готовы ухаживать за грядками, нужно место и ограждение."},
		{"Детская площадка в парке Победы", "Старую площадку давно разобрали, новую так и не поставили."},
	}
	var proposals []participation.Proposal
	for i, t := range titles {
		pr, err := svc.Propose(as(active[i%len(active)]), p.ID, participation.ProposalInput{Title: t.title, Body: t.body})
		if err != nil {
			return fmt.Errorf("proposal %d: %w", i, err)
		}
		proposals = append(proposals, pr)
	}
	supports := 0
	for i, pr := range proposals {
		n := (len(proposals) - i) * len(active) / len(proposals)
		for j := range n {
			u := active[(i+j+1)%len(active)]
			if u.ID == pr.AuthorID {
				continue
			}
			if _, err := svc.Support(as(u), pr.ID); err != nil && !errors.Is(err, fault.ErrConflict) {
				return fmt.Errorf("support: %w", err)
			}
			supports++
		}
	}
	comments := []struct {
		stance participation.Stance
		body   string
	}{
		{participation.StanceFor, "Поддерживаю, очень нужно!"},
		{participation.StanceAgainst, "Лучше потратить деньги на ремонт дорог."},
		{participation.StanceNeutral, "А кто будет следить за порядком?"},
	}
	nc := 0
	for i, pr := range proposals[:6] {
		var parent string
		for j, c := range comments {
			cm, err := svc.Comment(as(active[(i+j+3)%len(active)]), pr.ID, participation.CommentInput{ParentID: parent, Stance: c.stance, Body: c.body})
			if err != nil {
				return fmt.Errorf("comment: %w", err)
			}
			if j == 1 {
				parent = cm.ID // the third replies to the second
			}
			nc++
		}
	}
	if _, err := svc.AnswerProposal(sys, proposals[1].ID, participation.AnswerAccepted,
		"Включено в план благоустройства на 2027 год: 40 фонарей вдоль набережной, работы летом."); err != nil {
		return err
	}
	if _, err := svc.AnswerProposal(sys, proposals[4].ID, participation.AnswerEvaluating, ""); err != nil {
		return err
	}
	poll, err := svc.CreatePoll(sys, p.ID, participation.PollInput{Kind: participation.PollSingle,
		Question: "Что благоустроить в первую очередь?", Options: []string{"Дворы", "Парки и скверы", "Набережную", "Улицы и тротуары"},
		Live: true, ClosesAt: now.Add(40 * day)})
	if err != nil {
		return err
	}
	answers := 0
	for i, u := range active[:len(active)*2/3] {
		if err := svc.AnswerPoll(as(u), poll.ID, participation.PollAnswer{Choices: []int{1 + (i*7)%4}}); err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		answers++
	}
	if _, err := svc.CreatePoll(sys, p.ID, participation.PollInput{Kind: participation.PollRanking,
		Question: "Расставьте по важности", Options: []string{"Освещение", "Лавочки", "Урны", "Велопарковки"}, ClosesAt: now.Add(40 * day)}); err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("participation: %d verified residents; process %q with %d proposals, %d supports, %d comments, %d poll answers (/m/%s/participation/)",
		verified, p.Title, len(proposals), supports, nc, answers, m.Slug))
	return nil
}

const demoProcessSlug = "ideas-2027"

// participationHome is the participation block of a municipality's home
// page: its processes with the phase running now, and for its officials
// the editor and the moderation queue.
type participationHome struct{ a *App }

// Section lists the municipality's processes.
func (h participationHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	ps, err := h.a.Participation.Processes(ctx, muni.ID)
	if err != nil {
		return territory.HomeBlock{}, err
	}
	b := territory.HomeBlock{Title: l.T("participation.home.title"), Text: l.T("participation.home.text"),
		MoreURL: "/m/" + muni.Slug + "/participation/", MoreText: l.T("participation.home.all")}
	now := time.Now()
	for _, p := range ps[:min(len(ps), 3)] {
		it := territory.HomeItem{Title: p.Title, URL: "/m/" + muni.Slug + "/participation/" + p.Slug}
		if ph := p.Running(now); ph != nil {
			it.Badge = l.T("participation.phase." + string(ph.Kind))
		}
		b.Items = append(b.Items, it)
	}
	a := auth.From(ctx)
	if a.Can(auth.RoleMunicipalAdmin, muni.Path) {
		b.Items = append(b.Items, territory.HomeItem{Title: l.T("participation.admin.title"), URL: "/admin/m/" + muni.Slug + "/participation"})
	}
	if a.Can(auth.RoleOperator, muni.Path) {
		b.Items = append(b.Items, territory.HomeItem{Title: l.T("participation.moderation.title"),
			URL: "/admin/m/" + muni.Slug + "/participation/moderation"},
			territory.HomeItem{Title: l.T("identity.verification.title"), URL: "/admin/m/" + muni.Slug + "/verification"})
	}
	return b, nil
}
