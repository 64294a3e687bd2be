package participation

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

type initiativeHandler struct {
	svc    *Service
	render *web.Renderer
}

// InitiativeRoutes mounts the initiative projects' pages: the list, the
// registration form and the project page (public, with payers' names
// masked), the residents' join/support/submit buttons, and the officials'
// forms on the project page — meetings, consideration, scoring and the
// co-financing ledger.
func InitiativeRoutes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &initiativeHandler{svc: svc, render: render}
	rt.HandlePublic("GET /m/{slug}/participation/initiatives", h.listPage)
	rt.Handle("GET /m/{slug}/participation/initiatives/new", h.newPage)
	rt.Handle("POST /m/{slug}/participation/initiatives", h.register)
	rt.HandlePublic("GET /participation/initiatives/{id}", h.page)
	rt.Handle("POST /m/{slug}/participation/initiatives/rules", h.setRules)
	for _, a := range []string{"join", "support", "submit", "meeting", "consider", "decide", "score", "pledge", "pay", "refund"} {
		rt.Handle("POST /participation/initiatives/{id}/"+a, h.act)
	}
}

type initiativeRow struct {
	Initiative
	Cost string
}

type initiativesView struct {
	*form
	Muni  Place
	Items []initiativeRow
	Rules InitiativeRules
	Admin bool // administers the municipality: may change the rules
}

// criteriaText is the rules' criteria as the admin form edits them, one
// "code; label; English label; weight; maximum" a line.
func criteriaText(cs []Criterion) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Code + "; " + c.Label + "; " + c.LabelEN + "; " + strconv.Itoa(c.Weight) + "; " + strconv.Itoa(c.MaxScore) + "\n")
	}
	return b.String()
}

// parseCriteria reads criteriaText back; a malformed line is an error.
func parseCriteria(s string) ([]Criterion, bool) {
	var out []Criterion
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ";")
		if len(f) != 5 {
			return nil, false
		}
		w, err1 := strconv.Atoi(strings.TrimSpace(f[3]))
		m, err2 := strconv.Atoi(strings.TrimSpace(f[4]))
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out = append(out, Criterion{Code: strings.TrimSpace(f[0]), Label: strings.TrimSpace(f[1]), LabelEN: strings.TrimSpace(f[2]),
			Weight: w, MaxScore: m})
	}
	return out, true
}

func (h *initiativeHandler) listView(r *http.Request) (initiativesView, error) {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return initiativesView{}, err
	}
	list, err := h.svc.Initiatives(r.Context(), m.ID)
	if err != nil {
		return initiativesView{}, err
	}
	v := initiativesView{form: newForm(), Muni: m, Admin: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, m.Path)}
	if v.Rules, err = h.svc.InitiativeRules(r.Context(), m.ID); err != nil {
		return v, err
	}
	v.Values["min_group"], v.Values["consideration_days"] = strconv.Itoa(v.Rules.MinGroup), strconv.Itoa(v.Rules.ConsiderationDays)
	v.Values["criteria"] = criteriaText(v.Rules.Criteria)
	for _, it := range list {
		v.Items = append(v.Items, initiativeRow{Initiative: it, Cost: money(it.Cost)})
	}
	return v, nil
}

func (h *initiativeHandler) listPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.listView(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "rules" {
		v.Alert = ""
		v.Values["done"] = "participation.initiative.done.rules"
	}
	return h.render.Page(w, r, http.StatusOK, "participation/initiatives", v)
}

