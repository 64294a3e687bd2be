package appeals

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

type handler struct {
	svc    *Service
	render *web.Renderer
	cat    *i18n.Catalog
}

// Routes mounts the resident pages (submit, my appeals), the public map
// and list of issue reports, the detail page with the officials' workflow
// actions, and the JSON API. cat translates what pages carry as data (map
// tooltips).
func Routes(rt *web.Router, render *web.Renderer, svc *Service, cat *i18n.Catalog) {
	h := &handler{svc: svc, render: render, cat: cat}
	rt.HandlePublic("GET /m/{slug}/reports", h.publicReports)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/reports", h.apiPublicReports)
	rt.HandlePublic("GET /m/{slug}/reports/stats", h.statsPage)
	rt.HandlePublic("GET /api/v1/municipalities/{slug}/appeals/stats", h.apiStats)
	rt.Handle("GET /m/{slug}/appeals/new", h.newForm)
	rt.HandleBody("POST /m/{slug}/appeals", svc.UploadLimit(), h.submit) // with photos
	rt.Handle("GET /appeals/{id}/photos/{n}", h.photoFile)
	rt.Handle("GET /appeals/{id}/photos/{n}/thumb", h.photoThumb)
	rt.Handle("GET /appeals/mine", h.mine)
	rt.Handle("GET /appeals/queue", h.queue)
	h.replyRoutes(rt)
	rt.Handle("POST /appeals/queue/assign", h.bulkAssign)
	rt.Handle("GET /appeals/{id}", h.show)
	rt.Handle("POST /appeals/{id}/support", h.support)
	rt.HandleBody("POST /appeals/{id}/{action}", svc.UploadLimit(), h.act) // answers with attachments
	rt.Handle("GET /appeals/{id}/attachments/{n}", h.attachmentFile)
	h.questionsRoutes(rt)
	h.routingRoutes(rt)

	rt.Handle("GET /api/v1/appeals/mine", h.apiMine)
	rt.Handle("GET /api/v1/appeals/{id}", h.apiAppeal)
	rt.Handle("POST /api/v1/appeals/{id}/{action}", h.apiStep)
	rt.HandleBody("POST /api/v1/municipalities/{slug}/appeals", svc.UploadLimit(), h.apiSubmit)
	moderationRoutes(rt, h)
	hotspotRoutes(rt, h)
}

// form is what a page with a form shows: values entered, messages per
// field (i18n keys) and the alert above the form.
type form struct {
	Values map[string]string
	Errors map[string]string
	Alert  string
	Lists  map[string][]string // entries with several values (ticked options), by field
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// fail puts a refusal of the person's input into the form and returns
// the status to render with; any other error comes back to the caller.
func (f *form) fail(err error) (int, error) {
	fe, ok := fault.As(err)
	if !ok || !(errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrTooMany)) {
		return 0, err
	}
	for k, v := range fe.Fields {
		f.Errors[k] = v
	}
	f.Alert = "appeals.form.fix"
	if fe.Key != "" && fe.Key != "error.invalid" {
		f.Alert = fe.Key
	}
	status, _, _ := web.Classify(err)
	return status, nil
}

func (h *handler) municipality(ctx context.Context, slug string) (Municipality, error) {
	m, err := h.svc.places.MunicipalityBySlug(ctx, slug)
	if errors.Is(err, fault.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// clientIP is the peer address; muni trusts no forwarding header unless a
// proxy in front rewrites RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
