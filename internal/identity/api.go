package identity

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

// api serves identity's JSON endpoints under /api/v1.
type api struct{ svc *Service }

func apiRoutes(rt *web.Router, svc *Service) {
	a := &api{svc: svc}
	rt.Handle("GET /api/v1/me", a.me)
	rt.Handle("GET /api/v1/users", a.users)
	rt.Handle("POST /api/v1/users/{id}/grants", a.grant)
	rt.Handle("DELETE /api/v1/grants/{id}", a.revoke)
	rt.Handle("GET /api/v1/apikeys", a.keys)
	rt.Handle("POST /api/v1/apikeys", a.createKey)
	rt.Handle("DELETE /api/v1/apikeys/{id}", a.revokeKey)
}

// meView is the signed-in user as the API shows them.
type meView struct {
	User
	Grants []GrantRecord `json:"grants"`
}

func (a *api) me(w http.ResponseWriter, r *http.Request) error {
	u, gs, err := a.svc.Me(r.Context())
	if err != nil {
		return err
	}
	if gs == nil {
		gs = []GrantRecord{}
	}
	return web.JSON(w, http.StatusOK, meView{User: u, Grants: gs})
}

func (a *api) users(w http.ResponseWriter, r *http.Request) error {
	pg, err := web.ParsePage(r, 50, 200)
	if err != nil {
		return err
	}
	q := UserQuery{Search: r.URL.Query().Get("q"), Limit: pg.Limit + 1}
	if len(pg.After) > 0 {
		q.After = pg.After[0]
	}
	us, err := a.svc.Users(r.Context(), q)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(us, pg.Limit, func(x User) string { return x.ID }))
}

func (a *api) grant(w http.ResponseWriter, r *http.Request) error {
	var in GrantInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	g, err := a.svc.Grant(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/grants/"+g.ID)
	return web.JSON(w, http.StatusCreated, g)
}

func (a *api) revoke(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Revoke(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) keys(w http.ResponseWriter, r *http.Request) error {
	ks, err := a.svc.APIKeys(r.Context())
	if err != nil {
		return err
	}
	if ks == nil {
		ks = []APIKey{}
	}
	return web.JSON(w, http.StatusOK, web.List[APIKey]{Items: ks})
}

// createdKey is a new key with its secret, shown this once.
type createdKey struct {
	APIKey
	Key string `json:"key"`
}

func (a *api) createKey(w http.ResponseWriter, r *http.Request) error {
	var in APIKeyInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	k, secret, err := a.svc.CreateAPIKey(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.JSON(w, http.StatusCreated, createdKey{APIKey: k, Key: secret})
}

func (a *api) revokeKey(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RevokeAPIKey(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
