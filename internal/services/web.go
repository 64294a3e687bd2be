package services

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// UploadLimit is the largest body of a form that carries files: every
// file field at its default limit, and some room for the values.
const UploadLimit = 6*DefaultFileMaxBytes + 1<<20

type handler struct {
	svc    *Service
	render *web.Renderer
	cat    *i18n.Catalog
}

// Routes mounts the public catalogue and statistics, the residents'
// application pages, the officials' steps, the catalogue's administration
// and the JSON API.
func Routes(rt *web.Router, render *web.Renderer, svc *Service, cat *i18n.Catalog) {
	h := &handler{svc: svc, render: render, cat: cat}
	rt.HandlePublic("GET /m/{slug}/services", h.catalogue)
	rt.HandlePublic("GET /m/{slug}/services/stats", h.stats)
	rt.HandlePublic("GET /m/{slug}/services/{code}", h.entry)
	rt.Handle("POST /m/{slug}/services/{code}/apply", h.apply)
	rt.Handle("GET /services/mine", h.mine)
	rt.Handle("GET /services/applications/{id}", h.show)
	rt.Handle("GET /services/applications/{id}/edit", h.edit)
	rt.HandleBody("POST /services/applications/{id}/edit", UploadLimit, h.save)
	rt.HandleBody("POST /services/applications/{id}/provide", UploadLimit, h.provide)
	rt.Handle("POST /services/applications/{id}/act", h.act)
	rt.Handle("GET /services/applications/{id}/files/{field}", h.file)
	rt.Handle("GET /services/applications/{id}/result.pdf", h.result)
	adminRoutes(rt, h)
	apiRoutes(rt, h)
}

// catalogPage is a municipality's catalogue, searched.
type catalogPage struct {
	Muni    Municipality
	Query   string
	Entries []Entry
	Depts   map[string]string
}

func (h *handler) departmentNames(r *http.Request, muniID string) map[string]string {
	out := map[string]string{}
	deps, err := h.svc.Departments(r.Context(), muniID)
	if err != nil {
		return out
	}
	for _, d := range deps {
		out[d.ID] = pick(d.Name, d.NameEN, r.Context())
	}
	return out
}

func (h *handler) catalogue(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	es, err := h.svc.Catalogue(r.Context(), m.ID, q)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/catalog", catalogPage{Muni: m, Query: q, Entries: es, Depts: h.departmentNames(r, m.ID)})
}

// entryPage is one service of the catalogue.
type entryPage struct {
	Muni       Municipality
	Entry      Entry
	Department string
	Alert      string
}

