package metering

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// entryRoutes are the registry's edit pages: a form per network, zone,
// object and point, its retirement, and a zone's boundary points.
func (h *handler) entryRoutes(rt *web.Router) {
	rt.Handle("GET /m/{slug}/metering/edit/{kind}/{code}", h.entryForm)
	rt.Handle("POST /m/{slug}/metering/edit/{kind}/{code}", h.updateEntry)
	rt.Handle("POST /m/{slug}/metering/edit/{kind}/{code}/retire", h.retireEntry)
	rt.Handle("POST /m/{slug}/metering/edit/zone/{code}/boundary", h.setBoundary)
	rt.Handle("POST /m/{slug}/metering/edit/zone/{code}/boundary/{point}/remove", h.removeBoundary)
}

// entryPage is a registry entry's edit form.
type entryPage struct {
	Entry
	Values map[string]string
	Errors map[string]string
	Saved  string // "", "1" (fields), "boundary", "retired"
}

// Fields are the form's inputs, in order.
func (p entryPage) Fields() []string { return EntryFields(p.Kind) }

// Choices are a field's allowed values, nil for free text.
func (p entryPage) Choices(field string) []string {
	switch {
	case field == "kind" && p.Kind == KindZone:
		return ZoneKinds()
	case field == "kind" && p.Kind == KindObject:
		return ObjectKinds()
	case field == "role":
		return PointRoles()
	}
	return nil
}

// ChoiceKey is the message key of a field's value.
func (p entryPage) ChoiceKey(field, value string) string {
	switch {
	case field == "kind" && p.Kind == KindZone:
		return "metering.zone_kind." + value
	case field == "kind":
		return "metering.object." + value
	}
	return "metering.role." + value
}

// Signs are the boundary signs a point may take in a zone.
func (entryPage) Signs() []int { return []int{1, -1, 0} }

func (h *handler) entryForm(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showEntry(w, r, http.StatusOK, nil, map[string]string{})
}

// showEntry renders the form; values nil shows the stored ones.
func (h *handler) showEntry(w http.ResponseWriter, r *http.Request, status int, values, errs map[string]string) error {
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	e, err := h.svc.Entry(r.Context(), auth.From(r.Context()), m.ID, r.PathValue("kind"), r.PathValue("code"))
	if err != nil {
		return err
	}
	if values == nil {
		values = e.Values
	}
	return h.render.Page(w, r, status, "metering/entry", entryPage{Entry: e, Values: values, Errors: errs, Saved: r.URL.Query().Get("saved")})
}

// formErrors is the field messages of a refused change, or err itself
// when it is not an input error.
func formErrors(err error) (map[string]string, error) {
	if f, ok := fault.As(err); ok && len(f.Fields) > 0 {
		return f.Fields, nil
	}
	return nil, err
}

// entryAction runs a change of an administrator to the entry of the
// path: a refused change shows the zone or entry's form with its
// messages, a done one goes back to the form with saved set.
func (h *handler) entryAction(w http.ResponseWriter, r *http.Request, kind, saved string, fn func(m Municipality, a *auth.Actor) error) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.adminMuni(r)
	if err != nil {
		return err
	}
	r.SetPathValue("kind", kind)
	errs, err := formErrors(fn(m, auth.From(r.Context())))
	if err != nil {
		return err
	}
	if errs != nil {
		var values map[string]string
		if saved == "1" {
			values = map[string]string{}
			for _, k := range EntryFields(kind) {
				values[k] = strings.TrimSpace(r.FormValue(k))
			}
		}
		return h.showEntry(w, r, http.StatusUnprocessableEntity, values, errs)
	}
	http.Redirect(w, r, "/m/"+r.PathValue("slug")+"/metering/edit/"+url.PathEscape(kind)+"/"+url.PathEscape(r.PathValue("code"))+"?saved="+saved, http.StatusSeeOther)
	return nil
}

func (h *handler) updateEntry(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	return h.entryAction(w, r, kind, "1", func(m Municipality, a *auth.Actor) error {
		v := map[string]string{}
		for _, k := range EntryFields(kind) {
			v[k] = strings.TrimSpace(r.FormValue(k))
		}
		return h.svc.UpdateEntry(r.Context(), a, m.ID, kind, r.PathValue("code"), v)
	})
}

func (h *handler) retireEntry(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	return h.entryAction(w, r, kind, "retired", func(m Municipality, a *auth.Actor) error {
		return h.svc.Retire(r.Context(), a, m.ID, kind, r.PathValue("code"))
	})
}

func (h *handler) setBoundary(w http.ResponseWriter, r *http.Request) error {
	return h.entryAction(w, r, KindZone, "boundary", func(m Municipality, a *auth.Actor) error {
		sign, err := strconv.Atoi(r.FormValue("sign"))
		if err != nil {
			sign = 2 // out of range: the service names the field
		}
		return h.svc.SetBoundary(r.Context(), a, m.ID, ZonePointInput{Zone: r.PathValue("code"), Point: strings.TrimSpace(r.FormValue("point")), Sign: sign})
	})
}

func (h *handler) removeBoundary(w http.ResponseWriter, r *http.Request) error {
	return h.entryAction(w, r, KindZone, "boundary", func(m Municipality, a *auth.Actor) error {
		return h.svc.RemoveBoundary(r.Context(), a, m.ID, r.PathValue("code"), r.PathValue("point"))
	})
}
