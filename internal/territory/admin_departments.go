package territory

import (
	"net/http"
	"net/url"

	"github.com/muni-platform/muni/internal/platform/auth"
)

type departmentsView struct {
	Muni        Node
	Departments []Department
	Editing     *Department // the department the form edits; nil: the form creates
	Form        form
	Notice      string // i18n key of what the last action did
}

// adminDepartments lists a municipality's departments with a form to add one.
func (h *handler) adminDepartments(w http.ResponseWriter, r *http.Request) error {
	v, err := h.departmentsView(w, r)
	if err != nil || v == nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "territory/admin_departments", v)
}

// adminDepartmentCreate adds a department.
func (h *handler) adminDepartmentCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := h.departmentsView(w, r)
	if err != nil || v == nil {
		return err
	}
	_, err = h.svc.CreateDepartment(r.Context(), v.Muni.ID, postedDepartment(r))
	return h.afterDepartmentChange(w, r, v, err, "created")
}

// adminDepartmentEdit shows the list with the form filled for one department.
func (h *handler) adminDepartmentEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.departmentsView(w, r)
	if err != nil || v == nil {
		return err
	}
	d := v.Editing
	for name, val := range map[string]string{"name_ru": d.NameRU, "name_en": d.NameEN, "code": d.Code, "email": d.Email,
		"phone": d.Phone, "description": d.Description, "description_en": d.DescriptionEN} {
		v.Form.set(name, val)
	}
	return h.render.Page(w, r, http.StatusOK, "territory/admin_departments", v)
}

// adminDepartmentUpdate saves the edit form.
func (h *handler) adminDepartmentUpdate(w http.ResponseWriter, r *http.Request) error {
	v, err := h.departmentsView(w, r)
	if err != nil || v == nil {
		return err
	}
	in := postedDepartment(r)
	p := DepartmentPatch{Code: &in.Code, NameRU: &in.NameRU, NameEN: &in.NameEN, Email: &in.Email, Phone: &in.Phone,
		Description: &in.Description, DescriptionEN: &in.DescriptionEN}
	_, err = h.svc.UpdateDepartment(r.Context(), v.Editing.ID, p)
	return h.afterDepartmentChange(w, r, v, err, "saved")
}

// adminDepartmentDelete removes a department.
func (h *handler) adminDepartmentDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := h.departmentsView(w, r)
	if err != nil || v == nil {
		return err
	}
	if err := h.svc.DeleteDepartment(r.Context(), v.Editing.ID); err != nil {
		return err
	}
	http.Redirect(w, r, departmentsURL(v.Muni)+"?done=deleted", http.StatusSeeOther)
	return nil
}

// afterDepartmentChange redirects after a success and re-renders the form
// with its messages after a refused input.
func (h *handler) afterDepartmentChange(w http.ResponseWriter, r *http.Request, v *departmentsView, err error, done string) error {
	if err == nil {
		http.Redirect(w, r, departmentsURL(v.Muni)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	if !v.Form.fill(r, err) {
		return err
	}
	return h.render.Page(w, r, http.StatusUnprocessableEntity, "territory/admin_departments", v)
}

// departmentsView checks that the actor administers the municipality and
// reads what the page shows. A nil view with a nil error means the
// visitor was sent to sign in.
func (h *handler) departmentsView(w http.ResponseWriter, r *http.Request) (*departmentsView, error) {
	if ok, err := staff(w, r); !ok {
		return nil, err
	}
	ctx := r.Context()
	m, err := h.municipalityBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !auth.From(ctx).Can(auth.RoleMunicipalAdmin, m.Path) {
		return nil, ErrForbidden
	}
	v := &departmentsView{Muni: m, Form: departmentForm()}
	if v.Departments, err = h.svc.Departments(ctx, m.ID); err != nil {
		return nil, err
	}
	if id := r.PathValue("id"); id != "" {
		d, err := h.svc.Department(ctx, id)
		if err != nil {
			return nil, err
		}
		if d.MuniID != m.ID {
			return nil, ErrNotFound
		}
		v.Editing = &d
	}
	switch r.URL.Query().Get("done") {
	case "created", "saved", "deleted":
		v.Notice = "territory.department.done." + r.URL.Query().Get("done")
	}
	return v, nil
}

func departmentsURL(m Node) string { return "/admin/m/" + url.PathEscape(m.Slug) + "/departments" }
