package participation

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Limits on what a process holds.
const (
	maxTitle       = 200
	maxDescription = 5000
	maxMinAge      = 120
	// DefaultThresholdBP is 1 % of the territory's population.
	DefaultThresholdBP = 100
	// DefaultFlagLimit is how many flags hide an item when the process
	// does not say.
	DefaultFlagLimit = 3
)

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// ProcessInput is what an administrator gives to create a process.
type ProcessInput struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description"`
	ThresholdBP int    `json:"threshold_bp"` // DefaultThresholdBP when zero
	FlagLimit   int    `json:"flag_limit"`   // DefaultFlagLimit when zero
}

func (in *ProcessInput) normalize() {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.ThresholdBP == 0 {
		in.ThresholdBP = DefaultThresholdBP
	}
	if in.FlagLimit == 0 {
		in.FlagLimit = DefaultFlagLimit
	}
}

func (in ProcessInput) validate() map[string]string {
	bad := map[string]string{}
	if !slugRE.MatchString(in.Slug) {
		bad["slug"] = "participation.field.slug"
	}
	checkText(bad, "title", in.Title, maxTitle, true)
	checkText(bad, "description", in.Description, maxDescription, false)
	if in.ThresholdBP < 1 || in.ThresholdBP > 10000 {
		bad["threshold_bp"] = "participation.field.threshold"
	}
	if in.FlagLimit < 1 || in.FlagLimit > 1000 {
		bad["flag_limit"] = "participation.field.flag_limit"
	}
	return bad
}

func checkText(bad map[string]string, field, v string, limit int, required bool) {
	switch {
	case required && v == "":
		bad[field] = "participation.field.required"
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > limit:
		bad[field] = "participation.field.too_long"
	}
}

// PermissionInput is one row of a phase's matrix as given;
// TerritoryNodeID "" means the whole municipality.
type PermissionInput struct {
	Action          Action `json:"action"`
	Level           Level  `json:"level"`
	TerritoryNodeID string `json:"territory_node_id"`
	MinAge          int    `json:"min_age"`
}

