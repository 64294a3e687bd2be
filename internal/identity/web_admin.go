package identity

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

type usersPage struct {
	Query string
	Users []User
	Next  string
}

func (h *handler) adminUsers(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	pg, err := web.ParsePage(r, 50, 200)
	if err != nil {
		return err
	}
	q := UserQuery{Search: r.URL.Query().Get("q"), Limit: pg.Limit + 1}
	if len(pg.After) > 0 {
		q.After = pg.After[0]
	}
	us, err := h.svc.Users(r.Context(), q)
	if err != nil {
		return err
	}
	p := usersPage{Query: q.Search, Users: us}
	if len(us) > pg.Limit {
		p.Users = us[:pg.Limit]
		p.Next = web.EncodeCursor(p.Users[pg.Limit-1].ID)
	}
	return h.page(w, r, http.StatusOK, "identity/admin_users", p)
}

type userPage struct {
	*form
	User        User
	Grants      []GrantRecord
	Places      []Place
	Departments []Department
	Roles       []string
}

func (h *handler) adminUser(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	if k := h.popFlash(r); k != "" {
		f.Alert, f.AlertKind = k, "ok"
	}
	return h.showUser(w, r, http.StatusOK, f)
}

func (h *handler) showUser(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	u, gs, err := h.svc.UserDetail(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := userPage{form: f, User: u, Grants: gs, Roles: assignableRoles(auth.From(ctx))}
	if p.Places, err = h.svc.AssignablePlaces(ctx); err != nil {
		return err
	}
	if p.Departments, err = h.svc.AssignableDepartments(ctx); err != nil {
		return err
	}
	return h.page(w, r, status, "identity/admin_user", p)
}

// assignableRoles are the roles a may hand out somewhere.
func assignableRoles(a *auth.Actor) []string {
	var out []string
	for _, role := range auth.Roles() {
		if role <= a.Top() && (role != auth.RolePlatformAdmin || a.Can(auth.RolePlatformAdmin, RootPath)) {
			out = append(out, role.String())
		}
	}
	return out
}

func (h *handler) adminGrant(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	in := GrantInput{Role: r.PostFormValue("role"), ScopeID: r.PostFormValue("scope_id"), DepartmentID: r.PostFormValue("department_id")}
	f.Values["role"], f.Values["scope_id"], f.Values["department_id"] = in.Role, in.ScopeID, in.DepartmentID
	if _, err := h.svc.Grant(r.Context(), r.PathValue("id"), in); err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showUser(w, r, status, f)
	}
	h.flash(r, "identity.grant.done")
	return seeOther(w, r, "/admin/users/"+r.PathValue("id"))
}

func (h *handler) adminRevoke(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	g, err := h.svc.st.grant(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.Revoke(r.Context(), g.ID); err != nil {
		return err
	}
	h.flash(r, "identity.grant.revoked")
	return seeOther(w, r, "/admin/users/"+g.UserID)
}

type keysPage struct {
	*form
	Keys           []APIKey
	Municipalities []Place
	Roles          []string
	Secret         string
}

func (h *handler) adminKeys(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	if k := h.popFlash(r); k != "" {
		f.Alert, f.AlertKind = k, "ok"
	}
	return h.showKeys(w, r, http.StatusOK, f, "")
}

func (h *handler) showKeys(w http.ResponseWriter, r *http.Request, status int, f *form, secret string) error {
	ctx := r.Context()
	ks, err := h.svc.APIKeys(ctx)
	if err != nil {
		return err
	}
	ps, err := h.svc.AssignablePlaces(ctx)
	if err != nil {
		return err
	}
	p := keysPage{form: f, Keys: ks, Secret: secret}
	for _, pl := range ps {
		if pl.ID == pl.TenantID {
			p.Municipalities = append(p.Municipalities, pl)
		}
	}
	for _, role := range assignableRoles(auth.From(ctx)) {
		if rl, _ := auth.ParseRole(role); rl < auth.RoleRegionalOperator {
			p.Roles = append(p.Roles, role)
		}
	}
	return h.page(w, r, status, "identity/admin_apikeys", p)
}

// adminCreateKey shows the new key on the answer to the POST itself, the
// only time it is ever shown; it is never put in a redirect or session.
func (h *handler) adminCreateKey(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	in := APIKeyInput{Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), ScopeID: r.PostFormValue("scope_id")}
	f.Values["name"], f.Values["role"], f.Values["scope_id"] = in.Name, in.Role, in.ScopeID
	_, secret, err := h.svc.CreateAPIKey(r.Context(), in)
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showKeys(w, r, status, f, "")
	}
	w.Header().Set("Cache-Control", "no-store")
	f = newForm()
	f.Alert, f.AlertKind = "identity.apikey.created", "ok"
	return h.showKeys(w, r, http.StatusCreated, f, secret)
}

func (h *handler) adminRevokeKey(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := h.svc.RevokeAPIKey(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	h.flash(r, "identity.apikey.revoked")
	return seeOther(w, r, "/admin/apikeys")
}
