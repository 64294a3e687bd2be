package participation

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// ResultRoutes mounts accountability and open data: the public list of a
// municipality's results (filtered by status) and a result's page with
// milestones and photos; the officials' JSON API that keeps them; and a
// process's open-data export as CSV and JSON.
func ResultRoutes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render}
	rt.HandlePublic("GET /m/{slug}/participation/results", h.resultsList)
	rt.Handle("GET /participation/results/{id}", h.resultPage)
	rt.Handle("GET /participation/results/for", h.resultFor)
	rt.Handle("POST /participation/results/{id}", h.formUpdateResult)
	rt.Handle("POST /participation/results/{id}/milestones", h.formAddMilestone)
	rt.Handle("POST /participation/results/{id}/milestones/{milestone}", h.formMarkMilestone)
	rt.HandleBody("POST /participation/results/{id}/photos", MaxPhotoBytes+64<<10, h.formAddPhoto)
	rt.Handle("GET /participation/results/photos/{id}", h.resultPhoto)
	rt.Handle("GET /m/{slug}/participation/{process}/export.csv", h.exportCSV)
	rt.Handle("GET /m/{slug}/participation/{process}/export.json", h.exportJSON)
	rt.Handle("GET /api/v1/participation/processes/{id}/export.csv", h.exportCSV)
	rt.Handle("GET /api/v1/participation/processes/{id}/export.json", h.exportJSON)
	rt.Handle("GET /api/v1/participation/results/{id}", h.apiResult)
	rt.Handle("POST /api/v1/participation/processes/{id}/results", web.JSONCall(http.StatusCreated,
		func(r *http.Request, in ResultInput) (Result, error) {
			return h.svc.CreateResult(r.Context(), r.PathValue("id"), in)
		}))
	rt.Handle("PUT /api/v1/participation/results/{id}", web.JSONCall(http.StatusOK,
		func(r *http.Request, in ResultUpdate) (Result, error) {
			return h.svc.UpdateResult(r.Context(), r.PathValue("id"), in)
		}))
	rt.Handle("POST /api/v1/participation/results/{id}/milestones", web.JSONCall(http.StatusCreated,
		func(r *http.Request, in MilestoneInput) (Milestone, error) {
			return h.svc.AddMilestone(r.Context(), r.PathValue("id"), in)
		}))
	rt.Handle("PUT /api/v1/participation/results/{id}/milestones/{milestone}", web.JSONCall(http.StatusOK,
		func(r *http.Request, in milestoneMark) (Milestone, error) {
			return h.svc.MarkMilestone(r.Context(), r.PathValue("id"), r.PathValue("milestone"), in.Done)
		}))
	rt.HandleBody("POST /api/v1/participation/results/{id}/photos", MaxPhotoBytes+1<<10, h.apiAddPhoto)
}

type accountView struct {
	Muni     Place
	Results  []Result
	Status   ResultStatus
	Statuses []ResultStatus
}

func (h *handler) resultsList(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	st := ResultStatus(r.URL.Query().Get("status"))
	rs, err := h.svc.Results(r.Context(), m.ID, ResultFilter{Status: st})
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/result_list", accountView{Muni: m, Results: rs, Status: st,
		Statuses: ResultStatuses()})
}

type resultView struct {
	*form
	Muni     Place
	Process  Process
	Result   Result
	Staff    bool // the officials' forms are shown
	Done     string
	Statuses []ResultStatus
}

func (h *handler) resultView(r *http.Request) (resultView, error) {
	res, err := h.svc.Result(r.Context(), r.PathValue("id"))
	if err != nil {
		return resultView{}, err
	}
	m, err := h.svc.municipality(r.Context(), res.TenantID)
	if err != nil {
		return resultView{}, err
	}
	p, err := h.svc.Process(r.Context(), res.ProcessID)
	if err != nil {
		return resultView{}, err
	}
	return resultView{form: newForm(), Muni: m, Process: p, Result: res, Statuses: ResultStatuses(),
		Staff: auth.From(r.Context()).Can(auth.RoleOperator, m.Path)}, nil
}

func (h *handler) resultPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.resultView(r)
	if err != nil {
		return err
	}
	switch d := r.URL.Query().Get("done"); d {
	case "saved", "milestone", "photo":
		v.Done = "participation.result.done." + d
	}
	return h.render.Page(w, r, http.StatusOK, "participation/result", v)
}