// setRules saves the municipality's rules from the admin form.
func (h *initiativeHandler) setRules(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.listView(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	for _, k := range []string{"min_group", "consideration_days", "criteria"} {
		v.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := InitiativeRules{MinGroup: -1, ConsiderationDays: -1}
	if n, err := strconv.Atoi(v.Values["min_group"]); err == nil {
		in.MinGroup = n
	}
	if n, err := strconv.Atoi(v.Values["consideration_days"]); err == nil {
		in.ConsiderationDays = n
	}
	crit, ok := parseCriteria(v.Values["criteria"])
	if !ok {
		crit = []Criterion{{}} // refused with the other fields
	}
	in.Criteria = crit
	if _, err = h.svc.SetInitiativeRules(r.Context(), v.Muni.ID, in); err == nil {
		http.Redirect(w, r, "/m/"+v.Muni.Slug+"/participation/initiatives?done=rules", http.StatusSeeOther)
		return nil
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, status, "participation/initiatives", v)
}

type initiativeNewView struct {
	*form
	Muni      Place
	Districts []Place
	Rules     InitiativeRules
}

func (h *initiativeHandler) newView(r *http.Request) (initiativeNewView, error) {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return initiativeNewView{}, err
	}
	v := initiativeNewView{form: newForm(), Muni: m}
	if v.Districts, err = h.svc.places.Districts(r.Context(), m.ID); err != nil {
		return v, err
	}
	v.Rules, err = h.svc.InitiativeRules(r.Context(), m.ID)
	return v, err
}

func (h *initiativeHandler) newPage(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.newView(r)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/initiative_new", v)
}

func (h *initiativeHandler) register(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	v, err := h.newView(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	for _, k := range []string{"title", "description", "cost", "territory_node_id"} {
		v.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := InitiativeInput{TerritoryNodeID: v.Values["territory_node_id"], Title: v.Values["title"], Description: v.Values["description"]}
	cost, perr := pb.ParseRoubles(strings.ReplaceAll(v.Values["cost"], " ", ""))
	in.Cost = cost
	if perr != nil {
		in.Cost = -1 // refused by the service with the other fields
	}
	it, err := h.svc.RegisterInitiative(r.Context(), v.Muni.ID, in)
	if err == nil {
		http.Redirect(w, r, "/participation/initiatives/"+it.ID+"?done=registered", http.StatusSeeOther)
		return nil
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, status, "participation/initiative_new", v)
}

type payerRow struct {
	PayerFinance
	Pledged, Paid, Refunded, Owed string
}

type initiativeView struct {
	*form
	Muni       Place
	Territory  Place
	Initiative Initiative
	Cost       string
	Rules      InitiativeRules
	Meetings   []Meeting
	Scoring    Scoring
	Total      string // the weighted total, "71.4 %"
	Payers     []payerRow
	Pledged    string
	Paid       string
	Refunded   string
	Fund       string
	Balanced   bool
	Members    []string
	Official   bool // operator or above over the territory: meetings, scores, payments
	Admin      bool // administers the municipality: consideration and decision
	Done       string
	Overdue    bool // under consideration past its due date
	// MeetingFields are the meeting form's one-line fields.
	MeetingFields []string
}

func (h *initiativeHandler) view(ctx context.Context, id string) (initiativeView, error) {
	it, err := h.svc.Initiative(ctx, id)
	if err != nil {
		return initiativeView{}, err
	}
	m, err := h.svc.municipality(ctx, it.TenantID)
	if err != nil {
		return initiativeView{}, err
	}
	a := auth.From(ctx)
	v := initiativeView{form: newForm(), Muni: m, Territory: m, Initiative: it, Cost: money(it.Cost),
		Official: a.Can(auth.RoleOperator, it.NodePath), Admin: a.Can(auth.RoleMunicipalAdmin, m.Path),
		MeetingFields: []string{"held_on", "place", "attendees", "votes_for"}}
	v.Overdue = it.Status == InitiativeConsidering && h.svc.now().After(it.DueAt)
	if it.NodeID != m.ID {
		if v.Territory, err = h.svc.places.Node(ctx, it.NodeID); err != nil {
			return v, err
		}
	}
	if v.Rules, err = h.svc.InitiativeRules(ctx, m.ID); err != nil {
		return v, err
	}
	if v.Meetings, err = h.svc.Meetings(ctx, id); err != nil {
		return v, err
	}
	if v.Scoring, err = h.svc.Scoring(ctx, id); err != nil {
		return v, err
	}
	if v.Scoring.TotalPermille >= 0 {
		v.Total = strconv.Itoa(v.Scoring.TotalPermille/10) + "." + strconv.Itoa(v.Scoring.TotalPermille%10) + "\u00a0%"
	}
	f, err := h.svc.Finance(ctx, id)
	if err != nil {
		return v, err
	}
	for _, p := range f.Payers {
		v.Payers = append(v.Payers, payerRow{PayerFinance: p, Pledged: money(p.Pledged), Paid: money(p.Paid),
			Refunded: money(p.Refunded), Owed: money(p.Owed())})
	}
	v.Pledged, v.Paid, v.Refunded, v.Fund = money(f.Totals.Pledged), money(f.Totals.Paid), money(f.Totals.Refunded), money(f.Fund)
	v.Balanced = f.Sum == 0
	if v.Official {
		if v.Members, err = h.svc.InitiativeMembers(ctx, id); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (h *initiativeHandler) page(w http.ResponseWriter, r *http.Request) error {
	v, err := h.view(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	switch d := r.URL.Query().Get("done"); d {
	case "registered", "join", "support", "submit", "meeting", "consider", "decide", "score", "pledge", "pay", "refund":
		v.Done = "participation.initiative.done." + d
	}
	return h.render.Page(w, r, http.StatusOK, "participation/initiative", v)
}

// act runs one of the project page's forms: the last path segment names it.
func (h *initiativeHandler) act(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	id := r.PathValue("id")
	action := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	if err := r.ParseForm(); err != nil {
		return fault.Invalid("form-invalid", nil)
	}
	ctx := r.Context()
	val := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	amount := func() int64 {
		k, err := pb.ParseRoubles(strings.ReplaceAll(val("amount"), " ", ""))
		if err != nil {
			return -1
		}
		return k
	}
	num := func(k string) int {
		n, err := strconv.Atoi(val(k))
		if err != nil {
			return -1
		}
		return n
	}
	var err error
	switch action {
	case "join":
		err = h.svc.JoinInitiative(ctx, id)
	case "support":
		err = h.svc.SupportInitiative(ctx, id)
	case "submit":
		_, err = h.svc.SubmitInitiative(ctx, id)
	case "meeting":
		_, err = h.svc.RecordMeeting(ctx, id, MeetingInput{HeldOn: val("held_on"), Place: val("place"),
			Attendees: num("attendees"), VotesFor: num("votes_for"), Minutes: val("minutes")})
	case "consider":
		_, err = h.svc.ConsiderInitiative(ctx, id)
	case "decide":
		_, err = h.svc.DecideInitiative(ctx, id, val("decision") == "accept", val("reason"))
	case "score":
		scores := map[string]int{}
		it, ierr := h.svc.Initiative(ctx, id)
		if ierr != nil {
			return ierr
		}
		rules, rerr := h.svc.InitiativeRules(ctx, it.TenantID)
		if rerr != nil {
			return rerr
		}
		for _, c := range rules.Criteria {
			scores[c.Code] = num("score_" + c.Code)
		}
		err = h.svc.ScoreInitiative(ctx, id, scores)
	case "pledge":
		_, err = h.svc.Pledge(ctx, id, PledgeInput{PayerID: val("payer_id"), Kind: val("kind"), Name: val("name"), Amount: amount()})
	case "pay":
		err = h.svc.Pay(ctx, id, val("payer_id"), amount())
	case "refund":
		err = h.svc.Refund(ctx, id, val("payer_id"), amount())
	default:
		return ErrNotFound
	}
	if err == nil {
		http.Redirect(w, r, "/participation/initiatives/"+id+"?done="+action, http.StatusSeeOther)
		return nil
	}
	v, verr := h.view(ctx, id)
	if verr != nil {
		return verr
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	for k := range r.PostForm {
		v.Values[action+"."+k] = val(k)
	}
	v.Values["form"] = action
	return h.render.Page(w, r, status, "participation/initiative", v)
}
