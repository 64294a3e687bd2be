package metering

import (
	"github.com/muni-platform/muni/internal/platform/web"
)

type handler struct {
	svc    *Service
	render *web.Renderer
}

// APIRoutes mounts the readings API.
func APIRoutes(rt *web.Router, svc *Service) {
	h := &handler{svc: svc}
	rt.HandleBody("POST /api/v1/readings", MaxBatchBytes, h.apiReadings)
}
