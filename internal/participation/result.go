package participation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ResultStatus is where a result's work stands.
type ResultStatus string

// The statuses of a result.
const (
	StatusPlanned    ResultStatus = "planned"
	StatusInProgress ResultStatus = "in_progress"
	StatusDone       ResultStatus = "done"
	StatusCancelled  ResultStatus = "cancelled"
)

// ResultStatuses lists the statuses in their natural order.
func ResultStatuses() []ResultStatus {
	return []ResultStatus{StatusPlanned, StatusInProgress, StatusDone, StatusCancelled}
}

// Valid reports whether the status is known.
func (s ResultStatus) Valid() bool { return slices.Contains(ResultStatuses(), s) }

// Result is the accountability record of what a process decided: a
// winning budget project (greedy or Equal Shares), an accepted proposal,
// or both — its status, progress, the money spent against its budget,
// milestones and photos.
type Result struct {
	ID          string       `json:"id"`
	TenantID    string       `json:"tenant_id"`
	ProcessID   string       `json:"process_id"`
	BudgetID    string       `json:"budget_id,omitempty"`
	ProjectID   string       `json:"project_id,omitempty"`
	ProposalID  string       `json:"proposal_id,omitempty"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Status      ResultStatus `json:"status"`
	Progress    int          `json:"progress"`       // 0..100
	Budget      int64        `json:"budget_kopecks"` // what it may cost: the project's cost when linked
	Spent       int64        `json:"spent_kopecks"`
	Demo        bool         `json:"demo"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Milestones  []Milestone  `json:"milestones"`
	Photos      []Photo      `json:"photos"`
}

// SpentPercent is the money spent as a share of the budget, 0..; above
// 100 when overspent.
func (r Result) SpentPercent() int {
	if r.Budget <= 0 {
		return 0
	}
	return int(r.Spent * 100 / r.Budget)
}

// Milestone is a dated step of a result.
type Milestone struct {
	ID       string     `json:"id"`
	ResultID string     `json:"result_id"`
	Title    string     `json:"title"`
	Due      string     `json:"due"` // YYYY-MM-DD
	Done     bool       `json:"done"`
	DoneAt   *time.Time `json:"done_at,omitempty"`
	Position int        `json:"position"`
}

