package participation

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

type handler struct {
	svc    *Service
	render *web.Renderer
}

// Routes mounts the resident pages (processes, proposals, polls), the
// officials' answers and moderation, and the administrators' process
// editor.
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render}
	rt.HandlePublic("GET /m/{slug}/participation/{$}", h.processesPage)
	rt.Handle("GET /m/{slug}/participation/{process}", h.processPage)
	rt.Handle("GET /m/{slug}/participation/{process}/proposals", h.proposalsPage)
	rt.Handle("GET /m/{slug}/participation/{process}/proposals/new", h.newProposal)
	rt.Handle("POST /m/{slug}/participation/{process}/proposals", h.createProposal)
	rt.Handle("GET /participation/proposals/{id}", h.proposalPage)
	rt.Handle("POST /participation/proposals/{id}/support", h.support)
	rt.Handle("POST /participation/proposals/{id}/comments", h.comment)
	rt.Handle("POST /participation/proposals/{id}/answer", h.answer)
	rt.Handle("POST /participation/proposals/{id}/follow", h.follow)
	rt.Handle("POST /participation/flag/{type}/{id}", h.flag)
	rt.Handle("POST /participation/moderate/{type}/{id}", h.moderate)
	rt.Handle("GET /participation/polls/{id}", h.pollPage)
	rt.Handle("POST /participation/polls/{id}", h.answerPoll)
	rt.Handle("GET /admin/m/{slug}/participation", h.adminProcesses)
	rt.Handle("POST /admin/m/{slug}/participation", h.adminCreateProcess)
	rt.Handle("GET /admin/m/{slug}/participation/moderation", h.moderationPage)
	rt.Handle("GET /admin/participation/{id}", h.adminProcess)
	rt.Handle("POST /admin/participation/{id}/phases", h.adminAddPhase)
	rt.Handle("POST /admin/participation/{id}/polls", h.adminAddPoll)
	rt.Handle("GET /api/v1/participation/processes/{id}/proposals", h.apiProposals)
}

// form is what a page with a form shows: values entered, messages per
// field (i18n keys) and the alert above the form.
type form struct {
	Values map[string]string
	Errors map[string]string
	Alert  string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// fail puts a refusal of the person's input into the form and returns the
// status to render with; any other error comes back to the caller.
func (f *form) fail(err error) (int, error) {
	fe, ok := fault.As(err)
	if !ok || errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrUnauthorized) {
		return 0, err
	}
	for k, v := range fe.Fields {
		f.Errors[k] = v
	}
	f.Alert = "participation.form.fix"
	if fe.Key != "" && fe.Key != "error.invalid" {
		f.Alert = fe.Key
	}
	status, _, _ := web.Classify(err)
	return status, nil
}

// process reads the municipality of {slug} and its process {process} (a
// slug or an id).
func (h *handler) process(r *http.Request) (Place, Process, error) {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return m, Process{}, err
	}
	p, err := h.svc.ProcessBySlug(r.Context(), m.ID, r.PathValue("process"))
	if errors.Is(err, ErrNotFound) {
		p, err = h.svc.Process(r.Context(), r.PathValue("process"))
		if err == nil && p.TenantID != m.ID {
			err = ErrNotFound
		}
	}
	return m, p, err
}

// Can is one action of the process page: may the person do it now, and if
// not, why (an i18n key).
type Can struct {
	Action Action
	OK     bool
	Why    string
}

type processesView struct {
	Muni      Place
	Processes []Process
	Now       time.Time
}

