package participation

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

type ballotHandler struct {
	svc    *Service
	box    *BallotBox
	render *web.Renderer
}

// BallotRoutes mounts the budget pages: the ballot, the results (greedy
// and Equal Shares side by side), the Pabulib file, the published log, the
// public receipt check, and the administrators' budgets, projects and
// paper-ballot import.
func BallotRoutes(rt *web.Router, render *web.Renderer, svc *Service, box *BallotBox) {
	h := &ballotHandler{svc: svc, box: box, render: render}
	rt.Handle("GET /participation/budgets", h.budgetsPage)
	rt.Handle("GET /m/{slug}/participation/verify", h.verifyPage)
	rt.Handle("GET /participation/budgets/{id}", h.ballotPage)
	rt.Handle("POST /participation/budgets/{id}", h.cast)
	rt.Handle("GET /participation/budgets/{id}/results", h.resultsPage)
	rt.Handle("GET /participation/budgets/{id}/pabulib", h.pabulib)
	rt.Handle("GET /participation/budgets/{id}/log.json", h.logJSON)
	rt.Handle("GET /admin/participation/{id}/budgets", h.adminBudgets)
	rt.Handle("POST /admin/participation/{id}/budgets", h.adminCreateBudget)
	rt.Handle("POST /admin/participation/budgets/{id}/projects", h.adminAddProject)
	rt.HandleBody("POST /admin/participation/budgets/{id}/paper", 32<<20, h.adminPaper)
}

// money is kopecks as the pages show them: "1 500 000 ₽".
func money(k int64) string {
	s := pb.Roubles(k)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String() + "\u00a0₽"
}

// budgetContext is what every budget page shows above its content.
type budgetContext struct {
	Muni    Place
	Process Process
	Budget  Budget
	Limit   string
	Costs   map[string]string
	Admin   bool // the person administers the municipality
}

func (h *ballotHandler) budget(r *http.Request) (budgetContext, error) {
	b, err := h.svc.Budget(r.Context(), r.PathValue("id"))
	if err != nil {
		return budgetContext{}, err
	}
	p, err := h.svc.Process(r.Context(), b.ProcessID)
	if err != nil {
		return budgetContext{}, err
	}
	m, err := h.svc.municipality(r.Context(), b.TenantID)
	if err != nil {
		return budgetContext{}, err
	}
	c := budgetContext{Muni: m, Process: p, Budget: b, Limit: money(b.Instance().LimitOf()), Costs: map[string]string{},
		Admin: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, p.TenantPath)}
	for _, x := range b.Projects {
		c.Costs[x.ID] = money(x.Cost)
	}
	return c, nil
}

type ballotView struct {
	budgetContext
	Why      string // why the person may not vote, an i18n key
	Voted    bool
	Key      string // the idempotency key of this form
	Chosen   map[string]bool
	MinSpend string
	Errors   map[string]string
	Alert    string
	Args     map[string]any
	Receipt  *Receipt
}

func newIdemKey() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *ballotHandler) ballotView(r *http.Request) (ballotView, error) {
	c, err := h.budget(r)
	if err != nil {
		return ballotView{}, err
	}
	v := ballotView{budgetContext: c, Key: newIdemKey(), Chosen: map[string]bool{}, Errors: map[string]string{}}
	if m := c.Budget.Instance().MinSpend(); m > 0 {
		v.MinSpend = money(m)
	}
	a := auth.From(r.Context())
	if !a.SignedIn() {
		v.Why = "participation.sign_in"
		return v, nil
	}
	if err := h.svc.Eligible(r.Context(), *a, c.Budget.ProcessID, ActionVote, c.Budget.DistrictID); err != nil {
		_, _, v.Why = web.Classify(err)
	}
	v.Voted, err = h.svc.st.voted(r.Context(), c.Budget.ID, a.ID)
	return v, err
}

func (h *ballotHandler) ballotPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.ballotView(r)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/ballot", v)
}

