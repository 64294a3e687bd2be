package appeals

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

// routingPage is a municipality's categories (each linking to its extra
// questions) and its routing table, for its administrators.
type routingPage struct {
	*form
	Muni        Municipality
	Categories  []Category
	Questions   map[string]int // category id -> questions asked
	Districts   []District
	Departments []Department
	Routes      []Route
	Saved       bool
}

// CategoryName, DistrictName and DepartmentName name a row's parts.
func (p routingPage) CategoryName(id, lang string) string {
	for _, c := range p.Categories {
		if c.ID == id {
			return c.Name(lang)
		}
	}
	return id
}

func (p routingPage) DistrictName(id, lang string) string {
	for _, d := range p.Districts {
		if d.ID == id {
			return d.Title(lang)
		}
	}
	return id
}

func (p routingPage) DepartmentName(id, lang string) string {
	for _, d := range p.Departments {
		if d.ID == id {
			return d.Title(lang)
		}
	}
	return id
}

func (h *handler) routingRoutes(rt *web.Router) {
	rt.Handle("GET /m/{slug}/appeals/routing", h.routingPage)
	rt.Handle("POST /m/{slug}/appeals/routing", h.setRoute)
	rt.Handle("POST /m/{slug}/appeals/routing/delete", h.deleteRoute)
	rt.Handle("GET /api/v1/municipalities/{slug}/appeals/routes", h.apiRoutes)
	rt.Handle("POST /api/v1/municipalities/{slug}/appeals/routes", h.apiSetRoute)
}

func (h *handler) routingPage(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showRouting(w, r, http.StatusOK, newForm())
}

func (h *handler) showRouting(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	m, err := h.municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	p := routingPage{form: f, Muni: m, Questions: map[string]int{}, Saved: r.URL.Query().Get("saved") == "1"}
	if p.Routes, err = h.svc.RoutingTable(ctx, m.ID); err != nil {
		return err
	}
	if p.Categories, err = h.svc.Categories(ctx, m.ID); err != nil {
		return err
	}
	for _, c := range p.Categories {
		qs, err := h.svc.Questions(ctx, c.ID)
		if err != nil {
			return err
		}
		p.Questions[c.ID] = len(qs)
	}
	if p.Districts, err = h.svc.Districts(ctx, m.ID); err != nil {
		return err
	}
	if p.Departments, err = h.svc.places.Departments(ctx, m.ID); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "appeals/routing", p)
}

func (h *handler) setRoute(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := newForm()
	for _, k := range []string{"category_id", "district_id", "department_id"} {
		f.Values[k] = r.PostFormValue(k)
	}
	_, err = h.svc.SetRoute(r.Context(), m.ID, Route{CategoryID: f.Values["category_id"], DistrictID: f.Values["district_id"],
		DepartmentID: f.Values["department_id"]})
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showRouting(w, r, status, f)
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/appeals/routing?saved=1", http.StatusSeeOther)
	return nil
}

func (h *handler) deleteRoute(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteRoute(r.Context(), m.ID, r.PostFormValue("category_id"), r.PostFormValue("district_id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/appeals/routing?saved=1", http.StatusSeeOther)
	return nil
}

func (h *handler) apiRoutes(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	rs, err := h.svc.RoutingTable(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.List[Route]{Items: rs})
}

func (h *handler) apiSetRoute(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in struct {
		CategoryID   string `json:"category_id"`
		DistrictID   string `json:"district_id"`
		DepartmentID string `json:"department_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rt, err := h.svc.SetRoute(r.Context(), m.ID, Route{CategoryID: in.CategoryID, DistrictID: in.DistrictID, DepartmentID: in.DepartmentID})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rt)
}