// afterResultForm sends an official back to the result page, or shows it
// again with the refusal; section names the form the errors belong to.
func (h *handler) afterResultForm(w http.ResponseWriter, r *http.Request, v resultView, section string, err error, done string) error {
	if err == nil {
		http.Redirect(w, r, "/participation/results/"+v.Result.ID+"?done="+done, http.StatusSeeOther)
		return nil
	}
	status, ferr := v.fail(err)
	if ferr != nil {
		return ferr
	}
	v.Values["section"] = section
	if t, ok := v.Errors["title"]; ok && section == "milestone" { // the milestone's title, not the result's
		delete(v.Errors, "title")
		v.Errors["milestone_title"] = t
	}
	return h.render.Page(w, r, status, "participation/result", v)
}

func (h *handler) formUpdateResult(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.resultView(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	in := ResultUpdate{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Status: ResultStatus(r.PostFormValue("status")), Budget: v.Result.Budget}
	for _, k := range []string{"title", "description", "status", "progress", "spent", "budget"} {
		v.Values[k] = r.PostFormValue(k)
	}
	bad := map[string]string{}
	if in.Progress, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("progress"))); err != nil {
		bad["progress"] = "participation.result.field.progress"
	}
	if in.Spent, err = pb.ParseRoubles(strings.ReplaceAll(r.PostFormValue("spent"), " ", "")); err != nil {
		bad["spent_kopecks"] = "participation.field.money"
	}
	if v.Result.ProjectID == "" {
		if in.Budget, err = pb.ParseRoubles(strings.ReplaceAll(r.PostFormValue("budget"), " ", "")); err != nil {
			bad["budget_kopecks"] = "participation.field.money"
		}
	}
	if len(bad) > 0 {
		err = invalid("result-invalid", bad)
	} else {
		_, err = h.svc.UpdateResult(r.Context(), v.Result.ID, in)
	}
	return h.afterResultForm(w, r, v, "edit", err, "saved")
}

func (h *handler) formAddMilestone(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.resultView(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	in := MilestoneInput{Title: r.PostFormValue("title"), Due: r.PostFormValue("due")}
	v.Values["milestone_title"], v.Values["due"] = in.Title, in.Due
	_, err = h.svc.AddMilestone(r.Context(), v.Result.ID, in)
	return h.afterResultForm(w, r, v, "milestone", err, "milestone")
}

func (h *handler) formMarkMilestone(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.resultView(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	_, err = h.svc.MarkMilestone(r.Context(), v.Result.ID, r.PathValue("milestone"), r.PostFormValue("done") == "1")
	return h.afterResultForm(w, r, v, "milestone", err, "milestone")
}

func (h *handler) formAddPhoto(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.resultView(r)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("photo")
	if err != nil {
		return h.afterResultForm(w, r, v, "photo", invalid("photo-invalid", map[string]string{"photo": "participation.result.field.photo_empty"}), "")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
	if err != nil {
		return err
	}
	v.Values["caption"] = r.PostFormValue("caption")
	_, err = h.svc.AddPhoto(r.Context(), v.Result.ID, data, r.PostFormValue("caption"))
	return h.afterResultForm(w, r, v, "photo", err, "photo")
}

// resultFor sends the proposal and budget pages on to the result of a
// project (?project=) or a proposal (?proposal=).
func (h *handler) resultFor(w http.ResponseWriter, r *http.Request) error {
	res, err := h.svc.ResultFor(r.Context(), r.URL.Query().Get("project"), r.URL.Query().Get("proposal"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/participation/results/"+res.ID, http.StatusSeeOther)
	return nil
}

func (h *handler) resultPhoto(w http.ResponseWriter, r *http.Request) error {
	p, data, err := h.svc.Photo(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", p.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(data)
	return err
}

// openData reads the open data of the process {process} of the
// municipality {slug}, or of the process {id} on the API route.
func (h *handler) openData(r *http.Request) (OpenData, error) {
	if id := r.PathValue("id"); id != "" {
		return h.svc.OpenData(r.Context(), id)
	}
	_, p, err := h.process(r)
	if err != nil {
		return OpenData{}, err
	}
	return h.svc.OpenData(r.Context(), p.ID)
}

func (h *handler) exportCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.openData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Process.Slug+`-`+d.Generated.Format(time.DateOnly)+`.csv"`)
	return d.WriteCSV(w)
}

func (h *handler) exportJSON(w http.ResponseWriter, r *http.Request) error {
	d, err := h.openData(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d)
}

func (h *handler) apiResult(w http.ResponseWriter, r *http.Request) error {
	res, err := h.svc.Result(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, res)
}

// milestoneMark is the body of a milestone's mark.
type milestoneMark struct {
	Done bool `json:"done"`
}

// apiAddPhoto takes the image as the raw request body; ?caption= names it.
func (h *handler) apiAddPhoto(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxPhotoBytes+1))
	if err != nil {
		return err
	}
	p, err := h.svc.AddPhoto(r.Context(), r.PathValue("id"), data, r.URL.Query().Get("caption"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, p)
}