func (h *handler) entry(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	e, err := h.svc.Entry(r.Context(), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/entry", entryPage{Muni: m, Entry: e, Department: h.departmentNames(r, m.ID)[e.DepartmentID]})
}

// apply starts a draft for the signed-in resident and opens its form.
func (h *handler) apply(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	app, err := h.svc.Start(r.Context(), m.ID, r.PathValue("code"))
	if errors.Is(err, fault.ErrForbidden) {
		e, eerr := h.svc.Entry(r.Context(), m.ID, r.PathValue("code"))
		if eerr != nil {
			return err
		}
		key := "error.forbidden"
		if fe, ok := fault.As(err); ok {
			key = fe.Key
		}
		return h.render.Page(w, r, http.StatusForbidden, "services/entry", entryPage{Muni: m, Entry: e, Alert: key,
			Department: h.departmentNames(r, m.ID)[e.DepartmentID]})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/services/applications/"+app.ID+"/edit", http.StatusSeeOther)
	return nil
}

// minePage lists the resident's applications.
type minePage struct {
	Items []Application
	Now   time.Time
}

func (h *handler) mine(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	items, err := h.svc.Mine(r.Context())
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/mine", minePage{Items: items, Now: h.svc.now()})
}

// formPage is the draft's form: the entry's fields with their values and
// messages.
type formPage struct {
	App    Application
	Entry  Entry
	Muni   Municipality
	Values Values
	Errors map[string]string
	Alert  string
	Saved  bool
	Today  string
}

func (h *handler) formPage(r *http.Request, app Application) (formPage, error) {
	m, err := h.svc.municipality(r.Context(), app.TenantID)
	if err != nil {
		return formPage{}, err
	}
	e, err := h.svc.st.entry(r.Context(), app.ServiceID)
	if err != nil {
		return formPage{}, err
	}
	return formPage{App: app, Entry: e, Muni: m, Values: app.Values, Errors: map[string]string{},
		Today: h.svc.now().In(zone(m)).Format(time.DateOnly)}, nil
}

func (h *handler) edit(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	app, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if app.State != StateDraft || !isApplicant(auth.From(r.Context()), app) {
		http.Redirect(w, r, "/services/applications/"+app.ID, http.StatusSeeOther)
		return nil
	}
	p, err := h.formPage(r, app)
	if err != nil {
		return err
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	return h.render.Page(w, r, http.StatusOK, "services/form", p)
}

// formValues are the posted values of the form's fields.
func formValues(r *http.Request, fm Form) map[string]string {
	out := map[string]string{}
	for _, f := range fm {
		if f.Kind != KindFile {
			out[f.Code] = r.PostFormValue(f.Code)
		}
	}
	return out
}

// uploads reads the posted files of the named fields (at most one each);
// an empty file input sends nothing.
func uploads(r *http.Request, fields []string) ([]Upload, error) {
	var out []Upload
	if r.MultipartForm == nil {
		return nil, nil
	}
	for _, code := range fields {
		for _, fh := range r.MultipartForm.File[code] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(io.LimitReader(f, DefaultFileMaxBytes*4))
			_ = f.Close()
			if err != nil {
				return nil, err
			}
			out = append(out, Upload{Field: code, Name: fh.Filename, Data: data})
			break
		}
	}
	return out, nil
}

func fileCodes(fm Form) []string {
	var out []string
	for _, f := range fm.Files() {
		out = append(out, f.Code)
	}
	return out
}

// save stores the draft (the save button, or htmx's autosave as the
// resident types) or, with the submit button, sends the application.
func (h *handler) save(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	cleanup, err := web.ParseForm(r)
	defer cleanup()
	if err != nil {
		return err
	}
	app, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.formPage(r, app)
	if err != nil {
		return err
	}
	vals := formValues(r, p.Entry.Form)
	autosave := r.Header.Get("HX-Request") == "true"
	var ups []Upload
	if !autosave { // the autosave sends the typed values only; files go with a button
		if ups, err = uploads(r, fileCodes(p.Entry.Form)); err != nil {
			return err
		}
	}
	if r.PostFormValue("do") == "submit" && !autosave {
		_, err = h.svc.Submit(r.Context(), app.ID, vals, ups)
		if err == nil {
			http.Redirect(w, r, "/services/applications/"+app.ID+"?sent=1", http.StatusSeeOther)
			return nil
		}
	} else {
		_, err = h.svc.SaveDraft(r.Context(), app.ID, vals, ups)
		if err == nil && autosave {
			return h.savedNote(w, r)
		}
		if err == nil {
			http.Redirect(w, r, "/services/applications/"+app.ID+"/edit?saved=1", http.StatusSeeOther)
			return nil
		}
	}
	fields, alert, status, ok := refusal(err)
	if !ok {
		return err
	}
	if autosave { // the note in place of "saved" says the draft is not saved (htmx swaps only a 200)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		loc := h.cat.Localizer(web.Lang(r.Context()))
		_, werr := io.WriteString(w, `<span class="field-error">`+html.EscapeString(loc.T("services.form.not_saved"))+`</span>`)
		return werr
	}
	for k, v := range vals {
		p.Values[k] = v
	}
	p.Errors, p.Alert = fields, alert
	return h.render.Page(w, r, status, "services/form", p)
}

// savedNote answers htmx's autosave with the line that says when.
func (h *handler) savedNote(w http.ResponseWriter, r *http.Request) error {
	loc := h.cat.Localizer(web.Lang(r.Context()))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	at := time.Now().Format("15:04:05")
	_, err := io.WriteString(w, `<span>`+html.EscapeString(loc.T("services.form.autosaved", "Time", at))+`</span>`)
	return err
}

// showPage is one application: its state, values, files, history and the
// steps the viewer may take.
type showPage struct {
	App       Application
	Entry     Entry
	Muni      Municipality
	Applicant bool
	Staff     bool
	Steps     []Action
	Sent      bool
	Overdue   bool
	Projected time.Time // the deadline if the awaited document came now; zero while the term runs
	Errors    map[string]string
	Alert     string
	Failed    Action
	Note      string
}

// Can reports whether the page offers step act.
func (p showPage) Can(act string) bool {
	for _, s := range p.Steps {
		if string(s) == act {
			return true
		}
	}
	return false
}

func (h *handler) showData(r *http.Request, id string) (showPage, error) {
	app, err := h.svc.Application(r.Context(), id)
	if err != nil {
		return showPage{}, err
	}
	e, err := h.svc.st.entry(r.Context(), app.ServiceID)
	if err != nil {
		return showPage{}, err
	}
	m, err := h.svc.municipality(r.Context(), app.TenantID)
	if err != nil {
		return showPage{}, err
	}
	a := auth.From(r.Context())
	p := showPage{App: app, Entry: e, Muni: m, Applicant: isApplicant(a, app), Errors: map[string]string{},
		Staff: canStaff(a, app.TenantPath, app.DepartmentID, auth.RoleOperator), Overdue: app.Overdue(h.svc.now())}
	p.Projected, _ = h.svc.DueIfResumed(app, h.svc.now(), zone(m))
	if p.Staff {
		for _, act := range staffActions {
			if _, ok := Next(app.State, act); ok {
				p.Steps = append(p.Steps, act)
			}
		}
	}
	return p, nil
}

func (h *handler) show(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	p, err := h.showData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Sent = r.URL.Query().Get("sent") == "1"
	return h.render.Page(w, r, http.StatusOK, "services/show", p)
}

// failShow renders the application again with a step's input refused.
func (h *handler) failShow(w http.ResponseWriter, r *http.Request, act Action, err error) error {
	fields, alert, status, ok := refusal(err)
	if !ok {
		return err
	}
	p, perr := h.showData(r, r.PathValue("id"))
	if perr != nil {
		return perr
	}
	p.Failed, p.Note, p.Errors, p.Alert = act, r.PostFormValue("note"), fields, alert
	return h.render.Page(w, r, status, "services/show", p)
}

// refusal reads a refusal of the person's input or of a step the state
// does not allow: each field's message, the alert above the form and the
// status to render with. ok is false for any other error, which goes to
// the error page.
func refusal(err error) (fields map[string]string, alert string, status int, ok bool) {
	fe, ok := fault.As(err)
	if !ok || !errors.Is(err, fault.ErrInvalid) && !errors.Is(err, fault.ErrConflict) {
		return nil, "", 0, false
	}
	fields = map[string]string{}
	for k, v := range fe.Fields {
		fields[k] = v
	}
	alert = "services.form.fix"
	if fe.Key != "" && fe.Key != "error.invalid" {
		alert = fe.Key
	}
	status, _, _ = web.Classify(err)
	return fields, alert, status, true
}

func (h *handler) act(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	act := Action(r.PostFormValue("action"))
	_, err := h.svc.Act(r.Context(), r.PathValue("id"), Decision{Action: act, Note: r.PostFormValue("note"), Reason: r.PostFormValue("reason")})
	if err != nil {
		return h.failShow(w, r, act, err)
	}
	http.Redirect(w, r, "/services/applications/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (h *handler) provide(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	cleanup, err := web.ParseForm(r)
	defer cleanup()
	if err != nil {
		return err
	}
	app, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	e, err := h.svc.st.entry(r.Context(), app.ServiceID)
	if err != nil {
		return err
	}
	ups, err := uploads(r, fileCodes(e.Form))
	if err != nil {
		return err
	}
	if _, err := h.svc.Provide(r.Context(), app.ID, ups, r.PostFormValue("note")); err != nil {
		return h.failShow(w, r, ActProvide, err)
	}
	http.Redirect(w, r, "/services/applications/"+app.ID, http.StatusSeeOther)
	return nil
}

func (h *handler) file(w http.ResponseWriter, r *http.Request) error {
	f, data, err := h.svc.File(r.Context(), r.PathValue("id"), r.PathValue("field"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

func (h *handler) result(w http.ResponseWriter, r *http.Request) error {
	b, name, err := h.svc.Result(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", TypePDF)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
}

// statsPage is a municipality's public figures per service.
type statsPage struct {
	Muni  Municipality
	Stats []Stats
}

func (h *handler) stats(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	st, err := h.svc.Stats(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "services/stats", statsPage{Muni: m, Stats: st})
}

// Percent shows a share as a whole percentage.
func (statsPage) Percent(share float64) string { return strconv.Itoa(int(share*100 + 0.5)) }
