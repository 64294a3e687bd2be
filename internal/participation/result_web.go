package participation

import (
	"io"
	"net/http"
	"strconv"
	"time"

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
	rt.Handle("GET /participation/results/photos/{id}", h.resultPhoto)
	rt.Handle("GET /m/{slug}/participation/{process}/export.csv", h.exportCSV)
	rt.Handle("GET /m/{slug}/participation/{process}/export.json", h.exportJSON)
	rt.Handle("GET /api/v1/participation/processes/{id}/export.csv", h.exportCSV)
	rt.Handle("GET /api/v1/participation/processes/{id}/export.json", h.exportJSON)
	rt.Handle("GET /api/v1/participation/results/{id}", h.apiResult)
	rt.Handle("POST /api/v1/participation/processes/{id}/results", h.apiCreateResult)
	rt.Handle("PUT /api/v1/participation/results/{id}", h.apiUpdateResult)
	rt.Handle("POST /api/v1/participation/results/{id}/milestones", h.apiAddMilestone)
	rt.Handle("PUT /api/v1/participation/results/{id}/milestones/{milestone}", h.apiMarkMilestone)
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
	Muni    Place
	Process Process
	Result  Result
	Staff   bool
}

func (h *handler) resultPage(w http.ResponseWriter, r *http.Request) error {
	res, err := h.svc.Result(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := h.svc.municipality(r.Context(), res.TenantID)
	if err != nil {
		return err
	}
	p, err := h.svc.Process(r.Context(), res.ProcessID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/result", resultView{Muni: m, Process: p, Result: res,
		Staff: auth.From(r.Context()).Can(auth.RoleOperator, m.Path)})
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

func (h *handler) apiCreateResult(w http.ResponseWriter, r *http.Request) error {
	var in ResultInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := h.svc.CreateResult(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, res)
}

func (h *handler) apiUpdateResult(w http.ResponseWriter, r *http.Request) error {
	var in ResultUpdate
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := h.svc.UpdateResult(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, res)
}

func (h *handler) apiAddMilestone(w http.ResponseWriter, r *http.Request) error {
	var in MilestoneInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := h.svc.AddMilestone(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, m)
}

func (h *handler) apiMarkMilestone(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Done bool `json:"done"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := h.svc.MarkMilestone(r.Context(), r.PathValue("id"), r.PathValue("milestone"), in.Done)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, m)
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