func (h *handler) processesPage(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	ps, err := h.svc.Processes(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/processes", processesView{Muni: m, Processes: ps, Now: h.svc.now()})
}

type processView struct {
	Muni    Place
	Process Process
	Current *Phase
	Now     time.Time
	Can     []Can
	Polls   []Poll
	Top     []Proposal
	Budgets []budgetItem // the process's participatory budgets
	Admin   bool
}

func (h *handler) processPage(w http.ResponseWriter, r *http.Request) error {
	m, p, err := h.process(r)
	if err != nil {
		return err
	}
	v := processView{Muni: m, Process: p, Now: h.svc.now(), Admin: auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, m.Path)}
	if ph, ok := p.Current(v.Now); ok {
		v.Current = &ph
		a := auth.From(r.Context())
		for _, x := range ph.Permissions {
			c := Can{Action: x.Action, OK: true}
			if err := h.svc.Eligible(r.Context(), *a, p.ID, x.Action, ""); err != nil {
				_, _, c.Why = web.Classify(err)
				c.OK = false
			}
			v.Can = append(v.Can, c)
		}
	}
	if v.Polls, err = h.svc.Polls(r.Context(), p.ID); err != nil {
		return err
	}
	top, err := h.svc.Proposals(r.Context(), p.ID, OrderTop, web.Page{Limit: 5})
	if err != nil {
		return err
	}
	v.Top = top.Items
	bs, err := h.svc.Budgets(r.Context(), p.ID)
	if err != nil {
		return err
	}
	voting := false
	if v.Current != nil {
		_, voting = v.Current.Permission(ActionVote)
	}
	for _, b := range bs {
		v.Budgets = append(v.Budgets, budgetItem{Budget: b, Muni: m, Limit: money(b.Limit), Open: voting})
	}
	return h.render.Page(w, r, http.StatusOK, "participation/process", v)
}

type proposalsView struct {
	Muni    Place
	Process Process
	Items   []Proposal
	Order   Order
	Next    string
}

func (h *handler) proposalsPage(w http.ResponseWriter, r *http.Request) error {
	m, p, err := h.process(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r, 20, 100)
	if err != nil {
		return err
	}
	order := Order(r.URL.Query().Get("order"))
	if !order.Valid() {
		order = OrderNew
	}
	l, err := h.svc.Proposals(r.Context(), p.ID, order, page)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/proposals",
		proposalsView{Muni: m, Process: p, Items: l.Items, Order: order, Next: l.NextCursor})
}

func (h *handler) apiProposals(w http.ResponseWriter, r *http.Request) error {
	page, err := web.ParsePage(r, 20, 100)
	if err != nil {
		return err
	}
	if _, err := h.svc.Process(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	l, err := h.svc.Proposals(r.Context(), r.PathValue("id"), Order(r.URL.Query().Get("order")), page)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, l)
}

type newProposalView struct {
	*form
	Muni      Place
	Process   Process
	Districts []Place
	Similar   []Similar
}

func (h *handler) newProposal(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, p, err := h.process(r)
	if err != nil {
		return err
	}
	ds, err := h.svc.Districts(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/proposal_new",
		newProposalView{form: newForm(), Muni: m, Process: p, Districts: ds})
}

// createProposal shows similar proposals first: the person files anyway
// with a second press.
func (h *handler) createProposal(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, p, err := h.process(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	v := newProposalView{form: newForm(), Muni: m, Process: p}
	for _, k := range []string{"title", "body", "territory_node_id"} {
		v.Values[k] = r.PostForm.Get(k)
	}
	if v.Districts, err = h.svc.Districts(r.Context(), m.ID); err != nil {
		return err
	}
	status := http.StatusOK
	if r.PostForm.Get("anyway") == "" && strings.TrimSpace(v.Values["title"]) != "" {
		if v.Similar, err = h.svc.SimilarProposals(r.Context(), p.ID, v.Values["title"]); err != nil {
			return err
		}
	}
	if len(v.Similar) == 0 {
		pr, err := h.svc.Propose(r.Context(), p.ID, ProposalInput{Title: v.Values["title"], Body: v.Values["body"],
			TerritoryNodeID: v.Values["territory_node_id"]})
		if err == nil {
			http.Redirect(w, r, "/participation/proposals/"+pr.ID+"?sent=1", http.StatusSeeOther)
			return nil
		}
		if status, err = v.fail(err); err != nil {
			return err
		}
	}
	return h.render.Page(w, r, status, "participation/proposal_new", v)
}

type proposalView struct {
	*form
	Muni      Place
	Process   Process
	Proposal  Proposal
	Comments  []Comment
	Supported bool
	Following bool
	Staff     bool
	Sent      bool
	Done      string
	// The choices of the forms.
	AnswerStates []AnswerState
	Stances      []Stance
	// Result is the accountability record of the proposal, if any.
	Result *Result
}

func (h *handler) proposalView(ctx context.Context, id string) (proposalView, error) {
	var v proposalView
	pr, err := h.svc.Proposal(ctx, id)
	if err != nil {
		return v, err
	}
	p, err := h.svc.Process(ctx, pr.ProcessID)
	if err != nil {
		return v, err
	}
	m, err := h.svc.municipality(ctx, p.TenantID)
	if err != nil {
		return v, err
	}
	v = proposalView{form: newForm(), Muni: m, Process: p, Proposal: pr, Staff: auth.From(ctx).Can(auth.RoleOperator, m.Path),
		AnswerStates: AnswerStates(), Stances: Stances()}
	if v.Comments, err = h.svc.Comments(ctx, pr.ID); err != nil {
		return v, err
	}
	if v.Supported, err = h.svc.Supported(ctx, pr.ID); err != nil {
		return v, err
	}
	if v.Following, err = h.svc.Following(ctx, pr.ID); err != nil {
		return v, err
	}
	if res, err := h.svc.ResultFor(ctx, "", pr.ID); err == nil {
		v.Result = &res
	} else if !errors.Is(err, ErrNotFound) {
		return v, err
	}
	return v, nil
}

func (h *handler) proposalPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.proposalView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Sent = r.URL.Query().Get("sent") != ""
	v.Done = doneKey(r.URL.Query().Get("done"))
	return h.render.Page(w, r, http.StatusOK, "participation/proposal", v)
}

