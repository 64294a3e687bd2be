package identity

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed verification_templates/*.html
var verificationFS embed.FS

// VerificationTemplates are the voter-roll pages: the officials'
// verification desk and the resident's residence page. The app registers
// them beside Templates.
var VerificationTemplates = web.Templates{Domain: "identity", FS: web.Sub(verificationFS, "verification_templates")}

// VerificationRoutes mounts the voter-roll pages.
func VerificationRoutes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render, sessions: svc.sessions}
	rt.Handle("GET /profile/residence", h.residencePage)
	rt.Handle("POST /profile/residence", h.claimResidence)
	rt.Handle("GET /admin/m/{slug}/verification", h.verificationDesk)
	rt.Handle("POST /admin/m/{slug}/verification", h.verifyPerson)
	rt.HandleBody("POST /admin/m/{slug}/verification/census", 32<<20, h.importCensus)
}

// VerifyResidenceByEmail verifies the account with the e-mail; an unknown
// address is an input error on "email".
func (s *Service) VerifyResidenceByEmail(ctx context.Context, email string, in OfficialVerification) (Verification, error) {
	if _, err := actorOrFail(ctx); err != nil {
		return Verification{}, err
	}
	e, ok := NormalizeEmail(email)
	if !ok {
		return Verification{}, fault.Invalid("verification-invalid", map[string]string{"email": "identity.field.email.invalid"})
	}
	u, err := s.st.userByEmail(ctx, e)
	if errors.Is(err, ErrNotFound) {
		return Verification{}, fault.Invalid("verification-invalid", map[string]string{"email": "identity.verification.no_account"})
	}
	if err != nil {
		return Verification{}, err
	}
	return s.VerifyResidence(ctx, u.ID, in)
}

type residencePage struct {
	*form
	Verification *Verification
	Home         string
	Claimed      bool
}

func (h *handler) residencePage(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	p := residencePage{form: newForm(), Claimed: r.URL.Query().Get("claimed") != ""}
	return h.renderResidence(w, r, http.StatusOK, p)
}

func (h *handler) renderResidence(w http.ResponseWriter, r *http.Request, status int, p residencePage) error {
	v, err := h.svc.MyVerification(r.Context())
	switch {
	case err == nil:
		if n, err := h.svc.places.Place(r.Context(), v.NodeID); err == nil {
			p.Home = n.Title(web.Lang(r.Context()))
		}
		p.Verification = &v
	case !errors.Is(err, ErrNotFound):
		return err
	}
	return h.page(w, r, status, "identity/residence", p)
}

func (h *handler) claimResidence(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return fault.Invalid("claim-invalid", nil)
	}
	p := residencePage{form: newForm()}
	p.Values["birth_date"], p.Values["address"] = r.PostForm.Get("birth_date"), r.PostForm.Get("address")
	birth, _ := time.Parse(time.DateOnly, strings.TrimSpace(p.Values["birth_date"]))
	ok, err := h.svc.ClaimResidence(r.Context(), ResidenceClaim{BirthDate: birth, Address: p.Values["address"]})
	if err == nil {
		to := "/profile/residence?claimed=1"
		if ok {
			to = "/profile/residence"
		}
		return seeOther(w, r, to)
	}
	status, err := p.fail(err)
	if err != nil {
		return err
	}
	return h.renderResidence(w, r, status, p)
}

type verificationDesk struct {
	*form
	Muni   Place
	Places []Place
	Census *CensusResult
	Done   string
}

// deskMuni finds the municipality of {slug} for an official over it.
func (h *handler) deskMuni(w http.ResponseWriter, r *http.Request, min auth.Role) (Place, bool, error) {
	if !web.SignIn(w, r) {
		return Place{}, false, nil
	}
	ms, err := h.svc.places.Municipalities(r.Context())
	if err != nil {
		return Place{}, false, err
	}
	for _, m := range ms {
		if m.Slug == r.PathValue("slug") {
			if !auth.From(r.Context()).Can(min, m.Path) {
				return m, false, ErrForbidden
			}
			return m, true, nil
		}
	}
	return Place{}, false, ErrNotFound
}

func (h *handler) desk(w http.ResponseWriter, r *http.Request, status int, d verificationDesk) error {
	ps, err := h.svc.places.Covered(r.Context(), d.Muni.Path)
	if err != nil {
		return err
	}
	d.Places = ps
	return h.page(w, r, status, "identity/verification", d)
}

func (h *handler) verificationDesk(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.deskMuni(w, r, auth.RoleOperator)
	if !ok {
		return err
	}
	d := verificationDesk{form: newForm(), Muni: m}
	if r.URL.Query().Get("done") != "" {
		d.Done = "identity.verification.done"
	}
	d.Values["document"] = "паспорт РФ"
	return h.desk(w, r, http.StatusOK, d)
}

func (h *handler) verifyPerson(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.deskMuni(w, r, auth.RoleOperator)
	if !ok {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fault.Invalid("verification-invalid", nil)
	}
	d := verificationDesk{form: newForm(), Muni: m}
	for _, k := range []string{"email", "node_id", "birth_date", "document"} {
		d.Values[k] = r.PostForm.Get(k)
	}
	birth, _ := time.Parse(time.DateOnly, strings.TrimSpace(d.Values["birth_date"]))
	_, err = h.svc.VerifyResidenceByEmail(r.Context(), d.Values["email"],
		OfficialVerification{NodeID: d.Values["node_id"], BirthDate: birth, Document: d.Values["document"]})
	if err == nil {
		return seeOther(w, r, "/admin/m/"+m.Slug+"/verification?done=1")
	}
	status, err := d.fail(err)
	if err != nil {
		return err
	}
	return h.desk(w, r, status, d)
}

func (h *handler) importCensus(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.deskMuni(w, r, auth.RoleMunicipalAdmin)
	if !ok {
		return err
	}
	d := verificationDesk{form: newForm(), Muni: m}
	f, _, err := r.FormFile("census")
	if err != nil {
		d.Errors["census"] = "identity.census.header"
		d.Alert, d.AlertKind = "error.invalid", "bad"
		return h.desk(w, r, http.StatusBadRequest, d)
	}
	defer f.Close()
	res, err := h.svc.ImportCensus(r.Context(), m.ID, f)
	if err == nil {
		d.Census = &res
		return h.desk(w, r, http.StatusOK, d)
	}
	status, err := d.fail(err)
	if err != nil {
		return err
	}
	for k, v := range d.Errors {
		if k != "census" {
			d.Values["census_line"] = k
			d.Errors["census"] = v
		}
	}
	return h.desk(w, r, status, d)
}
