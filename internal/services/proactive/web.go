package proactive

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// MaxImportBytes is the largest events CSV upload.
const MaxImportBytes = 8 << 20

type handler struct {
	svc    *Service
	render *web.Renderer
}

// Routes mounts the resident's page (offers and consent) and the
// officials' pages (overview, rules, CSV import, sweep).
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render}
	rt.Handle("GET /proactive", h.mine)
	rt.Handle("POST /proactive/consent", h.giveConsent)
	rt.Handle("POST /proactive/consent/withdraw", h.withdrawConsent)
	rt.Handle("POST /proactive/offers/{id}/accept", h.accept)
	rt.Handle("POST /proactive/offers/{id}/decline", h.decline)
	rt.Handle("GET /m/{slug}/proactive", h.overview)
	rt.HandleBody("POST /m/{slug}/proactive/import", MaxImportBytes, h.importFile)
	rt.Handle("POST /m/{slug}/proactive/sweep", h.sweep)
	rt.Handle("GET /m/{slug}/proactive/rules/new", h.newRule)
	rt.Handle("POST /m/{slug}/proactive/rules", h.saveRule)
	rt.Handle("GET /m/{slug}/proactive/rules/{id}", h.rule)
	rt.Handle("POST /m/{slug}/proactive/rules/{id}", h.saveRule)
}

// minePage is the resident's page.
type minePage struct {
	Consent ConsentState
	Text    ConsentText
	Offers  []Offer
	Done    string // what the last action did: a message key suffix
	Error   string // message key
}

func (h *handler) mine(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.minePage(w, r, http.StatusOK, r.URL.Query().Get("done"), "")
}

func (h *handler) minePage(w http.ResponseWriter, r *http.Request, status int, done, errKey string) error {
	ctx := r.Context()
	p := minePage{Error: errKey}
	switch done {
	case "consent", "withdrawn", "declined":
		p.Done = done
	}
	var err error
	if p.Consent, err = h.svc.MyConsent(ctx); err != nil {
		return err
	}
	if p.Text, err = ConsentDocument(CurrentConsent, web.Lang(ctx)); err != nil {
		return err
	}
	if p.Offers, err = h.svc.MyOffers(ctx); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "proactive/mine", p)
}

func (h *handler) giveConsent(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if r.FormValue("agree") != "yes" {
		return h.minePage(w, r, http.StatusBadRequest, "", "proactive.consent.must_agree")
	}
	if err := h.svc.GiveConsent(r.Context(), web.Lang(r.Context())); err != nil {
		return err
	}
	http.Redirect(w, r, "/proactive?done=consent", http.StatusSeeOther)
	return nil
}

func (h *handler) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := h.svc.WithdrawConsent(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/proactive?done=withdrawn", http.StatusSeeOther)
	return nil
}

// accept starts the pre-filled application and opens it.
func (h *handler) accept(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	appID, err := h.svc.Accept(r.Context(), r.PathValue("id"))
	if errors.Is(err, fault.ErrConflict) {
		fe, _ := fault.As(err)
		return h.minePage(w, r, http.StatusConflict, "", fe.Key)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.svc.ApplicationPath(appID), http.StatusSeeOther)
	return nil
}

func (h *handler) decline(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	err := h.svc.Decline(r.Context(), r.PathValue("id"))
	if errors.Is(err, fault.ErrConflict) {
		fe, _ := fault.As(err)
		return h.minePage(w, r, http.StatusConflict, "", fe.Key)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/proactive?done=declined", http.StatusSeeOther)
	return nil
}

// overviewPage is the officials' page of a municipality.
type overviewPage struct {
	Muni Municipality
	Overview
	CanEdit  bool
	Columns  string
	Import   *ImportResult
	RowErrs  []RowError
	Sweep    *SweepResult
	ErrorKey string
}

func (h *handler) officialMuni(r *http.Request) (Municipality, error) {
	return h.svc.Municipality(r.Context(), r.PathValue("slug"))
}

func (h *handler) overview(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	return h.overviewPage(w, r, http.StatusOK, overviewPage{Muni: m})
}

func (h *handler) overviewPage(w http.ResponseWriter, r *http.Request, status int, p overviewPage) error {
	var err error
	if p.Overview, err = h.svc.Overview(r.Context(), p.Muni.ID); err != nil {
		return err
	}
	p.CanEdit = auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, p.Muni.Path)
	p.Columns = csvHeader()
	return h.render.Page(w, r, status, "proactive/overview", p)
}

