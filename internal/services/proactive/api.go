package proactive

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// MaxEventBytes bounds one life event in the API.
const MaxEventBytes = 64 << 10

// APIRoutes mounts the machine API: life events from source systems.
func APIRoutes(rt *web.Router, svc *Service) {
	h := &handler{svc: svc}
	rt.HandleBody("POST /api/v1/life-events", MaxEventBytes, h.apiEvent)
}

// apiEvent is POST /api/v1/life-events: one event as JSON, from an API
// key or an official with an operator's role (?municipality=slug, or the
// key's only municipality). 201 for a new event, 200 for a repeated id.
func (h *handler) apiEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := auth.From(ctx)
	if !a.SignedIn() {
		return unauthorized()
	}
	muniID, err := h.muniOf(r, a)
	if err != nil {
		return err
	}
	var e Event
	if err := web.DecodeJSON(r, &e); err != nil {
		return err
	}
	rec, err := h.svc.RecordEvent(ctx, muniID, SourceAPI, e)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if rec.Duplicate {
		status = http.StatusOK
	}
	return web.JSON(w, status, rec)
}

// muniOf is the municipality a machine request is about.
func (h *handler) muniOf(r *http.Request, a *auth.Actor) (string, error) {
	if slug := r.URL.Query().Get("municipality"); slug != "" {
		m, err := h.svc.Places.MunicipalityBySlug(r.Context(), slug)
		if err != nil {
			return "", err
		}
		return m.ID, nil
	}
	if len(a.Grants) == 1 {
		return a.Grants[0].ScopeID, nil
	}
	return "", invalid("proactive-municipality-required", map[string]string{"municipality": "proactive.error.municipality"})
}