// PhaseInput is what an administrator gives to add a phase.
type PhaseInput struct {
	Kind        PhaseKind         `json:"kind"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      time.Time         `json:"ends_at"`
	Permissions []PermissionInput `json:"permissions"`
}

// requireAdmin returns the actor if they administer the municipality at path.
func requireAdmin(ctx context.Context, path string) (*auth.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(auth.RoleMunicipalAdmin, path) {
		return nil, ErrForbidden
	}
	return a, nil
}

// CreateProcess creates a municipality's process, without phases yet.
func (s *Service) CreateProcess(ctx context.Context, tenantID string, in ProcessInput) (Process, error) {
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Process{}, err
	}
	if _, err := requireAdmin(ctx, m.Path); err != nil {
		return Process{}, err
	}
	in.normalize()
	if bad := in.validate(); len(bad) > 0 {
		return Process{}, invalid("process-invalid", bad)
	}
	p := Process{ID: db.NewID(), TenantID: m.ID, TenantPath: m.Path, Slug: in.Slug, Title: in.Title,
		Description: in.Description, ThresholdBP: in.ThresholdBP, FlagLimit: in.FlagLimit, Demo: s.demo, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createProcess(ctx, p); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "process-slug-taken", "participation.error.slug_taken")
			}
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.process.create", ObjectType: "process", ObjectID: p.ID,
			TenantID: p.TenantID, Detail: map[string]any{"slug": p.Slug, "threshold_bp": p.ThresholdBP, "flag_limit": p.FlagLimit}},
			"participation.process.created", map[string]string{"id": p.ID, "tenant_id": p.TenantID})
	})
	return p, wrap("create process", err)
}

// AddPhase appends a phase to a process, after its last one.
func (s *Service) AddPhase(ctx context.Context, processID string, in PhaseInput) (Phase, error) {
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return Phase{}, err
	}
	if _, err := requireAdmin(ctx, p.TenantPath); err != nil {
		return Phase{}, err
	}
	ph := Phase{ID: db.NewID(), ProcessID: p.ID, Kind: in.Kind, Position: len(p.Phases) + 1,
		StartsAt: in.StartsAt.UTC().Truncate(time.Millisecond), EndsAt: in.EndsAt.UTC().Truncate(time.Millisecond)}
	bad := map[string]string{}
	if !in.Kind.Valid() {
		bad["kind"] = "participation.field.kind"
	}
	if in.StartsAt.IsZero() {
		bad["starts_at"] = "participation.field.required"
	}
	if in.EndsAt.IsZero() || !in.EndsAt.After(in.StartsAt) {
		bad["ends_at"] = "participation.field.ends_after"
	}
	seen := map[Action]bool{}
	for i, x := range in.Permissions {
		field := "permissions." + itoa(i)
		if !x.Action.Valid() || seen[x.Action] {
			bad[field+".action"] = "participation.field.action"
			continue
		}
		seen[x.Action] = true
		if !x.Level.Valid() {
			bad[field+".level"] = "participation.field.level"
		}
		if x.MinAge < 0 || x.MinAge > maxMinAge {
			bad[field+".min_age"] = "participation.field.min_age"
		}
		perm := Permission{Action: x.Action, Level: x.Level, TerritoryNodeID: p.TenantID, TerritoryPath: p.TenantPath, MinAge: x.MinAge}
		if x.TerritoryNodeID != "" && x.TerritoryNodeID != p.TenantID {
			n, err := s.places.Node(ctx, x.TerritoryNodeID)
			switch {
			case errors.Is(err, fault.ErrNotFound) || (err == nil && !strings.HasPrefix(n.Path, p.TenantPath)):
				bad[field+".territory_node_id"] = "participation.field.territory"
			case err != nil:
				return Phase{}, wrap("add phase", err)
			}
			perm.TerritoryNodeID, perm.TerritoryPath = n.ID, n.Path
		}
		ph.Permissions = append(ph.Permissions, perm)
	}
	if len(bad) > 0 {
		return Phase{}, invalid("phase-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createPhase(ctx, ph); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "phase-changed", "participation.error.changed")
			}
			return err
		}
		actions := make([]string, 0, len(ph.Permissions))
		for _, x := range ph.Permissions {
			actions = append(actions, string(x.Action)+":"+string(x.Level)+":"+x.TerritoryNodeID+":"+itoa(x.MinAge))
		}
		return s.record(ctx, audit.Entry{Action: "participation.phase.create", ObjectType: "phase", ObjectID: ph.ID,
			TenantID: p.TenantID, Detail: map[string]any{"process_id": p.ID, "kind": ph.Kind, "position": ph.Position,
				"starts_at": ph.StartsAt, "ends_at": ph.EndsAt, "permissions": actions}},
			"participation.phase.created", map[string]string{"id": ph.ID, "process_id": p.ID, "tenant_id": p.TenantID})
	})
	return ph, wrap("add phase", err)
}

// Process reads a process with its phases; anyone may.
func (s *Service) Process(ctx context.Context, id string) (Process, error) {
	return s.st.process(ctx, id)
}

// ProcessBySlug reads a municipality's process by its slug.
func (s *Service) ProcessBySlug(ctx context.Context, tenantID, slug string) (Process, error) {
	return s.st.processBySlug(ctx, tenantID, slug)
}

// Processes lists a municipality's processes, newest first.
func (s *Service) Processes(ctx context.Context, tenantID string) ([]Process, error) {
	return s.st.processes(ctx, tenantID)
}

// Districts lists the nodes a phase may be limited to.
func (s *Service) Districts(ctx context.Context, tenantID string) ([]Place, error) {
	return s.places.Districts(ctx, tenantID)
}

func itoa(i int) string { return strconv.Itoa(i) }
