package services

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/web"
)

func apiRoutes(rt *web.Router, h *handler) {
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/services", h.apiCatalogue)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/services/stats", h.apiStats)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/services/{code}", h.apiEntry)
	rt.Handle("POST /api/v1/municipalities/{slug}/services/{code}/applications", h.apiApply)
	rt.Handle("GET /api/v1/services/applications/mine", h.apiMine)
	rt.Handle("GET /api/v1/services/applications/{id}", h.apiApplication)
}

func (h *handler) apiCatalogue(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	es, err := h.svc.Catalogue(r.Context(), m.ID, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"services": es})
}

func (h *handler) apiEntry(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	e, err := h.svc.Entry(r.Context(), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, e)
}

func (h *handler) apiStats(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	st, err := h.svc.Stats(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"services": st})
}

// applyRequest is the API's application: the form's values and whether
// to submit it at once (otherwise it stays a draft).
type applyRequest struct {
	Values map[string]string `json:"values"`
	Submit bool              `json:"submit"`
}

// apiApply creates an application from JSON. Submitted at once, it is
// all or nothing: a refused submission leaves no draft behind.
func (h *handler) apiApply(w http.ResponseWriter, r *http.Request) error {
	var in applyRequest
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	app, err := h.svc.Apply(r.Context(), m.ID, r.PathValue("code"), in.Values, in.Submit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, app)
}

func (h *handler) apiMine(w http.ResponseWriter, r *http.Request) error {
	items, err := h.svc.Mine(r.Context())
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"applications": nonNil(items)})
}

func (h *handler) apiApplication(w http.ResponseWriter, r *http.Request) error {
	app, err := h.svc.Application(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, app)
}