func (h *handler) importFile(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	p := overviewPage{Muni: m}
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		p.ErrorKey = "proactive.import.no_file"
		return h.overviewPage(w, r, http.StatusBadRequest, p)
	}
	defer file.Close()
	res, err := h.svc.ImportCSV(r.Context(), m.ID, file)
	var ie *ImportError
	switch {
	case errors.As(err, &ie):
		p.RowErrs = ie.Rows
		return h.overviewPage(w, r, http.StatusUnprocessableEntity, p)
	case errors.Is(err, fault.ErrInvalid):
		fe, _ := fault.As(err)
		p.ErrorKey = fe.Fields["file"]
		return h.overviewPage(w, r, http.StatusBadRequest, p)
	case err != nil:
		return err
	}
	p.Import = &res
	return h.overviewPage(w, r, http.StatusOK, p)
}

func (h *handler) sweep(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	res, err := h.svc.SweepMunicipality(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.overviewPage(w, r, http.StatusOK, overviewPage{Muni: m, Sweep: &res})
}

// rulePage is the rule form.
type rulePage struct {
	Muni    Municipality
	Rule    Rule
	New     bool
	CanEdit bool
	Types   []EventType
	Values  map[string]string
	Errors  map[string]*FieldError // nil for a field without a message
	Saved   bool
	Facts   string
}

// FieldError is a form field's message.
type FieldError = Msg

func ruleValues(ru Rule) map[string]string {
	v := map[string]string{"code": ru.Code, "name": ru.Name, "name_en": ru.NameEN, "event_type": ru.EventType,
		"when": ru.When.String(), "service_code": ru.ServiceCode, "prefill": ru.PrefillText(), "lifetime_days": strconv.Itoa(ru.LifetimeDays)}
	if ru.PerChild {
		v["per_child"] = "yes"
	}
	if ru.Active {
		v["active"] = "yes"
	}
	if ru.LifetimeDays == 0 {
		v["lifetime_days"] = "30"
	}
	return v
}

func (h *handler) rulePage(w http.ResponseWriter, r *http.Request, status int, p rulePage) error {
	var err error
	if p.Types, err = h.svc.EventTypes(r.Context()); err != nil {
		return err
	}
	p.CanEdit = auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, p.Muni.Path)
	p.Facts = strings.Join(factNames, ", ")
	return h.render.Page(w, r, status, "proactive/rule", p)
}

func (h *handler) newRule(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	if _, err := h.svc.Rules(r.Context(), m.ID); err != nil {
		return err
	}
	return h.rulePage(w, r, http.StatusOK, rulePage{Muni: m, New: true, Values: ruleValues(Rule{Active: true})})
}

func (h *handler) rule(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	ru, err := h.svc.Rule(r.Context(), m.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.rulePage(w, r, http.StatusOK, rulePage{Muni: m, Rule: ru, Values: ruleValues(ru), Saved: r.URL.Query().Get("saved") == "1"})
}

// saveRule creates (no id in the path) or changes a rule from the form.
func (h *handler) saveRule(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.officialMuni(r)
	if err != nil {
		return err
	}
	v := map[string]string{}
	for _, k := range []string{"code", "name", "name_en", "event_type", "per_child", "when", "service_code", "prefill", "lifetime_days", "active"} {
		v[k] = r.FormValue(k)
	}
	p := rulePage{Muni: m, New: r.PathValue("id") == "", Values: v, Errors: map[string]*FieldError{}}
	in := Rule{ID: r.PathValue("id"), Code: v["code"], Name: v["name"], NameEN: v["name_en"], EventType: v["event_type"],
		PerChild: v["per_child"] == "yes", ServiceCode: v["service_code"], Active: v["active"] == "yes"}
	if !p.New {
		if p.Rule, err = h.svc.Rule(r.Context(), m.ID, in.ID); err != nil {
			return err
		}
	}
	if in.When, err = ParseCond(v["when"]); err != nil {
		p.Errors["when"] = asMsg(err, "proactive.rule.detail")
	}
	if in.Prefill, err = ParsePrefill(v["prefill"]); err != nil {
		p.Errors["prefill"] = asMsg(err, "proactive.rule.detail")
	}
	if in.LifetimeDays, err = strconv.Atoi(strings.TrimSpace(v["lifetime_days"])); err != nil {
		p.Errors["lifetime_days"] = msg("proactive.rule.lifetime_invalid")
	}
	if len(p.Errors) > 0 {
		return h.rulePage(w, r, http.StatusBadRequest, p)
	}
	saved, err := h.svc.SaveRule(r.Context(), m.ID, in)
	var re *RuleError
	if errors.As(err, &re) {
		p.Errors = re.Fields
		return h.rulePage(w, r, http.StatusBadRequest, p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/proactive/rules/"+saved.ID+"?saved=1", http.StatusSeeOther)
	return nil
}

// In is the message in the page's language.
func (m *Msg) In(v *web.View) string {
	args := make([]any, 0, 2*len(m.Args))
	for k, val := range m.Args {
		args = append(args, k, val)
	}
	return v.T(m.Key, args...)
}
