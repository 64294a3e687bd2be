package services

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

func adminRoutes(rt *web.Router, h *handler) {
	rt.Handle("GET /admin/m/{slug}/services", h.adminList)
	rt.Handle("GET /admin/m/{slug}/services/new", h.adminNew)
	rt.Handle("POST /admin/m/{slug}/services", h.adminCreate)
	rt.Handle("GET /admin/m/{slug}/services/{code}", h.adminEdit)
	rt.Handle("POST /admin/m/{slug}/services/{code}", h.adminUpdate)
}

// adminMuni returns the municipality an administrator manages, or
// ErrForbidden.
func (h *handler) adminMuni(r *http.Request) (Municipality, error) {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return m, err
	}
	if !canManage(auth.From(r.Context()), m) {
		return m, ErrForbidden
	}
	return m, nil
}

// adminListPage is the catalogue as its administrators see it.
type adminListPage struct {
	Muni    Municipality
	Entries []Entry
	Depts   map[string]string
}

func (h *handler) adminList(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	es, err := h.svc.Catalogue(r.Context(), m.ID, "")
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/admin", adminListPage{Muni: m, Entries: es, Depts: h.departmentNames(r, m.ID)})
}

// editPage is the form of one catalogue entry.
type editPage struct {
	Muni   Municipality
	New    bool
	Values map[string]string
	Errors map[string]string
	Alert  string
	Depts  []Department
	Saved  bool
}

// entryValues are an entry's fields as the form shows them.
func entryValues(e Entry) map[string]string {
	form, _ := json.MarshalIndent(nonNil(e.Form), "", "  ")
	reasons, _ := json.MarshalIndent(nonNil(e.Reasons), "", "  ")
	v := map[string]string{"code": e.Code, "name_ru": e.NameRU, "name_en": e.NameEN, "description_ru": e.DescriptionRU,
		"description_en": e.DescriptionEN, "department_id": e.DepartmentID, "legal_basis": e.LegalBasis,
		"term_days": strconv.Itoa(e.Term.Days), "fee": strconv.FormatFloat(e.Fee(), 'f', 2, 64),
		"documents_ru": strings.Join(e.DocumentsRU, "\n"), "documents_en": strings.Join(e.DocumentsEN, "\n"),
		"result_ru": e.ResultRU, "result_en": e.ResultEN, "form": string(form), "reasons": string(reasons)}
	for k, b := range map[string]bool{"term_working": e.Term.Working, "term_suspends": e.Term.Suspends,
		"extraterritorial": e.Extraterritorial, "active": e.Active} {
		if b {
			v[k] = "on"
		}
	}
	return v
}

// parseEntry reads the editor's form; fields that do not parse get their
// message.
func parseEntry(r *http.Request) (Entry, map[string]string, map[string]string) {
	v := map[string]string{}
	for _, k := range []string{"code", "name_ru", "name_en", "description_ru", "description_en", "department_id", "legal_basis",
		"term_days", "fee", "documents_ru", "documents_en", "result_ru", "result_en", "form", "reasons",
		"term_working", "term_suspends", "extraterritorial", "active"} {
		v[k] = r.PostFormValue(k)
	}
	errs := map[string]string{}
	e := Entry{Code: v["code"], NameRU: v["name_ru"], NameEN: v["name_en"], DescriptionRU: v["description_ru"],
		DescriptionEN: v["description_en"], DepartmentID: v["department_id"], LegalBasis: v["legal_basis"],
		DocumentsRU: strings.Split(v["documents_ru"], "\n"), DocumentsEN: strings.Split(v["documents_en"], "\n"),
		ResultRU: v["result_ru"], ResultEN: v["result_en"], Term: Term{Working: v["term_working"] != "", Suspends: v["term_suspends"] != ""},
		Extraterritorial: v["extraterritorial"] != "", Active: v["active"] != ""}
	var err error
	if e.Term.Days, err = strconv.Atoi(strings.TrimSpace(v["term_days"])); err != nil {
		errs["term_days"] = "services.admin.term_invalid"
	}
	fee, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v["fee"]), ",", "."), 64)
	if v["fee"] == "" {
		fee, err = 0, nil
	}
	if err != nil || fee < 0 || fee > 1e9 {
		errs["fee"] = "services.admin.fee_invalid"
	}
	e.FeeKopecks = int64(math.Round(fee * 100))
	if e.Form, err = ParseForm([]byte(orDefault(v["form"], "[]"))); err != nil {
		errs["form"] = "services.admin.form_invalid"
	}
	if err := json.Unmarshal([]byte(orDefault(v["reasons"], "[]")), &e.Reasons); err != nil {
		errs["reasons"] = "services.admin.reasons_invalid"
	}
	return e, v, errs
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

func (h *handler) adminNew(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	deps, err := h.svc.Departments(r.Context(), m.ID)
	if err != nil {
		return err
	}
	v := entryValues(Entry{Term: Term{Days: 10, Working: true}, Active: true})
	return h.render.Page(w, r, http.StatusOK, "services/admin_edit", editPage{Muni: m, New: true, Values: v, Errors: map[string]string{}, Depts: deps})
}

func (h *handler) adminEdit(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	e, err := h.svc.Entry(r.Context(), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	deps, err := h.svc.Departments(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/admin_edit", editPage{Muni: m, Values: entryValues(e),
		Errors: map[string]string{}, Depts: deps, Saved: r.URL.Query().Get("saved") == "1"})
}

func (h *handler) adminCreate(w http.ResponseWriter, r *http.Request) error {
	return h.adminWrite(w, r, true)
}

func (h *handler) adminUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.adminWrite(w, r, false)
}

func (h *handler) adminWrite(w http.ResponseWriter, r *http.Request, create bool) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	e, vals, errs := parseEntry(r)
	if !create {
		e.Code, vals["code"] = r.PathValue("code"), r.PathValue("code")
	}
	if len(errs) == 0 {
		if create {
			_, err = h.svc.CreateEntry(r.Context(), m.ID, e)
		} else {
			_, err = h.svc.UpdateEntry(r.Context(), m.ID, e)
		}
		if err == nil {
			http.Redirect(w, r, "/admin/m/"+m.Slug+"/services/"+e.Code+"?saved=1", http.StatusSeeOther)
			return nil
		}
		fields, _, _, ok := refusal(err)
		if !ok {
			return err
		}
		errs = fields
	}
	deps, derr := h.svc.Departments(r.Context(), m.ID)
	if derr != nil {
		return derr
	}
	return h.render.Page(w, r, http.StatusBadRequest, "services/admin_edit", editPage{Muni: m, New: create, Values: vals,
		Errors: errs, Alert: "services.form.fix", Depts: deps})
}

// Inputs, Checks and Areas name the editor's one-line fields, check boxes
// and text areas, in the order the form shows them.
func (editPage) Inputs() []string {
	return []string{"code", "name_ru", "name_en", "legal_basis", "result_ru", "result_en", "term_days", "fee"}
}

// Checks are the editor's check boxes.
func (editPage) Checks() []string {
	return []string{"term_working", "term_suspends", "extraterritorial", "active"}
}

// Areas are the editor's text areas; form and reasons are JSON.
func (editPage) Areas() []string {
	return []string{"description_ru", "description_en", "documents_ru", "documents_en", "form", "reasons"}
}
