package workplace

import (
	"context"
	"net/http"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// auditPage is how many entries one page of the audit log shows.
const auditPage = 30

// Tenant is a municipality as the audit viewer shows it.
type Tenant struct{ ID, Name string }

// Tenants finds the municipalities at or below a territory path; the app
// adapts the territory domain to it.
type Tenants interface {
	TenantsUnder(ctx context.Context, path string) ([]Tenant, error)
}

// People names the users who appear in the audit log; the app adapts the
// identity domain to it. It leaves out the ids it may not name for the
// actor in ctx.
type People interface {
	UserNames(ctx context.Context, ids []string) (map[string]string, error)
}

// AuditView reads the audit log within the actor's reach.
type AuditView struct {
	log     *audit.Log
	tenants Tenants
	people  People // optional
}

// WithPeople lets the viewer name the users who acted or were acted on.
func (v *AuditView) WithPeople(p People) *AuditView {
	v.people = p
	return v
}

// UserNames names the users among the records' actors and objects, as
// far as People allows the actor in ctx; empty without People.
func (v *AuditView) UserNames(ctx context.Context, recs []audit.Record) (map[string]string, error) {
	if v.people == nil || len(recs) == 0 {
		return map[string]string{}, nil
	}
	var ids []string
	for _, r := range recs {
		if r.ActorKind == "user" {
			ids = append(ids, r.ActorID)
		}
		if r.ObjectType == "user" {
			ids = append(ids, r.ObjectID)
		}
	}
	return v.people.UserNames(ctx, ids)
}

// NewAuditView returns the viewer.
func NewAuditView(log *audit.Log, tenants Tenants) *AuditView {
	return &AuditView{log: log, tenants: tenants}
}

// Entries lists audit entries newest first: a platform administrator sees
// everything, other administrators only the municipalities their
// municipal-admin (or higher) grants cover.
func (v *AuditView) Entries(ctx context.Context, actor *auth.Actor, beforeSeq int64) ([]audit.Record, map[string]string, error) {
	if !actor.SignedIn() {
		return nil, nil, fault.ErrUnauthorized
	}
	if actor.Top() < auth.RoleMunicipalAdmin {
		return nil, nil, fault.ErrForbidden
	}
	names := map[string]string{"": ""}
	f := audit.Filter{BeforeSeq: beforeSeq, Limit: auditPage}
	if !actor.Can(auth.RolePlatformAdmin, "/") {
		f.TenantIDs = []string{}
		for _, g := range actor.Grants {
			if g.Role < auth.RoleMunicipalAdmin {
				continue
			}
			ts, err := v.tenants.TenantsUnder(ctx, g.ScopePath)
			if err != nil {
				return nil, nil, err
			}
			for _, t := range ts {
				f.TenantIDs = append(f.TenantIDs, t.ID)
				names[t.ID] = t.Name
			}
		}
	} else if ts, err := v.tenants.TenantsUnder(ctx, "/"); err == nil {
		for _, t := range ts {
			names[t.ID] = t.Name
		}
	}
	recs, err := v.log.List(ctx, f)
	return recs, names, err
}

type adminView struct {
	Records []audit.Record
	Names   map[string]string // municipalities by id
	People  map[string]string // users by id, those the actor may see
	Next    int64
}

func (h *handler) adminIndex(w http.ResponseWriter, r *http.Request) error {
	a := auth.From(r.Context())
	if !a.SignedIn() {
		http.Redirect(w, r, "/login?next=/admin/", http.StatusSeeOther)
		return nil
	}
	if a.Top() < auth.RoleMunicipalAdmin {
		return fault.ErrForbidden
	}
	var sets []ToolSet
	if h.svc.tools != nil {
		var err error
		if sets, err = h.svc.tools.Tools(r.Context()); err != nil {
			return err
		}
	}
	return h.render.Page(w, r, http.StatusOK, "workplace/admin", sets)
}

func (h *handler) auditPage(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	recs, names, err := h.audit.Entries(r.Context(), auth.From(r.Context()), before)
	if err != nil {
		return err
	}
	v := adminView{Records: recs, Names: names}
	if v.People, err = h.audit.UserNames(r.Context(), recs); err != nil {
		return err
	}
	if len(recs) == auditPage {
		v.Next = recs[len(recs)-1].Seq
	}
	return h.render.Page(w, r, http.StatusOK, "workplace/audit", v)
}
