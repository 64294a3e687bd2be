package metering

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/tz"
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

// MaxImportBytes is the largest registry CSV upload.
const MaxImportBytes = 8 << 20

// Routes mounts the officials' registry pages (browse, import, a point
// with its manual-reading form) and the residents' own meters.
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render}
	rt.Handle("GET /metering", h.index)
	rt.Handle("GET /metering/mine", h.mine)
	rt.Handle("POST /metering/mine/{point}/readings", h.submitOwn)
	rt.Handle("GET /m/{slug}/metering", h.registry)
	rt.Handle("POST /m/{slug}/metering/devices/{serial}/token", h.issueToken)
	rt.Handle("GET /m/{slug}/metering/import", h.importForm)
	rt.HandleBody("POST /m/{slug}/metering/import", MaxImportBytes, h.importFile)
	rt.Handle("GET /m/{slug}/metering/points/{code}", h.point)
	rt.Handle("POST /m/{slug}/metering/points/{code}/readings", h.enterReading)
	rt.Handle("POST /m/{slug}/metering/points/{code}/swap", h.swapMeter)
	rt.Handle("GET /m/{slug}/metering/devices/{serial}", h.deviceForm)
	rt.Handle("POST /m/{slug}/metering/devices/{serial}", h.updateDevice)
	h.entryRoutes(rt)
}

func (h *handler) muni(ctx context.Context, slug string) (Municipality, error) {
	return h.svc.places.MunicipalityBySlug(ctx, slug)
}

// index lists the registries the official may browse.
func (h *handler) index(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ms, err := h.svc.Municipalities(r.Context(), auth.From(r.Context()))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "metering/index", struct{ Munis []Municipality }{ms})
}

func (h *handler) registry(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	reg, err := h.svc.Registry(r.Context(), auth.From(r.Context()), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "metering/registry", registryPage{Registry: reg})
}

// registryPage is the registry, with a device token just issued.
type registryPage struct {
	Registry
	TokenSerial, Token string
}

// issueToken gives a device a new token and shows it once, above the
// registry. The device's old token stops working.
func (h *handler) issueToken(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	a := auth.From(r.Context())
	id, err := h.svc.st.idByCode(r.Context(), "metering_devices", "serial", m.ID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	token, err := h.svc.IssueDeviceToken(r.Context(), a, m.ID, id)
	if err != nil {
		return err
	}
	reg, err := h.svc.Registry(r.Context(), a, m.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.render.Page(w, r, http.StatusOK, "metering/registry", registryPage{Registry: reg, TokenSerial: r.PathValue("serial"), Token: token})
}

// importPage is the import form, and after a post its outcome.
type importPage struct {
	Muni     Municipality
	Entities []ImportEntity
	Entity   string
	Done     *ImportResult
	Lines    []LineError
	Error    string // message key of a problem with the form itself
}

func (h *handler) importForm(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "metering/import", importPage{Muni: m, Entities: ImportEntities, Entity: r.URL.Query().Get("entity")})
}

// adminMuni is the municipality of the path, for its administrators.
func (h *handler) adminMuni(r *http.Request) (Municipality, error) {
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return m, err
	}
	if !auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, m.Path) {
		return m, forbidden()
	}
	return m, nil
}

func (h *handler) importFile(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	p := importPage{Muni: m, Entities: ImportEntities, Entity: r.FormValue("entity")}
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("metering: import: %w", err)
		}
		p.Error = "metering.import.no_file"
		return h.render.Page(w, r, http.StatusBadRequest, "metering/import", p)
	}
	defer file.Close()
	res, err := h.svc.Import(r.Context(), auth.From(r.Context()), m.ID, p.Entity, file)
	var ie *ImportError
	switch {
	case errors.As(err, &ie):
		p.Lines = ie.Lines
		return h.render.Page(w, r, http.StatusUnprocessableEntity, "metering/import", p)
	case errors.Is(err, fault.ErrInvalid):
		p.Error = "metering.error.import_entity"
		return h.render.Page(w, r, http.StatusBadRequest, "metering/import", p)
	case err != nil:
		return err
	}
	p.Done = &res
	return h.render.Page(w, r, http.StatusOK, "metering/import", p)
}

// pointPage is a point with the form for a manual reading.
type pointPage struct {
	PointView
	Now    time.Time
	Values map[string]string
	Errors map[string]string
	Saved  bool
	// CanEdit is whether the viewer administers the registry: the meter
	// swap form is theirs.
	CanEdit bool
	Swapped bool
}

