package participation

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Budget is one district's money in a process and the projects it may pay
// for; residents of the district vote on it with one ballot each.
type Budget struct {
	ID           string          `json:"id"`
	ProcessID    string          `json:"process_id"`
	TenantID     string          `json:"tenant_id"`
	DistrictID   string          `json:"district_id"`
	DistrictPath string          `json:"-"`
	Title        string          `json:"title"`
	Limit        int64           `json:"limit_kopecks"`
	Rules        pb.Rules        `json:"rules"`
	Demo         bool            `json:"demo"`
	CreatedAt    time.Time       `json:"created_at"`
	Projects     []BudgetProject `json:"projects"`
}

// BudgetProject is a project a budget may pay for.
type BudgetProject struct {
	ID          string `json:"id"`
	BudgetID    string `json:"budget_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Cost        int64  `json:"cost_kopecks"`
	Position    int    `json:"position"`
}

// Instance is the budget as the pure rules see it.
func (b Budget) Instance() *pb.Instance {
	in := &pb.Instance{Budget: b.Limit, Rules: b.Rules, Meta: map[string]string{
		"description": b.Title, "country": "Russia", "instance": b.ID,
	}}
	for _, p := range b.Projects {
		in.Projects = append(in.Projects, pb.Project{ID: p.ID, Name: p.Title, Cost: p.Cost})
	}
	return in
}

// Project returns the budget's project by id.
func (b Budget) Project(id string) (BudgetProject, bool) {
	for _, p := range b.Projects {
		if p.ID == id {
			return p, true
		}
	}
	return BudgetProject{}, false
}

// BudgetInput is what an administrator gives to create a budget.
type BudgetInput struct {
	DistrictID      string  `json:"district_id"` // "" means the whole municipality
	Title           string  `json:"title"`
	Limit           int64   `json:"limit_kopecks"`
	Kind            pb.Kind `json:"kind"`
	MinProjects     int     `json:"min_projects"`
	MaxProjects     int     `json:"max_projects"`
	MinSpendPercent int     `json:"min_spend_percent"`
}

// ProjectInput is what an administrator gives to add a project.
type ProjectInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Cost        int64  `json:"cost_kopecks"`
}

// maxMoney caps amounts (10¹⁵ kopecks) far below int64 overflow in sums.
const maxMoney = 1_000_000_000_000_000

// CreateBudget adds a district budget to a process; only the
// municipality's administrators may.
func (s *Service) CreateBudget(ctx context.Context, processID string, in BudgetInput) (Budget, error) {
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return Budget{}, err
	}
	if _, err := requireAdmin(ctx, p.TenantPath); err != nil {
		return Budget{}, err
	}
	b := Budget{ID: db.NewID(), ProcessID: p.ID, TenantID: p.TenantID, DistrictID: p.TenantID, DistrictPath: p.TenantPath,
		Title: strings.TrimSpace(in.Title), Limit: in.Limit, Demo: s.demo, CreatedAt: s.now(),
		Rules: pb.Rules{Kind: in.Kind, MinProjects: in.MinProjects, MaxProjects: in.MaxProjects, MinSpendPercent: in.MinSpendPercent}}
	bad := map[string]string{}
	checkText(bad, "title", b.Title, maxTitle, true)
	if in.Limit <= 0 || in.Limit > maxMoney {
		bad["limit_kopecks"] = "participation.field.money"
	}
	if b.Rules.Kind != pb.Approval && b.Rules.Kind != pb.Knapsack {
		bad["kind"] = "participation.field.ballot_kind"
	}
	if in.MinProjects < 0 || in.MaxProjects < 0 || (in.MaxProjects > 0 && in.MinProjects > in.MaxProjects) {
		bad["max_projects"] = "participation.field.project_bounds"
	}
	if in.MinSpendPercent < 0 || in.MinSpendPercent > 100 || (in.MinSpendPercent > 0 && b.Rules.Kind != pb.Knapsack) {
		bad["min_spend_percent"] = "participation.field.min_spend"
	}
	if in.DistrictID != "" && in.DistrictID != p.TenantID {
		n, err := s.places.Node(ctx, in.DistrictID)
		if err != nil || !strings.HasPrefix(n.Path, p.TenantPath) {
			bad["district_id"] = "participation.field.territory"
		} else {
			b.DistrictID, b.DistrictPath = n.ID, n.Path
		}
	}
	if len(bad) > 0 {
		return Budget{}, invalid("budget-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createBudget(ctx, b); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.budget.create", ObjectType: "budget", ObjectID: b.ID,
			TenantID: b.TenantID, Detail: map[string]any{"process_id": p.ID, "district_id": b.DistrictID, "limit": b.Limit,
				"kind": b.Rules.Kind, "min_projects": in.MinProjects, "max_projects": in.MaxProjects, "min_spend_percent": in.MinSpendPercent}},
			"participation.budget.created", map[string]string{"id": b.ID, "process_id": p.ID, "tenant_id": b.TenantID})
	})
	return b, wrap("create budget", err)
}

// AddProject adds a project to a budget; not once voting has started,
// since a ballot is cast over the list as it was shown.
func (s *Service) AddProject(ctx context.Context, budgetID string, in ProjectInput) (BudgetProject, error) {
	b, err := s.st.budget(ctx, budgetID)
	if err != nil {
		return BudgetProject{}, err
	}
	p, err := s.st.process(ctx, b.ProcessID)
	if err != nil {
		return BudgetProject{}, err
	}
	if _, err := requireAdmin(ctx, p.TenantPath); err != nil {
		return BudgetProject{}, err
	}
	bp := BudgetProject{ID: db.NewID(), BudgetID: b.ID, Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Cost: in.Cost, Position: len(b.Projects) + 1}
	bad := map[string]string{}
	checkText(bad, "title", bp.Title, maxTitle, true)
	checkText(bad, "description", bp.Description, maxDescription, false)
	if in.Cost <= 0 || in.Cost > b.Limit {
		bad["cost_kopecks"] = "participation.field.cost"
	}
	if len(bad) > 0 {
		return BudgetProject{}, invalid("project-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		size, err := s.st.logSize(ctx, b.ID)
		if err != nil {
			return err
		}
		if size > 0 {
			return ballotFault("ballot-started", "participation.ballot.error.started")
		}
		if err := s.st.createProject(ctx, bp); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.budget.project.create", ObjectType: "budget_project",
			ObjectID: bp.ID, TenantID: b.TenantID, Detail: map[string]any{"budget_id": b.ID, "cost": bp.Cost, "title": bp.Title}},
			"participation.budget.project.created", map[string]string{"id": bp.ID, "budget_id": b.ID, "tenant_id": b.TenantID})
	})
	return bp, wrap("add project", err)
}

// Budget reads a budget with its projects; anyone may.
func (s *Service) Budget(ctx context.Context, id string) (Budget, error) {
	return s.st.budget(ctx, id)
}

// Budgets lists a process's budgets with their projects.
func (s *Service) Budgets(ctx context.Context, processID string) ([]Budget, error) {
	return s.st.budgets(ctx, processID)
}