// doneKey is the message of a ?done= code, "" when unknown.
func doneKey(code string) string {
	switch code {
	case "supported", "commented", "flagged", "answered", "moderated", "followed", "unfollowed":
		return "participation.done." + code
	}
	return ""
}

// afterProposalAction goes back to the proposal with a message, or shows
// it again with the refusal.
func (h *handler) afterProposalAction(w http.ResponseWriter, r *http.Request, id string, err error, done string, keep map[string]string) error {
	if err == nil {
		http.Redirect(w, r, "/participation/proposals/"+id+"?done="+done, http.StatusSeeOther)
		return nil
	}
	v, verr := h.proposalView(r.Context(), id)
	if verr != nil {
		return verr
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	for k, x := range keep {
		v.Values[k] = x
	}
	return h.render.Page(w, r, status, "participation/proposal", v)
}

func (h *handler) support(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	id := r.PathValue("id")
	_, err := h.svc.Support(r.Context(), id)
	return h.afterProposalAction(w, r, id, err, "supported", nil)
}

func (h *handler) comment(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	id := r.PathValue("id")
	in := CommentInput{ParentID: r.PostForm.Get("parent_id"), Stance: Stance(r.PostForm.Get("stance")), Body: r.PostForm.Get("body")}
	_, err := h.svc.Comment(r.Context(), id, in)
	return h.afterProposalAction(w, r, id, err, "commented", map[string]string{"body": in.Body, "stance": string(in.Stance)})
}

func (h *handler) answer(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	id := r.PathValue("id")
	st, text := AnswerState(r.PostForm.Get("state")), r.PostForm.Get("answer")
	_, err := h.svc.AnswerProposal(r.Context(), id, st, text)
	return h.afterProposalAction(w, r, id, err, "answered", map[string]string{"answer": text, "state": string(st)})
}

func (h *handler) follow(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	id, on := r.PathValue("id"), r.PostForm.Get("on") != ""
	done := "unfollowed"
	if on {
		done = "followed"
	}
	return h.afterProposalAction(w, r, id, h.svc.Follow(r.Context(), id, on), done, nil)
}

func (h *handler) flag(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	typ, id := r.PathValue("type"), r.PathValue("id")
	proposalID := r.PostForm.Get("proposal_id")
	if typ == "proposal" {
		proposalID = id
	}
	err := h.svc.Flag(r.Context(), typ, id, r.PostForm.Get("reason"))
	if errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrInvalid) || err == nil {
		if proposalID == "" {
			return err
		}
		return h.afterProposalAction(w, r, proposalID, err, "flagged", nil)
	}
	return err
}

