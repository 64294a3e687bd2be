package monitoring

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// MaxImportBytes is the largest CSV an official may import.
const MaxImportBytes = 2 << 20

// PollSeconds is how often the situation centre asks for news.
const PollSeconds = 5

type handler struct {
	svc    *Service
	render *web.Renderer
	cat    *i18n.Catalog
	pdf    PDF
}

// PDF writes a report as a PDF document; the app wires the platform's
// PDF writer. Without one the PDF link is not offered.
type PDF interface {
	Report(w http.ResponseWriter, r *http.Request, rep Report, lang string) error
}

// Routes mounts the public pages (what is happening, indicators, region
// comparison, reports), the officials' situation centre and indicator
// entry, and the JSON API.
func Routes(rt *web.Router, render *web.Renderer, svc *Service, cat *i18n.Catalog, pdf PDF) {
	h := &handler{svc: svc, render: render, cat: cat, pdf: pdf}
	rt.HandlePublic("GET /m/{slug}/now", h.now)
	rt.Handle("GET /m/{slug}/situation", h.situation)
	rt.Handle("GET /api/v1/municipalities/{slug}/situation", h.situationJSON)
	rt.HandlePublic("GET /m/{slug}/indicators", h.indicators)
	rt.HandlePublic("GET /m/{slug}/indicators/region", h.region)
	rt.Handle("GET /m/{slug}/indicators/report.xlsx", h.xlsx)
	rt.Handle("GET /m/{slug}/indicators/report.pdf", h.pdfReport)
	rt.Handle("GET /api/v1/municipalities/{slug}/indicators", h.indicatorsJSON)
	rt.Handle("GET /m/{slug}/indicators/edit", h.edit)
	rt.Handle("POST /m/{slug}/indicators/values", h.setValue)
	rt.HandleBody("POST /m/{slug}/indicators/import", MaxImportBytes, h.importValues)
	rt.Handle("POST /m/{slug}/indicators/compute", h.compute)
}

// nowView is the public page's data.
type nowView struct {
	Now
	numbers
	CanWatch bool // staff: link to the situation centre
}

func (h *handler) now(w http.ResponseWriter, r *http.Request) error {
	n, err := h.svc.Now(r.Context(), r.PathValue("slug"), web.Lang(r.Context()))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "monitoring/now",
		nowView{Now: n, CanWatch: auth.From(r.Context()).Can(auth.RoleOperator, n.Municipality.Path)})
}

// situationView is the situation centre's first paint; the script then
// polls the JSON.
type situationView struct {
	Situation
	numbers
	JSON     string
	Poll     int
	CanAdmin bool
}

func (h *handler) situation(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	st, err := h.svc.Situation(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	h.titles(&st, web.Lang(r.Context()))
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.render.Page(w, r, http.StatusOK, "monitoring/situation", situationView{Situation: st, JSON: string(b), Poll: PollSeconds,
		CanAdmin: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, st.Municipality.Path)})
}

// situationJSON is the situation centre's data. ?since=N answers 204
// when nothing was committed since generation N.
func (h *handler) situationJSON(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if s := r.URL.Query().Get("since"); s != "" {
		since, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return invalid(map[string]string{"since": "monitoring.error.since"})
		}
		if since == h.svc.Generation() {
			// Still check access, so a poll cannot probe a municipality.
			if _, err := h.svc.staff(r.Context(), r.PathValue("slug"), auth.RoleOperator); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
	}
	st, err := h.svc.Situation(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	h.titles(&st, web.Lang(r.Context()))
	return web.JSON(w, http.StatusOK, st)
}

// titles names the alarms in lang, with the metering domain's words for
// their kinds when the catalog has them.
func (h *handler) titles(st *Situation, lang string) {
	l := h.cat.Localizer(lang)
	for i, a := range st.Alarms {
		kind := a.Kind
		if h.cat.Has(lang, "metering.alarm.kind."+kind) {
			kind = l.T("metering.alarm.kind." + kind)
		}
		st.Alarms[i].Title = kind + " — " + a.Target
	}
}

// yearParam reads ?year (default: the last full year).
func (h *handler) yearParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return h.svc.now().Year() - 1, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, invalid(map[string]string{"year": "monitoring.error.year"})
	}
	return y, nil
}

// setParam reads ?set: "607", "platform" or "" for all.
func setParam(r *http.Request) (string, error) {
	switch s := r.URL.Query().Get("set"); s {
	case "", "607", "platform":
		return s, nil
	}
	return "", invalid(map[string]string{"set": "monitoring.error.set"})
}

type indicatorsView struct {
	Report
	numbers
	CanManage bool
	PDF       bool
	Query     string
}

func (h *handler) report(r *http.Request) (Report, error) {
	y, err := h.yearParam(r)
	if err != nil {
		return Report{}, err
	}
	set, err := setParam(r)
	if err != nil {
		return Report{}, err
	}
	return h.svc.Report(r.Context(), r.PathValue("slug"), y, set)
}

func (h *handler) indicators(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	q := url.Values{"year": {strconv.Itoa(rep.Year)}}
	if rep.Set != "" {
		q.Set("set", rep.Set)
	}
	return h.render.Page(w, r, http.StatusOK, "monitoring/indicators", indicatorsView{Report: rep, PDF: h.pdf != nil, Query: q.Encode(),
		CanManage: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, rep.Municipality.Path)})
}

