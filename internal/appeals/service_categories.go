package appeals

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Categories lists a municipality's categories; they are public.
func (s *Service) Categories(ctx context.Context, tenantID string) ([]Category, error) {
	return s.st.categories(ctx, tenantID)
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, id string) (Category, error) {
	return s.st.category(ctx, id)
}

// CreateCategory adds a category to a municipality; its municipal
// administrators (or anyone above them) may.
func (s *Service) CreateCategory(ctx context.Context, tenantID string, in CategoryInput) (Category, error) {
	who, err := actor(ctx)
	if err != nil {
		return Category{}, err
	}
	muni, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Category{}, err
	}
	if !who.Can(auth.RoleMunicipalAdmin, muni.Path) {
		return Category{}, ErrForbidden
	}
	in.normalize()
	bad := in.validate()
	if in.DepartmentID != "" {
		if d, err := s.places.Department(ctx, in.DepartmentID); errors.Is(err, fault.ErrNotFound) || (err == nil && d.MunicipalityID != muni.ID) {
			bad["department_id"] = "appeals.department.unknown"
		} else if err != nil {
			return Category{}, err
		}
	}
	if len(bad) > 0 {
		return Category{}, invalid("category-invalid", bad)
	}
	c := Category{ID: db.NewID(), TenantID: muni.ID, Code: in.Code, Regime: in.Regime, NameRU: in.NameRU, NameEN: in.NameEN,
		SLA: in.SLA, AllowAnonymous: in.AllowAnonymous, DepartmentID: in.DepartmentID, Active: true, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createCategory(ctx, c); err != nil {
			if db.IsUnique(err) {
				return &fault.Error{Kind: ErrConflict, Type: "category-taken", Key: "error.conflict",
					Fields: map[string]string{"code": "appeals.category.code.taken"}}
			}
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.category.create", ObjectType: "appeal_category", ObjectID: c.ID,
			TenantID: c.TenantID, Detail: map[string]any{"code": c.Code, "regime": c.Regime}},
			"appeal.category.created", map[string]string{"id": c.ID, "tenant_id": c.TenantID, "code": c.Code})
	})
	return c, wrap("create category", err)
}