func (h *handler) moderate(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	if err := h.svc.Moderate(r.Context(), r.PathValue("type"), r.PathValue("id"), r.PostForm.Get("keep") != ""); err != nil {
		return err
	}
	next := r.PostForm.Get("next")
	if !strings.HasPrefix(next, "/admin/m/") {
		next = "/"
	}
	http.Redirect(w, r, next+"?done=moderated", http.StatusSeeOther)
	return nil
}

type moderationView struct {
	Muni  Place
	Queue Queue
	Done  string
}

func (h *handler) moderationPage(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	q, err := h.svc.ModerationQueue(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "participation/moderation",
		moderationView{Muni: m, Queue: q, Done: doneKey(r.URL.Query().Get("done"))})
}

type pollView struct {
	*form
	Muni     Place
	Process  Process
	Poll     Poll
	Answered bool
	Open     bool
	Results  *PollResults
	Done     bool
	Chosen   map[int]bool
}

func (h *handler) pollView(ctx context.Context, id string) (pollView, error) {
	var v pollView
	poll, err := h.svc.Poll(ctx, id)
	if err != nil {
		return v, err
	}
	p, err := h.svc.Process(ctx, poll.ProcessID)
	if err != nil {
		return v, err
	}
	m, err := h.svc.municipality(ctx, p.TenantID)
	if err != nil {
		return v, err
	}
	v = pollView{form: newForm(), Muni: m, Process: p, Poll: poll, Open: poll.Open(h.svc.now()), Chosen: map[int]bool{}}
	if v.Answered, err = h.svc.Answered(ctx, poll.ID); err != nil {
		return v, err
	}
	res, err := h.svc.PollResults(ctx, poll.ID)
	switch {
	case err == nil:
		v.Results = &res
	case !errors.Is(err, ErrResultsHidden):
		return v, err
	}
	return v, nil
}

func (h *handler) pollPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.pollView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Done = r.URL.Query().Get("done") != ""
	return h.render.Page(w, r, http.StatusOK, "participation/poll", v)
}

// answerPoll reads single and k-of-n choices from "choice" values and a
// ranking from "rank_<position>" = 1, 2… (blank leaves an option out).
func (h *handler) answerPoll(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	id := r.PathValue("id")
	poll, err := h.svc.Poll(r.Context(), id)
	if err != nil {
		return err
	}
	in, bad := readPollAnswer(poll, r.PostForm)
	if bad == nil {
		err = h.svc.AnswerPoll(r.Context(), id, in)
	} else {
		err = invalid("poll-answer-invalid", bad)
	}
	if err == nil {
		http.Redirect(w, r, "/participation/polls/"+id+"?done=1", http.StatusSeeOther)
		return nil
	}
	v, verr := h.pollView(r.Context(), id)
	if verr != nil {
		return verr
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	v.Values["text"] = in.Text
	for _, c := range in.Choices {
		v.Chosen[c] = true
	}
	for k, vals := range r.PostForm {
		if strings.HasPrefix(k, "rank_") && len(vals) > 0 {
			v.Values[k] = vals[0]
		}
	}
	return h.render.Page(w, r, status, "participation/poll", v)
}

func readPollAnswer(p Poll, f url.Values) (PollAnswer, map[string]string) {
	in := PollAnswer{Text: f.Get("text")}
	switch p.Kind {
	case PollSingle, PollMulti:
		for _, s := range f["choice"] {
			n, err := strconv.Atoi(s)
			if err != nil {
				return in, map[string]string{"choices": "participation.field.choose"}
			}
			in.Choices = append(in.Choices, n)
		}
	case PollRanking:
		byRank := map[int]int{}
		for pos := 1; pos <= len(p.Options); pos++ {
			s := strings.TrimSpace(f.Get("rank_" + strconv.Itoa(pos)))
			if s == "" {
				continue
			}
			rank, err := strconv.Atoi(s)
			if err != nil || rank < 1 || rank > len(p.Options) || byRank[rank] != 0 {
				return in, map[string]string{"choices": "participation.field.ranks"}
			}
			byRank[rank] = pos
		}
		for rank := 1; rank <= len(byRank); rank++ {
			pos, ok := byRank[rank]
			if !ok {
				return in, map[string]string{"choices": "participation.field.ranks"}
			}
			in.Choices = append(in.Choices, pos)
		}
	}
	return in, nil
}