// CurrentDevices are the serials of the devices on the point now, the
// ones the swap form may take off, and the one a refused form named.
func (p pointPage) CurrentDevices() []string {
	var out []string
	for _, c := range p.Current(p.Now) {
		if !slices.Contains(out, c.Serial) {
			out = append(out, c.Serial)
		}
	}
	if v := p.Values["swap_device"]; v != "" && !slices.Contains(out, v) {
		out = append(out, v)
	}
	return out
}

// Qualities are the flags an official may give a reading.
func (pointPage) Qualities() []string { return []string{"measured", "edited", "estimated"} }

func (h *handler) point(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showPoint(w, r, http.StatusOK, map[string]string{}, map[string]string{}, r.URL.Query().Get("saved") == "1")
}

func (h *handler) showPoint(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string, saved bool) error {
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	v, err := h.svc.PointByCode(r.Context(), auth.From(r.Context()), m.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, status, "metering/point", pointPage{PointView: v, Now: h.svc.now(), Values: values, Errors: errs,
		Saved: saved, Swapped: r.URL.Query().Get("saved") == "swap",
		CanEdit: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, m.Path)})
}

// swapMeter ends the installation on a point, and installs the new
// device from the same instant when one is named (a meter swap).
func (h *handler) swapMeter(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, k := range []string{"swap_device", "swap_at", "end_register", "new_device", "start_register"} {
		values[k] = strings.TrimSpace(r.FormValue(k))
	}
	errs := map[string]string{}
	in := SwapInput{Device: values["swap_device"], NewDevice: values["new_device"]}
	var ok bool
	if in.Device == "" {
		errs["swap_device"] = "metering.error.required"
	}
	if in.At, ok = localTime(values["swap_at"], m.TimeZone); !ok {
		errs["swap_at"] = "metering.error.date"
	}
	if v := values["end_register"]; v != "" {
		if f, reason := parseFloat(strings.Replace(v, ",", ".", 1)); reason != "" {
			errs["end_register"] = "metering.reason." + reason
		} else {
			in.EndRegister = &f
		}
	}
	if v := values["start_register"]; v != "" {
		if f, reason := parseFloat(strings.Replace(v, ",", ".", 1)); reason != "" {
			errs["start_register"] = "metering.reason." + reason
		} else {
			in.StartRegister = f
		}
	}
	if len(errs) == 0 {
		err = h.svc.SwapMeter(r.Context(), auth.From(r.Context()), m.ID, r.PathValue("code"), in)
		if f, isFault := fault.As(err); isFault && len(f.Fields) > 0 {
			for k, v := range f.Fields {
				switch k {
				case "device", "at":
					k = "swap_" + k
				}
				errs[k] = v
			}
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.showPoint(w, r, http.StatusUnprocessableEntity, values, errs, false)
	}
	http.Redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")]+"?saved=swap", http.StatusSeeOther)
	return nil
}

// localTime reads a datetime-local field in the municipality's zone.
func localTime(s, zone string) (time.Time, bool) {
	loc, err := tz.Load(zone)
	if err != nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	return t.UTC(), err == nil
}

func (h *handler) enterReading(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.muni(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	values := map[string]string{"channel": r.FormValue("channel"), "at": r.FormValue("at"), "value": r.FormValue("value"), "quality": r.FormValue("quality")}
	errs := map[string]string{}
	in := ManualReading{}
	var ok bool
	if in.ChannelID, err = strconv.ParseInt(values["channel"], 10, 64); err != nil {
		errs["channel"] = "metering.error.required"
	}
	if in.At, ok = localTime(values["at"], m.TimeZone); !ok {
		errs["at"] = "metering.error.date"
	}
	if v, reason := parseFloat(strings.Replace(values["value"], ",", ".", 1)); reason != "" {
		errs["value"] = "metering.reason." + reason
	} else {
		in.Value = v
	}
	if in.Quality, ok = ParseQuality(values["quality"]); !ok {
		errs["quality"] = "metering.reason.bad-quality"
	}
	if len(errs) == 0 {
		_, err = h.svc.EnterReading(r.Context(), auth.From(r.Context()), m.ID, r.PathValue("code"), in)
		if f, isFault := fault.As(err); isFault && len(f.Fields) > 0 {
			errs = f.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.showPoint(w, r, http.StatusUnprocessableEntity, values, errs, false)
	}
	http.Redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")]+"?saved=1", http.StatusSeeOther)
	return nil
}

// minePage is a resident's own meters.
type minePage struct {
	Points []PointView
	Now    time.Time
	Point  string // the point a failed form was for
	Values map[string]string
	Errors map[string]string
	Saved  bool
}

func (h *handler) mine(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showMine(w, r, http.StatusOK, minePage{Saved: r.URL.Query().Get("saved") == "1"})
}

func (h *handler) showMine(w http.ResponseWriter, r *http.Request, status int, p minePage) error {
	ps, err := h.svc.MyPoints(r.Context(), auth.From(r.Context()))
	if err != nil {
		return err
	}
	p.Points, p.Now = ps, h.svc.now()
	return h.render.Page(w, r, status, "metering/mine", p)
}

func (h *handler) submitOwn(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	p := minePage{Point: r.PathValue("point"), Values: map[string]string{"value": r.FormValue("value")}, Errors: map[string]string{}}
	ch, err := strconv.ParseInt(r.FormValue("channel"), 10, 64)
	if err != nil {
		p.Errors["value"] = "metering.error.channel_at"
	}
	v, reason := parseFloat(strings.Replace(r.FormValue("value"), ",", ".", 1))
	if reason != "" {
		p.Errors["value"] = "metering.reason." + reason
	}
	if len(p.Errors) == 0 {
		_, err = h.svc.SubmitOwnReading(r.Context(), auth.From(r.Context()), p.Point, ch, v)
		if f, isFault := fault.As(err); isFault && len(f.Fields) > 0 {
			for _, k := range f.Fields {
				p.Errors["value"] = k
			}
		} else if err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return h.showMine(w, r, http.StatusUnprocessableEntity, p)
	}
	http.Redirect(w, r, "/metering/mine?saved=1", http.StatusSeeOther)
	return nil
}

// devicePage is a device's edit form.
type devicePage struct {
	Muni   Municipality
	Device Device
	Values map[string]string
	Errors map[string]string
	Saved  bool
}

// TextFields and NumberFields are the form's plain inputs.
func (devicePage) TextFields() []string   { return []string{"model", "firmware", "seal"} }
func (devicePage) NumberFields() []string { return []string{"calibration_months", "interval_s"} }

func (h *handler) deviceForm(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	d, err := h.svc.DeviceBySerial(r.Context(), auth.From(r.Context()), m.ID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	v := map[string]string{"model": d.Model, "firmware": d.Firmware, "seal": d.Seal,
		"calibration_months": strconv.Itoa(d.CalibrationMonths), "interval_s": strconv.FormatInt(int64(d.Interval/time.Second), 10)}
	if d.CalibratedAt != nil {
		v["calibrated_on"] = d.CalibratedAt.In(mustLocation(m.TimeZone)).Format("2006-01-02")
	}
	return h.render.Page(w, r, http.StatusOK, "metering/device", devicePage{Muni: m, Device: d, Values: v, Errors: map[string]string{}, Saved: r.URL.Query().Get("saved") == "1"})
}

func (h *handler) updateDevice(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	a := auth.From(r.Context())
	d, err := h.svc.DeviceBySerial(r.Context(), a, m.ID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, k := range []string{"model", "firmware", "seal", "calibrated_on", "calibration_months", "interval_s"} {
		v[k] = strings.TrimSpace(r.FormValue(k))
	}
	errs := map[string]string{}
	in := DeviceInput{Model: v["model"], Firmware: v["firmware"], Seal: v["seal"]}
	if s := v["calibrated_on"]; s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, mustLocation(m.TimeZone))
		if err != nil {
			errs["calibrated_on"] = "metering.error.date"
		} else {
			in.CalibratedAt = &t
		}
	}
	if s := v["calibration_months"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs["calibration_months"] = "metering.error.calibration"
		}
		in.CalibrationMonths = n
	}
	if s := v["interval_s"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs["interval_s"] = "metering.error.interval"
		}
		in.Interval = time.Duration(n) * time.Second
	}
	if len(errs) == 0 {
		err = h.svc.UpdateDevice(r.Context(), a, m.ID, d.Serial, in)
		if f, isFault := fault.As(err); isFault && len(f.Fields) > 0 {
			errs = f.Fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.render.Page(w, r, http.StatusUnprocessableEntity, "metering/device", devicePage{Muni: m, Device: d, Values: v, Errors: errs})
	}
	http.Redirect(w, r, r.URL.Path+"?saved=1", http.StatusSeeOther)
	return nil
}

// mustLocation is a municipality's zone, UTC when unknown.
func mustLocation(zone string) *time.Location {
	loc, err := tz.Load(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}
