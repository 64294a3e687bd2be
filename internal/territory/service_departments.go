package territory

import (
	"context"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Departments lists a municipality's departments by code. They are public
// information: anyone may read them.
func (s *Service) Departments(ctx context.Context, muniID string) ([]Department, error) {
	return s.DepartmentsPage(ctx, muniID, "", 0)
}

// DepartmentsPage lists up to limit (0 = all) departments after a code.
func (s *Service) DepartmentsPage(ctx context.Context, muniID, afterCode string, limit int) ([]Department, error) {
	if _, err := s.municipality(ctx, muniID); err != nil {
		return nil, err
	}
	return s.st.deptsOf(ctx, muniID, afterCode, limit)
}

// Department returns one department.
func (s *Service) Department(ctx context.Context, id string) (Department, error) {
	return s.st.dept(ctx, id)
}

// CreateDepartment adds a department to a municipality; its municipal
// administrators (or anyone above them) may.
func (s *Service) CreateDepartment(ctx context.Context, muniID string, in DepartmentInput) (Department, error) {
	muni, err := s.municipality(ctx, muniID)
	if err != nil {
		return Department{}, err
	}
	if err := authorizeMuni(ctx, muni); err != nil {
		return Department{}, err
	}
	in.normalize()
	if bad := in.validate(); len(bad) > 0 {
		return Department{}, invalid("department-invalid", bad)
	}
	t := now()
	d := Department{ID: db.NewID(), MuniID: muni.ID, CreatedAt: t, UpdatedAt: t}
	fillDept(&d, in)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkDeptUnique(ctx, d); err != nil {
			return err
		}
		if err := s.st.createDept(ctx, d); err != nil {
			return uniqueDept(err)
		}
		return s.record(ctx, audit.Entry{Action: "territory.department.create", ObjectType: "department", ObjectID: d.ID,
			TenantID: d.MuniID, Detail: map[string]any{"code": d.Code}}, "territory.department.created", deptEvent(d))
	})
	return d, wrap("create department", err)
}

// UpdateDepartment changes the fields the patch sets.
func (s *Service) UpdateDepartment(ctx context.Context, id string, p DepartmentPatch) (Department, error) {
	d, muni, err := s.deptForChange(ctx, id)
	if err != nil {
		return Department{}, err
	}
	in := p.apply(d.Input())
	in.normalize()
	if bad := in.validate(); len(bad) > 0 {
		return Department{}, invalid("department-invalid", bad)
	}
	old := d
	fillDept(&d, in)
	if len(deptChanges(old, d)) == 0 {
		return old, nil // nothing to record
	}
	d.UpdatedAt = now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkDeptUnique(ctx, d); err != nil {
			return err
		}
		if err := s.st.updateDept(ctx, d); err != nil {
			return uniqueDept(err)
		}
		return s.record(ctx, audit.Entry{Action: "territory.department.update", ObjectType: "department", ObjectID: d.ID,
			TenantID: muni.ID, Detail: map[string]any{"code": d.Code, "changed": deptChanges(old, d)}},
			"territory.department.updated", deptEvent(d))
	})
	return d, wrap("update department", err)
}

// DeleteDepartment removes a department.
func (s *Service) DeleteDepartment(ctx context.Context, id string) error {
	d, muni, err := s.deptForChange(ctx, id)
	if err != nil {
		return err
	}
	return wrap("delete department", s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.deleteDept(ctx, d.ID); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "territory.department.delete", ObjectType: "department", ObjectID: d.ID,
			TenantID: muni.ID, Detail: map[string]any{"code": d.Code}}, "territory.department.deleted", deptEvent(d))
	}))
}

// deptForChange reads a department and its municipality and checks that
// the actor administers that municipality.
func (s *Service) deptForChange(ctx context.Context, id string) (Department, Node, error) {
	d, err := s.st.dept(ctx, id)
	if err != nil {
		return d, Node{}, err
	}
	muni, err := s.st.nodeBy(ctx, "id", d.MuniID)
	if err != nil {
		return d, muni, err
	}
	return d, muni, authorizeMuni(ctx, muni)
}

// municipality reads a node that must be a municipal formation.
func (s *Service) municipality(ctx context.Context, id string) (Node, error) {
	n, err := s.st.nodeBy(ctx, "id", id)
	if err != nil {
		return n, err
	}
	if !n.Municipal() {
		return n, ErrNotFound
	}
	return n, nil
}

func fillDept(d *Department, in DepartmentInput) {
	d.Code, d.NameRU, d.NameEN = in.Code, in.NameRU, in.NameEN
	d.Email, d.Phone, d.Description, d.DescriptionEN = in.Email, in.Phone, in.Description, in.DescriptionEN
}

// checkDeptUnique reports a code or name already used in the municipality.
func (s *Service) checkDeptUnique(ctx context.Context, d Department) error {
	others, err := s.st.deptsOf(ctx, d.MuniID, "", 0)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == d.ID {
			continue
		}
		if o.Code == d.Code {
			return conflict("department-taken", "code", "territory.department.code.taken")
		}
		if strings.EqualFold(o.NameRU, d.NameRU) {
			return conflict("department-taken", "name_ru", "territory.department.name.taken")
		}
	}
	return nil
}

func uniqueDept(err error) error {
	if db.IsUnique(err) {
		return conflict("department-taken", "code", "territory.department.code.taken")
	}
	return err
}

type deptPayload struct {
	ID     string `json:"id"`
	MuniID string `json:"municipality_id"`
	Code   string `json:"code"`
}

func deptEvent(d Department) deptPayload {
	return deptPayload{ID: d.ID, MuniID: d.MuniID, Code: d.Code}
}

func deptChanges(a, b Department) []string {
	var out []string
	for _, c := range []struct {
		name string
		diff bool
	}{{"code", a.Code != b.Code}, {"name_ru", a.NameRU != b.NameRU}, {"name_en", a.NameEN != b.NameEN},
		{"email", a.Email != b.Email}, {"phone", a.Phone != b.Phone}, {"description", a.Description != b.Description},
		{"description_en", a.DescriptionEN != b.DescriptionEN}} {
		if c.diff {
			out = append(out, c.name)
		}
	}
	return out
}
