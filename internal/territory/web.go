package territory

import (
	"context"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// HomeSection is a block another domain adds to a municipality's home
// page (open appeals, polls, outages…). The app passes the domains'
// sections to Routes; a block with no items and no text is not shown.
type HomeSection interface {
	Section(ctx context.Context, muni Node, lang string) (HomeBlock, error)
}

// HomeBlock is one section of the home page, already in the page's language.
type HomeBlock struct {
	Title    string
	Text     string // optional lead paragraph
	Items    []HomeItem
	MoreURL  string
	MoreText string
}

// HomeItem is one line of a home block.
type HomeItem struct {
	Title string
	URL   string
	Meta  string // date, status or count shown under the title
	Badge string
}

type handler struct {
	svc      *Service
	render   *web.Renderer
	sections []HomeSection
}

// Routes mounts the public pages (region portal, municipality home, data
// sources), the administration pages and the JSON API.
func Routes(rt *web.Router, render *web.Renderer, svc *Service, sections ...HomeSection) {
	h := &handler{svc: svc, render: render, sections: sections}
	rt.HandlePublic("GET /{$}", h.portal)
	rt.HandlePublic("GET /m/{slug}/{$}", h.home)
	rt.HandlePublic("GET /about/data", h.aboutData)

	rt.Handle("GET /admin/territory", h.adminTree)
	rt.Handle("POST /admin/territory", h.adminTreeCreate)
	rt.Handle("GET /admin/territory/{id}/edit", h.adminNodeEdit)
	rt.HandleBody("POST /admin/territory/{id}/edit", 4<<20, h.adminNodeUpdate) // a boundary may be up to 2 MB
	rt.Handle("GET /admin/m/{slug}/departments", h.adminDepartments)
	rt.Handle("POST /admin/m/{slug}/departments", h.adminDepartmentCreate)
	rt.Handle("GET /admin/m/{slug}/departments/{id}", h.adminDepartmentEdit)
	rt.Handle("POST /admin/m/{slug}/departments/{id}", h.adminDepartmentUpdate)
	rt.Handle("POST /admin/m/{slug}/departments/{id}/delete", h.adminDepartmentDelete)

	rt.Handle("GET /api/v1/territories", h.apiNodes)
	rt.Handle("GET /api/v1/territories/{id}", h.apiNode)
	rt.Handle("POST /api/v1/territories", h.apiCreateNode)
	rt.Handle("GET /api/v1/municipalities/{slug}/departments", h.apiDepartments)
	rt.Handle("POST /api/v1/municipalities/{slug}/departments", h.apiCreateDepartment)
	rt.Handle("PATCH /api/v1/departments/{id}", h.apiUpdateDepartment)
	rt.Handle("DELETE /api/v1/departments/{id}", h.apiDeleteDepartment)
}

// staff lets in officials who administer something (municipal admin or
// above, anywhere); everyone else is sent to sign in or refused.
func staff(w http.ResponseWriter, r *http.Request) (bool, error) {
	a := auth.From(r.Context())
	if !a.SignedIn() {
		http.Redirect(w, r, web.LoginURL(r), http.StatusSeeOther)
		return false, nil
	}
	if a.Top() < auth.RoleMunicipalAdmin {
		return false, ErrForbidden
	}
	return true, nil
}

// municipalityBySlug reads the municipal formation at /m/{slug}/.
func (h *handler) municipalityBySlug(ctx context.Context, slug string) (Node, error) {
	n, err := h.svc.NodeBySlug(ctx, slug)
	if err != nil {
		return n, err
	}
	if !n.Municipal() {
		return n, ErrNotFound
	}
	return n, nil
}