// Photo is a result's photo; its bytes are served by id.
type Photo struct {
	ID          string    `json:"id"`
	ResultID    string    `json:"result_id"`
	ContentType string    `json:"content_type"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Caption     string    `json:"caption"`
	CreatedAt   time.Time `json:"created_at"`
}

// ResultInput creates a result. ProjectID (a winner of a budget of the
// process) and/or ProposalID (an accepted proposal of the process) link
// it; at least one is required. Budget is taken from the project's cost
// when a project is linked and is required otherwise.
type ResultInput struct {
	ProjectID   string       `json:"project_id"`
	ProposalID  string       `json:"proposal_id"`
	Title       string       `json:"title"` // the project's or proposal's title when empty
	Description string       `json:"description"`
	Status      ResultStatus `json:"status"` // planned when empty
	Progress    int          `json:"progress"`
	Budget      int64        `json:"budget_kopecks"`
	Spent       int64        `json:"spent_kopecks"`
}

// ResultUpdate replaces a result's editable fields.
type ResultUpdate struct {
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Status      ResultStatus `json:"status"`
	Progress    int          `json:"progress"`
	Budget      int64        `json:"budget_kopecks"`
	Spent       int64        `json:"spent_kopecks"`
}

// MilestoneInput adds a milestone.
type MilestoneInput struct {
	Title string `json:"title"`
	Due   string `json:"due"` // YYYY-MM-DD
}

const maxMilestones = 50

func checkResult(bad map[string]string, r Result) {
	checkText(bad, "title", r.Title, maxTitle, true)
	checkText(bad, "description", r.Description, maxDescription, false)
	if !r.Status.Valid() {
		bad["status"] = "participation.result.field.status"
	}
	switch {
	case r.Progress < 0 || r.Progress > 100:
		bad["progress"] = "participation.result.field.progress"
	case r.Status == StatusDone && r.Progress != 100:
		bad["progress"] = "participation.result.field.done_progress"
	case r.Status == StatusPlanned && r.Progress != 0:
		bad["progress"] = "participation.result.field.planned_progress"
	}
	if r.Budget <= 0 || r.Budget > maxMoney {
		bad["budget_kopecks"] = "participation.field.money"
	}
	if r.Spent < 0 || r.Spent > maxMoney {
		bad["spent_kopecks"] = "participation.field.money"
	}
}

// requireOfficial returns the actor if they are an operator (or above) of
// the municipality at path: officials keep the results.
func requireOfficial(ctx context.Context, path string) (*auth.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(auth.RoleOperator, path) {
		return nil, ErrForbidden
	}
	return a, nil
}

// winners are the ids of a budget's winners under either rule, once its
// voting is over; nil while it runs.
func (s *Service) winners(ctx context.Context, p Process, b Budget) (map[string]bool, error) {
	if !votingOver(p, s) {
		return nil, nil
	}
	o, err := s.outcome(ctx, b)
	if err != nil {
		return nil, err
	}
	w := map[string]bool{}
	for _, sel := range append(slices.Clone(o.greedy.Selected), o.mes.Selected...) {
		w[sel.Project] = true
	}
	return w, nil
}

// budgetOutcome is a budget's count under both rules.
type budgetOutcome struct {
	voters int
	counts []int
	greedy pb.Outcome
	mes    pb.Outcome
}

func (s *Service) outcome(ctx context.Context, b Budget) (budgetOutcome, error) {
	var votes []pb.Vote
	if err := s.st.boxContents(ctx, b.ID, func(projects string) {
		votes = append(votes, pb.Vote{Voter: itoa(len(votes) + 1), Projects: strings.Split(projects, ",")})
	}); err != nil {
		return budgetOutcome{}, err
	}
	in := b.Instance()
	return budgetOutcome{voters: len(votes), counts: in.Counts(votes), greedy: pb.Greedy(in, votes),
		mes: pb.EqualShares(in, votes, pb.Options{})}, nil
}

// CreateResult opens the accountability record of a winning project or an
// accepted proposal of the process; the municipality's officials may.
func (s *Service) CreateResult(ctx context.Context, processID string, in ResultInput) (Result, error) {
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return Result{}, err
	}
	if _, err := requireOfficial(ctx, p.TenantPath); err != nil {
		return Result{}, err
	}
	now := s.now()
	r := Result{ID: db.NewID(), TenantID: p.TenantID, ProcessID: p.ID, ProjectID: strings.TrimSpace(in.ProjectID),
		ProposalID: strings.TrimSpace(in.ProposalID), Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Status: in.Status, Progress: in.Progress, Budget: in.Budget, Spent: in.Spent, Demo: s.demo, CreatedAt: now, UpdatedAt: now,
		Milestones: []Milestone{}, Photos: []Photo{}}
	if r.Status == "" {
		r.Status = StatusPlanned
	}
	bad := map[string]string{}
	if r.ProjectID == "" && r.ProposalID == "" {
		bad["project_id"] = "participation.result.field.link"
	}
	if r.ProjectID != "" {
		if err := s.linkProject(ctx, p, &r); err != nil {
			if !errors.Is(err, errNotWinner) {
				return Result{}, err
			}
			bad["project_id"] = "participation.result.field.project"
		}
	}
	if r.ProposalID != "" {
		pr, err := s.st.proposal(ctx, r.ProposalID)
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			return Result{}, err
		case err != nil || pr.ProcessID != p.ID || pr.AnswerState != AnswerAccepted || !pr.Moderation.Visible():
			bad["proposal_id"] = "participation.result.field.proposal"
		case r.Title == "":
			r.Title = pr.Title
		}
	}
	checkResult(bad, r)
	if len(bad) > 0 {
		return Result{}, invalid("result-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createResult(ctx, r); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "result-exists", "participation.result.error.exists")
			}
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.result.create", ObjectType: "result", ObjectID: r.ID,
			TenantID: r.TenantID, Detail: map[string]any{"process_id": p.ID, "project_id": r.ProjectID, "proposal_id": r.ProposalID,
				"status": r.Status, "progress": r.Progress, "budget": r.Budget, "spent": r.Spent}},
			"participation.result.created", map[string]string{"id": r.ID, "process_id": p.ID, "tenant_id": r.TenantID})
	})
	return r, wrap("create result", err)
}

// linkProject checks the project is a winner of a budget of the process
// (voting over) and takes its budget, cost and title.
func (s *Service) linkProject(ctx context.Context, p Process, r *Result) error {
	bs, err := s.st.budgets(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		pr, ok := b.Project(r.ProjectID)
		if !ok {
			continue
		}
		w, err := s.winners(ctx, p, b)
		if err != nil {
			return err
		}
		if !w[pr.ID] {
			return errNotWinner
		}
		r.BudgetID, r.Budget = b.ID, pr.Cost
		if r.Title == "" {
			r.Title = pr.Title
		}
		return nil
	}
	return errNotWinner
}

// officialResult reads a result for a change by an official of its
// municipality: anyone else is refused.
func (s *Service) officialResult(ctx context.Context, id string) (Result, error) {
	r, err := s.st.result(ctx, id)
	if err != nil {
		return Result{}, err
	}
	m, err := s.municipality(ctx, r.TenantID)
	if err != nil {
		return Result{}, err
	}
	if _, err := requireOfficial(ctx, m.Path); err != nil {
		return Result{}, err
	}
	return r, nil
}

// errNotWinner: the project is not a winner of a budget of the process.
var errNotWinner = errors.New("participation: not a winning project")

// UpdateResult changes a result's status, progress, money and text; the
// audit entry keeps what it was and what it became.
func (s *Service) UpdateResult(ctx context.Context, id string, in ResultUpdate) (Result, error) {
	r, err := s.officialResult(ctx, id)
	if err != nil {
		return Result{}, err
	}
	old := r
	r.Title, r.Description, r.Status, r.Progress, r.Spent = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description),
		in.Status, in.Progress, in.Spent
	if r.ProjectID == "" { // a project's budget is its cost, as voted
		r.Budget = in.Budget
	}
	bad := map[string]string{}
	checkResult(bad, r)
	if len(bad) > 0 {
		return Result{}, invalid("result-invalid", bad)
	}
	r.UpdatedAt = s.now()
	changes := map[string]any{}
	diff := func(k string, was, is any) {
		if was != is {
			changes[k] = map[string]any{"from": was, "to": is}
		}
	}
	diff("title", old.Title, r.Title)
	diff("description", old.Description, r.Description)
	diff("status", old.Status, r.Status)
	diff("progress", old.Progress, r.Progress)
	diff("budget", old.Budget, r.Budget)
	diff("spent", old.Spent, r.Spent)
	if len(changes) == 0 {
		return old, nil
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.updateResult(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.result.update", ObjectType: "result", ObjectID: r.ID,
			TenantID: r.TenantID, Detail: changes},
			"participation.result.updated", map[string]string{"id": r.ID, "status": string(r.Status), "tenant_id": r.TenantID})
	})
	return r, wrap("update result", err)
}

// AddMilestone appends a dated milestone to a result.
func (s *Service) AddMilestone(ctx context.Context, resultID string, in MilestoneInput) (Milestone, error) {
	r, err := s.officialResult(ctx, resultID)
	if err != nil {
		return Milestone{}, err
	}
	ms := Milestone{ID: db.NewID(), ResultID: r.ID, Title: strings.TrimSpace(in.Title), Due: strings.TrimSpace(in.Due),
		Position: len(r.Milestones) + 1}
	bad := map[string]string{}
	checkText(bad, "title", ms.Title, maxTitle, true)
	if d, err := time.Parse(time.DateOnly, ms.Due); err != nil || d.Year() < 2000 || d.Year() > 2100 {
		bad["due"] = "participation.result.field.due"
	}
	if len(r.Milestones) >= maxMilestones {
		bad["title"] = "participation.result.field.too_many"
	}
	if len(bad) > 0 {
		return Milestone{}, invalid("milestone-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createMilestone(ctx, ms); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "milestone-conflict", "participation.result.error.retry")
			}
			return err
		}
		if err := s.st.touchResult(ctx, r.ID, db.Millis(s.now())); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.result.milestone.add", ObjectType: "result", ObjectID: r.ID,
			TenantID: r.TenantID, Detail: map[string]any{"milestone_id": ms.ID, "title": ms.Title, "due": ms.Due}},
			"participation.result.updated", map[string]string{"id": r.ID, "status": string(r.Status), "tenant_id": r.TenantID})
	})
	return ms, wrap("add milestone", err)
}

// MarkMilestone marks a result's milestone done or not done.
func (s *Service) MarkMilestone(ctx context.Context, resultID, milestoneID string, done bool) (Milestone, error) {
	r, err := s.officialResult(ctx, resultID)
	if err != nil {
		return Milestone{}, err
	}
	i := slices.IndexFunc(r.Milestones, func(x Milestone) bool { return x.ID == milestoneID })
	if i < 0 {
		return Milestone{}, ErrNotFound
	}
	ms := r.Milestones[i]
	if ms.Done == done {
		return ms, nil
	}
	ms.Done, ms.DoneAt = done, nil
	if done {
		t := s.now()
		ms.DoneAt = &t
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.markMilestone(ctx, ms); err != nil {
			return err
		}
		if err := s.st.touchResult(ctx, r.ID, db.Millis(s.now())); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.result.milestone.mark", ObjectType: "result", ObjectID: r.ID,
			TenantID: r.TenantID, Detail: map[string]any{"milestone_id": ms.ID, "done": done}},
			"participation.result.updated", map[string]string{"id": r.ID, "status": string(r.Status), "tenant_id": r.TenantID})
	})
	return ms, wrap("mark milestone", err)
}

// Result reads a result with its milestones and photos; anyone may.
func (s *Service) Result(ctx context.Context, id string) (Result, error) { return s.st.result(ctx, id) }

// ResultFilter narrows the public list.
type ResultFilter struct {
	ProcessID string
	Status    ResultStatus // "" for all
}

// Results lists a municipality's results, most recently updated first,
// without milestones and photos.
func (s *Service) Results(ctx context.Context, tenantID string, f ResultFilter) ([]Result, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, invalid("result-filter-invalid", map[string]string{"status": "participation.result.field.status"})
	}
	return s.st.results(ctx, tenantID, f)
}

// ResultFor returns the result linked to a budget project or a proposal,
// or ErrNotFound; the proposal and budget pages link to it.
func (s *Service) ResultFor(ctx context.Context, projectID, proposalID string) (Result, error) {
	return s.st.resultFor(ctx, projectID, proposalID)
}

// BudgetText is the budget in roubles, for the pages.
func (r Result) BudgetText() string { return money(r.Budget) }

// SpentText is the money spent in roubles, for the pages.
func (r Result) SpentText() string { return money(r.Spent) }

// AsOf returns a copy of the service whose clock reads t: the demo seeds a
// process that ran in the past (proposals, ballots) through it.
func (s *Service) AsOf(t time.Time) *Service {
	c := *s
	t = t.UTC().Truncate(time.Millisecond)
	c.now = func() time.Time { return t }
	return &c
}

// roubles writes kopecks as a form value: "1234.50".
func roubles(k int64) string { return fmt.Sprintf("%d.%02d", k/100, k%100) }

// SpentInput is the money spent as the edit form shows it.
func (r Result) SpentInput() string { return roubles(r.Spent) }

// BudgetInput is the budget as the edit form shows it.
func (r Result) BudgetInput() string { return roubles(r.Budget) }
