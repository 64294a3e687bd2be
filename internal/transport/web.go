package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// MaxUploadBytes is the largest GTFS zip an official may upload.
const MaxUploadBytes = 512 << 20

type handler struct {
	svc    *Service
	render *web.Renderer
	now    func() time.Time
}

// Routes mounts the public pages (lines and map, a stop with its next
// departures and timetable, a line) and the officials' feed pages
// (versions, upload, import report, activation, export).
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render, now: svc.now}
	rt.HandlePublic("GET /transport/{$}", h.index)
	rt.HandlePublic("GET /m/{slug}/transport/{$}", h.overview)
	rt.Handle("GET /m/{slug}/transport/stops/{stop}", h.stop)
	rt.HandlePublic("GET /m/{slug}/transport/routes/{route}", h.route)
	rt.HandlePublic("GET /m/{slug}/transport/planning", h.planning)
	rt.Handle("GET /m/{slug}/transport/gtfs-rt.pb", h.realtimeFeed)
	rt.HandleBody("POST /api/v1/municipalities/{slug}/transport/gtfs-rt", MaxRealtimeBytes, h.pushRealtime)
	rt.Handle("GET /m/{slug}/transport/feeds", h.feeds)
	rt.HandleBody("POST /m/{slug}/transport/feeds", MaxUploadBytes, h.upload)
	rt.Handle("GET /m/{slug}/transport/feeds/{id}", h.report)
	rt.Handle("POST /m/{slug}/transport/feeds/{id}/activate", h.activate)
	rt.Handle("GET /m/{slug}/transport/feeds/{id}/gtfs.zip", h.export)
	rt.Handle("GET /m/{slug}/transport/quality", h.quality)
}

// index lists the municipalities that publish a timetable.
func (h *handler) index(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.svc.Networks(r.Context())
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/index", ns)
}

// overview is the public page: lines, a map and the stops.
func (h *handler) overview(w http.ResponseWriter, r *http.Request) error {
	o, err := h.svc.Overview(r.Context(), r.PathValue("slug"))
	if err != nil && !(errors.Is(err, ErrNotFound) && o.Municipality.ID != "") { // a known municipality without a network is shown empty
		return err
	}
	o.CanManage = auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, o.Municipality.Path)
	return h.render.Page(w, r, http.StatusOK, "transport/overview", o)
}

// stop shows a stop's next departures (now, or ?at=2006-01-02T15:04 in
// the municipality's zone) and that day's timetable.
func (h *handler) stop(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := h.svc.network(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	loc, ok := LoadZone(n.Municipality.TimeZone)
	if !ok {
		loc = n.Zone
	}
	at := h.now().In(loc)
	if s := r.URL.Query().Get("at"); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			return invalidFeed("transport.error.at")
		}
		at = t
	}
	p, err := h.svc.StopPage(ctx, r.PathValue("slug"), r.PathValue("stop"), at)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache") // departures move on every minute
	return h.render.Page(w, r, http.StatusOK, "transport/stop", p)
}

func (h *handler) route(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.RoutePage(r.Context(), r.PathValue("slug"), r.PathValue("route"))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/route", p)
}

// planning shows service frequency per stop and population coverage for
// ?date=2006-01-02 (default today) with ?min departures per hour
// (default 2) between 07:00 and 19:00.
func (h *handler) planning(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := h.svc.network(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	date := h.now().In(n.Zone)
	if s := r.URL.Query().Get("date"); s != "" {
		if date, err = time.ParseInLocation("2006-01-02", s, n.Zone); err != nil {
			return invalidFeed("transport.error.date")
		}
	}
	min := 2.0
	if s := r.URL.Query().Get("min"); s != "" {
		if min, err = strconv.ParseFloat(s, 64); err != nil || min < 0 || min > 120 {
			return invalidFeed("transport.error.min")
		}
	}
	c, err := h.svc.Coverage(ctx, r.PathValue("slug"), date, 7, 19, min)
	if err != nil {
		return err
	}
	a, err := h.svc.CentreAccess(ctx, r.PathValue("slug"), date)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/planning", planningPage{Coverage: c, Access: a})
}

// realtimeFeed publishes muni's own GTFS-Realtime feed (trip updates and
// vehicle positions) for the municipality.
func (h *handler) realtimeFeed(w http.ResponseWriter, r *http.Request) error {
	b, err := h.svc.RealtimeFeed(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(b)
	return err
}

// pushRealtime takes a GTFS-Realtime FeedMessage from an operator's
// system (an API key with an operator grant on the municipality).
func (h *handler) pushRealtime(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	res, err := h.svc.IngestRealtime(r.Context(), m.ID, body)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]int{"trip_updates": res.Trips, "vehicles": res.Vehicles})
}

