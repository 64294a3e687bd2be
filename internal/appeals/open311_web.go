package appeals

import (
	"context"
	_ "embed"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/web"
)

// KeyChecker turns an API key into the machine actor it stands for; the
// app passes the identity service.
type KeyChecker interface {
	AuthenticateKey(ctx context.Context, token string) (*auth.Actor, error)
}

// Open311Window is the longest date range one GET requests may ask for,
// and the default range (the spec's 90 days).
const Open311Window = 90 * 24 * time.Hour

type open311 struct {
	svc  *Service
	keys KeyChecker
	cat  *i18n.Catalog
}

// Open311Routes mounts Open311 GeoReport v2 at /open311/v2/: discovery,
// services, service definitions, requests (list, one, create with an
// api_key), tokens (which resolve to request ids) and FixMyStreet's
// servicerequestupdates (the feed, and POST to move a report on), in
// .json and .xml, described at /open311/v2/openapi.yaml. jurisdiction_id
// is the municipality's slug or OKTMO code. Only issue reports are
// served: formal appeals never leave muni this way.
func Open311Routes(rt *web.Router, svc *Service, keys KeyChecker, cat *i18n.Catalog) {
	h := &open311{svc: svc, keys: keys, cat: cat}
	rt.Handle("GET /open311/v2/{file}", h.get)
	rt.Handle("POST /open311/v2/{file}", h.post)
	rt.Handle("GET /open311/v2/services/{file}", h.definition)
	rt.Handle("GET /open311/v2/requests/{file}", h.one)
	rt.Handle("GET /open311/v2/tokens/{file}", h.token)
	rt.Handle("GET /open311/v2/openapi.yaml", h.spec)
}

// Open311Spec is the OpenAPI description of the Open311 routes, served
// at /open311/v2/openapi.yaml; the conformance test checks every route's
// answers against it.
//
//go:embed open311.yaml
var Open311Spec []byte

func (h *open311) spec(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, err := w.Write(Open311Spec)
	return err
}

// fail answers with Open311 errors, each message translated.
func (h *open311) fail(w http.ResponseWriter, r *http.Request, format string, status int, keys ...string) error {
	loc := h.cat.Localizer(web.Lang(r.Context()))
	msgs := make([]string, len(keys))
	for i, k := range keys {
		name, arg, _ := strings.Cut(k, "|")
		msgs[i] = loc.T(name, "Name", arg)
	}
	return writeO311Errors(w, format, status, msgs...)
}

// OKTMOPlaces is what Places may also do: find a municipality by its
// OKTMO code, so that an Open311 jurisdiction_id may be either the slug
// or the code. Unknown codes return an error wrapping fault.ErrNotFound.
type OKTMOPlaces interface {
	MunicipalityByOKTMO(ctx context.Context, code string) (Municipality, error)
}

// jurisdiction finds the municipality named by jurisdiction_id, its slug
// or its OKTMO code; ok is false when the answer (an error) has been
// written.
func (h *open311) jurisdiction(w http.ResponseWriter, r *http.Request, format string) (Municipality, bool, error) {
	j := strings.TrimSpace(r.FormValue("jurisdiction_id"))
	if j == "" {
		return Municipality{}, false, h.fail(w, r, format, http.StatusBadRequest, "appeals.open311.jurisdiction_required")
	}
	m, err := h.svc.places.MunicipalityBySlug(r.Context(), j)
	if byCode, ok := h.svc.places.(OKTMOPlaces); ok && errors.Is(err, fault.ErrNotFound) && isOKTMO(j) {
		m, err = byCode.MunicipalityByOKTMO(r.Context(), j)
	}
	if errors.Is(err, fault.ErrNotFound) {
		return m, false, h.fail(w, r, format, http.StatusNotFound, "appeals.open311.jurisdiction_unknown")
	}
	return m, err == nil, err
}

// isOKTMO tells whether s has the shape of an OKTMO code: 8 or 11 digits.
func isOKTMO(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (h *open311) get(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := splitFormat(r.PathValue("file"))
	if !ok {
		return h.fail(w, r, "json", http.StatusNotFound, "appeals.open311.not_found")
	}
	switch name {
	case "discovery":
		return h.discovery(w, r, format)
	case "services":
		return h.services(w, r, format)
	case "requests":
		return h.requests(w, r, format)
	case "servicerequestupdates":
		return h.updates(w, r, format)
	}
	return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.not_found")
}

func (h *open311) discovery(w http.ResponseWriter, r *http.Request, format string) error {
	d := o311Discovery{Changeset: "2026-11-26T00:00:00Z", Contact: "", KeyService: "/admin/apikeys"}
	d.Endpoints = append(d.Endpoints, struct {
		Specification string   `xml:"specification" json:"specification"`
		URL           string   `xml:"url" json:"url"`
		Changeset     string   `xml:"changeset" json:"changeset"`
		Type          string   `xml:"type" json:"type"`
		Formats       []string `xml:"formats>format" json:"formats"`
	}{"http://wiki.open311.org/GeoReport_v2", "/open311/v2", d.Changeset, "production", []string{"text/xml", "application/json"}})
	return writeOne(w, format, d)
}

// scope is the jurisdiction a request names and its active report
// categories; ok is false when the answer (an error) has been written or
// err must be.
func (h *open311) scope(w http.ResponseWriter, r *http.Request, format string) (Municipality, []Category, bool, error) {
	m, ok, err := h.jurisdiction(w, r, format)
	if !ok {
		return m, nil, false, err
	}
	cats, err := h.reportCategories(r.Context(), m)
	return m, cats, err == nil, err
}

// reportCategories lists a municipality's active report categories.
func (h *open311) reportCategories(ctx context.Context, m Municipality) ([]Category, error) {
	cats, err := h.svc.Categories(ctx, m.ID)
	out := cats[:0]
	for _, c := range cats {
		if c.Active && c.Regime == RegimeReport {
			out = append(out, c)
		}
	}
	return out, err
}

func (h *open311) services(w http.ResponseWriter, r *http.Request, format string) error {
	m, cats, ok, err := h.scope(w, r, format)
	if !ok {
		return err
	}
	lang := web.Lang(r.Context())
	out := make([]o311Service, 0, len(cats))
	for _, c := range cats {
		out = append(out, o311Service{ServiceCode: c.Code, ServiceName: c.Name(lang), Description: c.Name(lang), Type: "realtime"})
	}
	if err := h.withQuestions(r.Context(), m.ID, out, cats); err != nil {
		return err
	}
	return writeO311(w, format, http.StatusOK, "services", out)
}

func (h *open311) definition(w http.ResponseWriter, r *http.Request) error {
	code, format, ok := splitFormat(r.PathValue("file"))
	if !ok {
		return h.fail(w, r, "json", http.StatusNotFound, "appeals.open311.not_found")
	}
	_, cats, ok, err := h.scope(w, r, format)
	if !ok {
		return err
	}
	if !slices.ContainsFunc(cats, func(c Category) bool { return c.Code == code }) {
		return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.service_code_unknown|"+code)
	}
	def, err := h.definitionOf(r.Context(), cats, code, web.Lang(r.Context()))
	if err != nil {
		return err
	}
	return writeOne(w, format, def)
}

// writeOne writes a single document: an object in JSON, a root element in XML.
func writeOne(w http.ResponseWriter, format string, v any) error {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		b, err := xml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(append([]byte(xml.Header), b...))
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}