func (h *handler) indicatorsJSON(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	type row struct {
		Code   string     `json:"code"`
		Name   string     `json:"name"`
		Unit   string     `json:"unit"`
		Better Better     `json:"better"`
		Actual []*float64 `json:"actual"`
		Plan   []*float64 `json:"plan"`
		Target *float64   `json:"target"`
	}
	lang := web.Lang(r.Context())
	out := struct {
		Municipality string `json:"municipality"`
		Year         int    `json:"year"`
		Years        []int  `json:"years"`
		PlanYears    []int  `json:"plan_years"`
		Rows         []row  `json:"indicators"`
	}{Municipality: rep.Municipality.Slug, Year: rep.Year, Years: rep.Years, PlanYears: rep.PlanYears, Rows: []row{}}
	for _, x := range rep.Rows {
		out.Rows = append(out.Rows, row{Code: x.Indicator.Code, Name: x.Indicator.Name(lang), Unit: x.Indicator.Unit(lang),
			Better: x.Indicator.Better, Actual: x.Actual, Plan: x.Plan, Target: x.Target})
	}
	return web.JSON(w, http.StatusOK, out)
}

type regionView struct {
	Region
	numbers
	Chart   string // uPlot data for metering-charts.js
	Options []Indicator
}

func (h *handler) region(w http.ResponseWriter, r *http.Request) error {
	y, err := h.yearParam(r)
	if err != nil {
		return err
	}
	code := r.URL.Query().Get("code")
	if code == "" {
		code = "607.37"
	}
	rg, err := h.svc.Region(r.Context(), r.PathValue("slug"), code, y)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "monitoring/region", regionView{Region: rg, Chart: chartJSON(rg, web.Lang(r.Context())),
		Options: h.svc.catalog.All()})
}

// chartJSON is the trend for metering-charts.js: {"x": [unix seconds of
// each year's start], "y": [[per series]], "names": [...], "unit": "…"}.
func chartJSON(rg Region, lang string) string {
	if len(rg.Years) < 2 || len(rg.Series) == 0 {
		return ""
	}
	d := struct {
		X     []int64      `json:"x"`
		Y     [][]*float64 `json:"y"`
		Names []string     `json:"names"`
		Unit  string       `json:"unit"`
	}{Unit: rg.Indicator.Unit(lang)}
	for _, y := range rg.Years {
		d.X = append(d.X, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	}
	for _, s := range rg.Series {
		d.Y = append(d.Y, s.Values)
		d.Names = append(d.Names, s.Name)
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// editView is the officials' entry page.
type editView struct {
	Report
	numbers
	Saved    string
	Imported int
	Computed int
	Error    string            // message key for the whole form
	Fields   map[string]string // field -> message key
	Lines    []ImportError
	Input    ValueInput
}

func (h *handler) edit(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v := editView{Saved: r.URL.Query().Get("saved")}
	v.Imported, _ = strconv.Atoi(r.URL.Query().Get("imported"))
	v.Computed, _ = strconv.Atoi(r.URL.Query().Get("computed"))
	return h.editWith(w, r, http.StatusOK, v)
}

func (h *handler) editWith(w http.ResponseWriter, r *http.Request, status int, v editView) error {
	if _, err := h.svc.staff(r.Context(), r.PathValue("slug"), auth.RoleMunicipalAdmin); err != nil {
		return err
	}
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	v.Report = rep
	if v.Input.Kind == "" {
		v.Input.Kind = Actual
	}
	return h.render.Page(w, r, status, "monitoring/edit", v)
}

// formError renders the entry page again with the fields' messages when
// err is invalid input, and returns any other error as it is.
func (h *handler) formError(w http.ResponseWriter, r *http.Request, err error, v editView) error {
	f, ok := fault.As(err)
	if !ok || !errors.Is(err, fault.ErrInvalid) {
		return err
	}
	v.Fields, v.Error = f.Fields, "monitoring.error.form"
	return h.editWith(w, r, http.StatusUnprocessableEntity, v)
}

func (h *handler) back(w http.ResponseWriter, r *http.Request, year, param string, n int) {
	q := url.Values{"year": {year}, param: {strconv.Itoa(n)}}
	http.Redirect(w, r, "/m/"+r.PathValue("slug")+"/indicators/edit?"+q.Encode(), http.StatusSeeOther)
}

func (h *handler) setValue(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	in := ValueInput{Code: r.PostFormValue("code"), Period: r.PostFormValue("period"), Kind: r.PostFormValue("kind"),
		Value: r.PostFormValue("value"), Note: r.PostFormValue("note")}
	v, err := h.svc.SetValue(r.Context(), r.PathValue("slug"), in)
	if err != nil {
		return h.formError(w, r, err, editView{Input: in})
	}
	q := url.Values{"year": {r.URL.Query().Get("year")}, "saved": {v.Code + " " + v.Period}}
	if q.Get("year") == "" {
		q.Set("year", strconv.Itoa(h.svc.now().Year()-1))
	}
	http.Redirect(w, r, "/m/"+r.PathValue("slug")+"/indicators/edit?"+q.Encode(), http.StatusSeeOther)
	return nil
}

func (h *handler) importValues(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return h.formError(w, r, invalid(map[string]string{"file": "monitoring.error.file"}), editView{})
	}
	defer f.Close()
	res, err := h.svc.Import(r.Context(), r.PathValue("slug"), f)
	if err != nil {
		return h.formError(w, r, err, editView{})
	}
	if len(res.Errors) > 0 {
		return h.editWith(w, r, http.StatusUnprocessableEntity, editView{Error: "monitoring.import.refused", Lines: res.Errors})
	}
	h.back(w, r, r.URL.Query().Get("year"), "imported", res.Stored)
	return nil
}

func (h *handler) compute(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	vals, err := h.svc.Compute(r.Context(), r.PathValue("slug"), r.PostFormValue("period"))
	if err != nil {
		return h.formError(w, r, err, editView{})
	}
	h.back(w, r, r.URL.Query().Get("year"), "computed", len(vals))
	return nil
}