func (h *ballotHandler) cast(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return fault.Invalid("form-invalid", nil)
	}
	in := BallotInput{Projects: r.PostForm["project"], IdempotencyKey: r.PostFormValue("idempotency_key"),
		RevoteCode: strings.TrimSpace(r.PostFormValue("revote_code"))}
	rec, err := h.box.Cast(r.Context(), r.PathValue("id"), in)
	v, verr := h.ballotView(r)
	if verr != nil {
		return verr
	}
	w.Header().Set("Cache-Control", "no-store") // the page holds the re-vote code
	if err == nil {
		v.Receipt = &rec
		return h.render.Page(w, r, http.StatusOK, "participation/ballot", v)
	}
	fe, ok := fault.As(err)
	if !ok || errors.Is(err, fault.ErrNotFound) {
		return err
	}
	for _, id := range in.Projects {
		v.Chosen[id] = true
	}
	v.Key = in.IdempotencyKey // a resubmission is the same request
	if errors.Is(err, ErrIdempotencyReuse) || len(in.IdempotencyKey) < 22 {
		v.Key = newIdemKey()
	}
	for k, m := range fe.Fields {
		v.Errors[k] = m
	}
	v.Alert, v.Args = fe.Key, fe.Args
	if fe.Key == "error.invalid" {
		v.Alert = "participation.form.fix"
	}
	status, _, _ := web.Classify(err)
	return h.render.Page(w, r, status, "participation/ballot", v)
}

type resultsView struct {
	budgetContext
	Results Results
	Rows    []resultRow
	Greedy  string
	MES     string
}

type resultRow struct {
	Project BudgetProject
	Cost    string
	Votes   int
	Greedy  bool
	MES     bool
	Stage   string
	Result  string // the id of the project's accountability record, if any
}

