package services

import (
	"context"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// canManage reports whether the actor administers the municipality's
// catalogue.
func canManage(a *auth.Actor, m Municipality) bool { return a.Can(auth.RoleMunicipalAdmin, m.Path) }

// Catalogue lists a municipality's services matching query (all when
// empty): active ones for everybody, inactive ones too for its
// administrators.
func (s *Service) Catalogue(ctx context.Context, muniID, query string) ([]Entry, error) {
	m, err := s.municipality(ctx, muniID)
	if err != nil {
		return nil, err
	}
	all, err := s.st.entries(ctx, m.ID)
	if err != nil {
		return nil, wrap("catalogue", err)
	}
	admin := canManage(auth.From(ctx), m)
	out := []Entry{}
	for _, e := range all {
		if (e.Active || admin) && e.Matches(query) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Entry returns one service of a municipality's catalogue by its code; an
// inactive one only to its administrators.
func (s *Service) Entry(ctx context.Context, muniID, code string) (Entry, error) {
	m, err := s.municipality(ctx, muniID)
	if err != nil {
		return Entry{}, err
	}
	e, err := s.st.entryByCode(ctx, m.ID, code)
	if err != nil {
		return Entry{}, wrap("entry", err)
	}
	if !e.Active && !canManage(auth.From(ctx), m) {
		return Entry{}, ErrNotFound
	}
	return e, nil
}

// Departments lists a municipality's departments, for the catalogue's
// editor and for naming the responsible department.
func (s *Service) Departments(ctx context.Context, muniID string) ([]Department, error) {
	return s.places.Departments(ctx, muniID)
}

// normalise trims an entry's texts and drops empty list lines.
func normalise(e Entry) Entry {
	for _, p := range []*string{&e.Code, &e.NameRU, &e.NameEN, &e.DescriptionRU, &e.DescriptionEN, &e.LegalBasis, &e.ResultRU, &e.ResultEN} {
		*p = strings.TrimSpace(*p)
	}
	clean := func(in []string) []string {
		out := []string{}
		for _, s := range in {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	e.DocumentsRU, e.DocumentsEN = clean(e.DocumentsRU), clean(e.DocumentsEN)
	return e
}

// checkDepartment refuses a department that is not the municipality's.
func (s *Service) checkDepartment(ctx context.Context, muniID, depID string) (map[string]string, error) {
	if depID == "" {
		return nil, nil
	}
	deps, err := s.places.Departments(ctx, muniID)
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		if d.ID == depID {
			return nil, nil
		}
	}
	return map[string]string{"department_id": "services.admin.department_invalid"}, nil
}

// CreateEntry adds a service to a municipality's catalogue.
func (s *Service) CreateEntry(ctx context.Context, muniID string, in Entry) (Entry, error) {
	return s.writeEntry(ctx, muniID, in, true)
}

// UpdateEntry changes a service of the catalogue, found by its code; the
// code itself never changes (applications and links refer to it).
func (s *Service) UpdateEntry(ctx context.Context, muniID string, in Entry) (Entry, error) {
	return s.writeEntry(ctx, muniID, in, false)
}

func (s *Service) writeEntry(ctx context.Context, muniID string, in Entry, create bool) (Entry, error) {
	a, err := actor(ctx)
	if err != nil {
		return Entry{}, err
	}
	m, err := s.municipality(ctx, muniID)
	if err != nil {
		return Entry{}, err
	}
	if !canManage(a, m) {
		return Entry{}, ErrForbidden
	}
	e := normalise(in)
	errs := e.check()
	bad, err := s.checkDepartment(ctx, m.ID, e.DepartmentID)
	if err != nil {
		return Entry{}, err
	}
	for k, v := range bad {
		errs[k] = v
	}
	if len(errs) > 0 {
		return Entry{}, invalid("service-invalid", errs)
	}
	e.TenantID, e.Updated = m.ID, s.now()
	action := "services.entry.create"
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if create {
			e.ID = db.NewID()
			if err := s.st.insertEntry(ctx, e); err != nil {
				return err
			}
		} else {
			old, err := s.st.entryByCode(ctx, m.ID, e.Code)
			if err != nil {
				return err
			}
			e.ID, action = old.ID, "services.entry.update"
			if err := s.st.updateEntry(ctx, e); err != nil {
				return err
			}
		}
		return s.record(ctx, audit.Entry{Action: action, ObjectType: "service", ObjectID: e.ID, TenantID: m.ID,
			Detail: map[string]any{"code": e.Code, "term_days": e.Term.Days, "term_working": e.Term.Working,
				"term_suspends": e.Term.Suspends, "fee_kopecks": e.FeeKopecks, "extraterritorial": e.Extraterritorial, "active": e.Active, "fields": len(e.Form)}},
			"", nil)
	})
	if err != nil {
		return Entry{}, wrap("write entry", err)
	}
	return e, nil
}
