package territory

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// apiNodes lists nodes in OKTMO order: all of them, or those under
// ?parent=, optionally of one ?kind=.
func (h *handler) apiNodes(w http.ResponseWriter, r *http.Request) error {
	page, err := web.ParsePage(r, 100, 500)
	if err != nil {
		return err
	}
	q := NodeQuery{ParentID: r.URL.Query().Get("parent"), Kind: Kind(r.URL.Query().Get("kind")), Limit: page.Limit + 1}
	q.AnyParent = q.ParentID == ""
	if len(page.After) > 0 {
		q.After = page.After[0]
	}
	if q.ParentID != "" {
		if _, err := h.svc.Node(r.Context(), q.ParentID); err != nil {
			return err
		}
	}
	nodes, err := h.svc.Nodes(r.Context(), q)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(nodes, page.Limit, func(x Node) string { return x.OKTMO }))
}

// apiNode returns one node.
func (h *handler) apiNode(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svc.Node(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}

// apiCreateNode adds a node (platform administrators and regional operators).
func (h *handler) apiCreateNode(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).SignedIn() {
		return ErrUnauthorized
	}
	var in NodeInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	n, err := h.svc.CreateNode(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/territories/"+n.ID)
	return web.JSON(w, http.StatusCreated, n)
}

// apiDepartments lists a municipality's departments by code.
func (h *handler) apiDepartments(w http.ResponseWriter, r *http.Request) error {
	page, err := web.ParsePage(r, 100, 500)
	if err != nil {
		return err
	}
	m, err := h.municipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	after := ""
	if len(page.After) > 0 {
		after = page.After[0]
	}
	deps, err := h.svc.DepartmentsPage(r.Context(), m.ID, after, page.Limit+1)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(deps, page.Limit, func(x Department) string { return x.Code }))
}

// apiCreateDepartment adds a department to a municipality.
func (h *handler) apiCreateDepartment(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).SignedIn() {
		return ErrUnauthorized
	}
	m, err := h.municipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in DepartmentInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := h.svc.CreateDepartment(r.Context(), m.ID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/departments/"+d.ID)
	return web.JSON(w, http.StatusCreated, d)
}

// apiUpdateDepartment changes the fields the body names.
func (h *handler) apiUpdateDepartment(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).SignedIn() {
		return ErrUnauthorized
	}
	var p DepartmentPatch
	if err := web.DecodeJSON(r, &p); err != nil {
		return err
	}
	d, err := h.svc.UpdateDepartment(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d)
}

// apiDeleteDepartment removes a department.
func (h *handler) apiDeleteDepartment(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).SignedIn() {
		return ErrUnauthorized
	}
	if err := h.svc.DeleteDepartment(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