func (h *ballotHandler) resultsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.budget(r)
	if err != nil {
		return err
	}
	res, err := h.box.Results(r.Context(), c.Budget.ID)
	if err != nil {
		return err
	}
	v := resultsView{budgetContext: c, Results: res, Greedy: money(res.Greedy.Spent), MES: money(res.MES.Spent)}
	done, err := h.svc.st.resultsByProject(r.Context(), c.Budget.ID)
	if err != nil {
		return err
	}
	for i, p := range c.Budget.Projects {
		row := resultRow{Project: p, Cost: money(p.Cost), Votes: res.Counts[i], Greedy: res.Greedy.Won(p.ID), MES: res.MES.Won(p.ID),
			Result: done[p.ID]}
		for _, s := range res.MES.Selected {
			if s.Project == p.ID {
				row.Stage = string(s.Stage)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return h.render.Page(w, r, http.StatusOK, "participation/budget_results", v)
}

// pabulib serves the instance and its votes as a .pb file, once the
// results are public.
func (h *ballotHandler) pabulib(w http.ResponseWriter, r *http.Request) error {
	res, err := h.box.Results(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	votes, err := h.box.votes(r.Context(), res.Budget.ID)
	if err != nil {
		return err
	}
	in := res.Budget.Instance()
	in.Meta["rule"] = "equalshares"
	var buf bytes.Buffer
	if err := pb.WritePabulib(&buf, in, votes, res.MES.Winners()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="budget-`+res.Budget.ID+`.pb"`)
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *ballotHandler) logJSON(w http.ResponseWriter, r *http.Request) error {
	pl, err := h.box.Log(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(pl)
}

type verifyView struct {
	Muni      Place
	Receipt   string
	Inclusion *Inclusion
	Titles    map[string]string
	Budget    string
	BudgetID  string
	Alert     string
}

// verifyPage checks a receipt against the published log: present, proven
// included under the signed checkpoint, and whether it still counts.
func (h *ballotHandler) verifyPage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := verifyView{Muni: m, Receipt: strings.ToLower(strings.TrimSpace(r.URL.Query().Get("receipt")))}
	if v.Receipt == "" {
		return h.render.Page(w, r, http.StatusOK, "participation/verify", v)
	}
	budgetID, err := h.svc.st.budgetOfReceipt(r.Context(), v.Receipt)
	if err == nil {
		var b Budget
		if b, err = h.svc.Budget(r.Context(), budgetID); err == nil && b.TenantID != m.ID {
			err = ErrReceiptUnknown
		} else if err == nil {
			var inc Inclusion
			inc, err = h.box.Verify(r.Context(), budgetID, v.Receipt)
			v.Inclusion, v.Budget, v.BudgetID, v.Titles = &inc, b.Title, b.ID, map[string]string{}
			for _, p := range b.Projects {
				v.Titles[p.ID] = p.Title
			}
		}
	}
	status := http.StatusOK
	if err != nil {
		if !errors.Is(err, ErrReceiptUnknown) && !errors.Is(err, ErrProof) && !errors.Is(err, ErrSignature) {
			return err
		}
		v.Inclusion = nil
		status, _, v.Alert = web.Classify(err)
		if !errors.Is(err, ErrReceiptUnknown) {
			v.Alert = "participation.ballot.verify.broken"
		}
	}
	return h.render.Page(w, r, status, "participation/verify", v)
}

type adminBudgetsView struct {
	Muni      Place
	Process   Process
	Budgets   []budgetContext
	Districts []Place
	Values    map[string]string
	Errors    map[string]string
	Alert     string
	Report    *PaperReport
	Done      string
}

func (h *ballotHandler) adminView(r *http.Request, processID string) (adminBudgetsView, error) {
	p, err := h.svc.Process(r.Context(), processID)
	if err != nil {
		return adminBudgetsView{}, err
	}
	if _, err := requireAdmin(r.Context(), p.TenantPath); err != nil {
		return adminBudgetsView{}, err
	}
	m, err := h.svc.municipality(r.Context(), p.TenantID)
	if err != nil {
		return adminBudgetsView{}, err
	}
	v := adminBudgetsView{Muni: m, Process: p, Values: map[string]string{}, Errors: map[string]string{}, Done: r.URL.Query().Get("done")}
	if v.Districts, err = h.svc.places.Districts(r.Context(), m.ID); err != nil {
		return v, err
	}
	bs, err := h.svc.Budgets(r.Context(), p.ID)
	for _, b := range bs {
		c := budgetContext{Muni: m, Process: p, Budget: b, Limit: money(b.Limit), Costs: map[string]string{}}
		for _, x := range b.Projects {
			c.Costs[x.ID] = money(x.Cost)
		}
		v.Budgets = append(v.Budgets, c)
	}
	return v, err
}

func (h *ballotHandler) adminBudgets(w http.ResponseWriter, r *http.Request) error {
	v, err := h.adminView(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/budget_admin", v)
}

// failAdmin re-renders the admin page with the refusal.
func (h *ballotHandler) failAdmin(w http.ResponseWriter, r *http.Request, v adminBudgetsView, err error) error {
	fe, ok := fault.As(err)
	if !ok || errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrForbidden) {
		return err
	}
	for k, m := range fe.Fields {
		v.Errors[k] = m
	}
	v.Alert = fe.Key
	if fe.Key == "error.invalid" {
		v.Alert = "participation.form.fix"
	}
	status, _, _ := web.Classify(err)
	return h.render.Page(w, r, status, "participation/budget_admin", v)
}

func (h *ballotHandler) adminCreateBudget(w http.ResponseWriter, r *http.Request) error {
	v, err := h.adminView(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	r.ParseForm()
	for _, k := range []string{"title", "district_id", "limit", "kind", "min_projects", "max_projects", "min_spend_percent"} {
		v.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := BudgetInput{DistrictID: v.Values["district_id"], Title: v.Values["title"], Kind: pb.Kind(v.Values["kind"])}
	bad := map[string]string{}
	if in.Limit, err = pb.ParseRoubles(strings.ReplaceAll(v.Values["limit"], " ", "")); err != nil {
		bad["limit_kopecks"] = "participation.field.money"
	}
	for field, dst := range map[string]*int{"min_projects": &in.MinProjects, "max_projects": &in.MaxProjects, "min_spend_percent": &in.MinSpendPercent} {
		if s := v.Values[field]; s != "" {
			if *dst, err = strconv.Atoi(s); err != nil {
				bad[field] = "participation.field.number"
			}
		}
	}
	if len(bad) > 0 {
		return h.failAdmin(w, r, v, fault.Invalid("budget-invalid", bad))
	}
	if _, err := h.svc.CreateBudget(r.Context(), v.Process.ID, in); err != nil {
		return h.failAdmin(w, r, v, err)
	}
	http.Redirect(w, r, "/admin/participation/"+v.Process.ID+"/budgets?done=budget", http.StatusSeeOther)
	return nil
}

func (h *ballotHandler) adminAddProject(w http.ResponseWriter, r *http.Request) error {
	b, err := h.svc.Budget(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := h.adminView(r, b.ProcessID)
	if err != nil {
		return err
	}
	r.ParseForm()
	in := ProjectInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	v.Values["project_title"], v.Values["project_budget"], v.Values["cost"] = in.Title, b.ID, r.PostFormValue("cost")
	if in.Cost, err = pb.ParseRoubles(strings.ReplaceAll(r.PostFormValue("cost"), " ", "")); err != nil {
		return h.failAdmin(w, r, v, fault.Invalid("project-invalid", map[string]string{"cost_kopecks": "participation.field.cost"}))
	}
	if _, err := h.svc.AddProject(r.Context(), b.ID, in); err != nil {
		return h.failAdmin(w, r, v, err)
	}
	http.Redirect(w, r, "/admin/participation/"+b.ProcessID+"/budgets?done=project", http.StatusSeeOther)
	return nil
}

func (h *ballotHandler) adminPaper(w http.ResponseWriter, r *http.Request) error {
	b, err := h.svc.Budget(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := h.adminView(r, b.ProcessID)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return h.failAdmin(w, r, v, fault.Invalid("ballot-paper-invalid", map[string]string{"file": "participation.ballot.paper.bad_file"}))
	}
	defer f.Close()
	rep, err := h.box.ImportPaper(r.Context(), b.ID, f)
	v.Report = &rep
	if err != nil {
		return h.failAdmin(w, r, v, err)
	}
	v.Done = "paper"
	return h.render.Page(w, r, http.StatusOK, "participation/budget_admin", v)
}

type budgetsView struct {
	Items []budgetItem
}

type budgetItem struct {
	Budget Budget
	Muni   Place
	Limit  string
	Open   bool // voting runs now
}

// budgetsPage lists the budgets of every municipality, newest first: where
// voting runs now, and where results are out.
func (h *ballotHandler) budgetsPage(w http.ResponseWriter, r *http.Request) error {
	bs, err := h.svc.st.recentBudgets(r.Context(), 100)
	if err != nil {
		return err
	}
	var v budgetsView
	munis := map[string]Place{}
	for _, b := range bs {
		m, ok := munis[b.TenantID]
		if !ok {
			if m, err = h.svc.municipality(r.Context(), b.TenantID); err != nil {
				return err
			}
			munis[b.TenantID] = m
		}
		p, err := h.svc.Process(r.Context(), b.ProcessID)
		if err != nil {
			return err
		}
		open := false
		if ph, ok := p.Current(h.svc.now()); ok {
			_, open = ph.Permission(ActionVote)
		}
		v.Items = append(v.Items, budgetItem{Budget: b, Muni: m, Limit: money(b.Limit), Open: open})
	}
	return h.render.Page(w, r, http.StatusOK, "participation/budgets", v)
}