// feedsPage lists a municipality's versions with the upload form.
type feedsPage struct {
	Muni  Municipality
	Feeds []Feed
	Error string
}

func (h *handler) feeds(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.feedsWith(w, r, http.StatusOK, "")
}

func (h *handler) feedsWith(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	m, err := h.svc.Municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	fs, err := h.svc.Feeds(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, status, "transport/feeds", feedsPage{Muni: m, Feeds: fs, Error: msg})
}

// upload streams the uploaded zip to a temporary file (never into
// memory), imports it and shows the report.
func (h *handler) upload(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ctx := r.Context()
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if _, err := h.svc.manage(ctx, m.ID); err != nil {
		return err
	}
	path, name, err := saveUpload(r)
	if path != "" {
		defer os.Remove(path)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return h.feedsWith(w, r, http.StatusRequestEntityTooLarge, "transport.upload.too_large")
		}
		return h.feedsWith(w, r, http.StatusBadRequest, "transport.upload.missing")
	}
	src, err := OpenSource(path)
	if errors.Is(err, ErrCorruptZip) {
		return h.feedsWith(w, r, http.StatusUnprocessableEntity, "transport.upload.corrupt")
	}
	if err != nil {
		return err
	}
	defer src.Close()
	f, err := h.svc.Import(ctx, m.ID, name, src)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/m/%s/transport/feeds/%s", m.Slug, f.ID), http.StatusSeeOther)
	return nil
}

// saveUpload copies the "file" part of a multipart body to a temporary
// file and returns its path and the uploaded name.
func saveUpload(r *http.Request) (path, name string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", err
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", "", errors.New("no file")
			}
			return "", "", err
		}
		if part.FormName() != "file" || part.FileName() == "" {
			part.Close()
			continue
		}
		return copyPart(part)
	}
}

func copyPart(part *multipart.Part) (string, string, error) {
	defer part.Close()
	f, err := os.CreateTemp("", "muni-gtfs-*.zip")
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	n, err := io.Copy(f, part)
	if err == nil && n == 0 {
		err = errors.New("empty file")
	}
	return f.Name(), filepath.Base(part.FileName()), err
}

// feedOf reads a version and checks it belongs to the municipality in
// the path.
func (h *handler) feedOf(ctx context.Context, r *http.Request) (Municipality, Feed, error) {
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return m, Feed{}, err
	}
	f, err := h.svc.Feed(ctx, r.PathValue("id"))
	if err == nil && f.TenantID != m.ID {
		err = notFound()
	}
	return m, f, err
}

// reportPage is one version with its notices.
type reportPage struct {
	Muni Municipality
	Feed Feed
}

func (h *handler) report(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, f, err := h.feedOf(r.Context(), r)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "transport/report", reportPage{Muni: m, Feed: f})
}

func (h *handler) activate(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, f, err := h.feedOf(r.Context(), r)
	if err != nil {
		return err
	}
	if _, err := h.svc.Activate(r.Context(), f.ID); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/m/%s/transport/feeds/%s", m.Slug, f.ID), http.StatusSeeOther)
	return nil
}

func (h *handler) export(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, f, err := h.feedOf(r.Context(), r)
	if err != nil {
		return err
	}
	if f.Status == StatusRejected {
		return invalidFeed("transport.error.rejected")
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gtfs-%s-v%d.zip"`, m.Slug, f.Version))
	return h.svc.st.writeGTFS(r.Context(), f, w)
}
