package participation

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// Similar is a proposal like the one being written, with how alike their
// titles are (0..1).
type Similar struct {
	Proposal Proposal `json:"proposal"`
	Score    float64  `json:"score"`
}

// Similarity thresholds for suggestions.
const (
	minSimilar = 0.25
	maxSimilar = 5
)

// SimilarProposals suggests up to five visible proposals of the process
// whose titles are like title, most alike first: candidates share title
// stems (an index lookup), then trigram similarity ranks them.
func (s *Service) SimilarProposals(ctx context.Context, processID, title string) ([]Similar, error) {
	cands, err := s.st.candidates(ctx, processID, stems(title), 200)
	if err != nil {
		return nil, wrap("similar", err)
	}
	var out []Similar
	for _, p := range cands {
		if sc := Similarity(title, p.Title); sc >= minSimilar {
			out = append(out, Similar{Proposal: p, Score: sc})
		}
	}
	slices.SortFunc(out, func(a, b Similar) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Proposal.ID, b.Proposal.ID)
	})
	if len(out) > maxSimilar {
		out = out[:maxSimilar]
	}
	return out, nil
}

// territory resolves a proposal's territory within the process's
// municipality: "" is the municipality itself.
func (s *Service) territory(ctx context.Context, p Process, nodeID string) (Place, error) {
	if nodeID == "" || nodeID == p.TenantID {
		return s.municipality(ctx, p.TenantID)
	}
	n, err := s.places.Node(ctx, nodeID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && !strings.HasPrefix(n.Path, p.TenantPath)) {
		return n, invalid("proposal-invalid", map[string]string{"territory_node_id": "participation.field.territory"})
	}
	return n, err
}

// Propose makes a proposal in the process, if the phase running now
// allows the actor to propose in its territory. Its support threshold is
// fixed now from the territory's population.
func (s *Service) Propose(ctx context.Context, processID string, in ProposalInput) (Proposal, error) {
	a, err := actor(ctx)
	if err != nil {
		return Proposal{}, err
	}
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return Proposal{}, err
	}
	in.normalize()
	bad := in.validate()
	n, terr := s.territory(ctx, p, in.TerritoryNodeID)
	if f, ok := fault.As(terr); ok && errors.Is(terr, ErrInvalid) {
		for k, v := range f.Fields {
			bad[k] = v
		}
	} else if terr != nil {
		return Proposal{}, terr
	}
	if len(bad) > 0 {
		return Proposal{}, invalid("proposal-invalid", bad)
	}
	if err := s.Eligible(ctx, *a, p.ID, ActionPropose, n.ID); err != nil {
		return Proposal{}, err
	}
	pr := Proposal{ID: db.NewID(), ProcessID: p.ID, TenantID: p.TenantID, TerritoryNodeID: n.ID, TerritoryPath: n.Path,
		AuthorID: a.ID, AuthorName: MaskName(a.Name), Title: in.Title, Body: in.Body, Threshold: p.Threshold(n.Population),
		Demo: s.demo || p.Demo, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createProposal(ctx, pr, stems(pr.Title)); err != nil {
			return err
		}
		if err := s.st.follow(ctx, pr.ID, a.ID, db.Millis(pr.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.proposal.create", ObjectType: "proposal", ObjectID: pr.ID,
			TenantID: pr.TenantID, Detail: map[string]any{"process_id": p.ID, "territory_node_id": n.ID, "threshold": pr.Threshold}},
			"participation.proposal.created", map[string]string{"id": pr.ID, "process_id": p.ID, "tenant_id": p.TenantID})
	})
	return pr, wrap("propose", err)
}

// Proposal reads one proposal. Hidden ones are seen by their author and
// the municipality's officials only.
func (s *Service) Proposal(ctx context.Context, id string) (Proposal, error) {
	p, err := s.st.proposal(ctx, id)
	if err != nil {
		return p, err
	}
	if !p.Moderation.Visible() {
		a := auth.From(ctx)
		if a.ID != p.AuthorID && !a.Can(auth.RoleOperator, p.TenantPath()) {
			return Proposal{}, ErrNotFound
		}
	}
	return p, nil
}

// TenantPath is the path of the proposal's municipality: its territory
// path up to the tenant.
func (p Proposal) TenantPath() string {
	if i := strings.Index(p.TerritoryPath, "/"+p.TenantID+"/"); i >= 0 {
		return p.TerritoryPath[:i+len(p.TenantID)+2]
	}
	return p.TerritoryPath
}

// Proposals lists a page of the process's visible proposals, newest or
// most supported first, by keyset: the cursor is the last item's sort key
// and id, so every page is one index range scan however deep.
func (s *Service) Proposals(ctx context.Context, processID string, order Order, page web.Page) (web.List[Proposal], error) {
	if !order.Valid() {
		order = OrderNew
	}
	items, err := s.st.proposals(ctx, processID, order, page.After, page.Limit)
	if err != nil {
		return web.List[Proposal]{}, err
	}
	return web.NewList(items, page.Limit, func(p Proposal) string {
		if order == OrderTop {
			return strconv.FormatInt(p.Supports, 10) + "\x1f" + p.ID
		}
		return strconv.FormatInt(db.Millis(p.CreatedAt), 10) + "\x1f" + p.ID
	}), nil
}

// Supported reports whether the signed-in person supports the proposal.
func (s *Service) Supported(ctx context.Context, proposalID string) (bool, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return false, nil
	}
	return s.st.supported(ctx, proposalID, a.ID)
}

// Support adds the actor's support to a visible proposal, if the phase
// running now lets them support in its territory. A second support by the
// same person is a conflict — the database holds one row per person.
func (s *Service) Support(ctx context.Context, proposalID string) (Proposal, error) {
	a, err := actor(ctx)
	if err != nil {
		return Proposal{}, err
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return p, err
	}
	if !p.Moderation.Visible() {
		return Proposal{}, ErrNotFound
	}
	if err := s.Eligible(ctx, *a, p.ProcessID, ActionSupport, p.TerritoryNodeID); err != nil {
		return Proposal{}, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.addSupport(ctx, p.ID, a.ID, db.Millis(s.now())); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "proposal-supported", "participation.error.supported")
			}
			return err
		}
		if err := s.st.follow(ctx, p.ID, a.ID, db.Millis(s.now())); err != nil {
			return err
		}
		after, err := s.st.proposal(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := s.record(ctx, audit.Entry{Action: "participation.proposal.support", ObjectType: "proposal", ObjectID: p.ID,
			TenantID: p.TenantID, Detail: map[string]any{"supports": after.Supports}},
			"participation.proposal.supported", map[string]any{"id": p.ID, "tenant_id": p.TenantID, "supports": after.Supports}); err != nil {
			return err
		}
		if after.ReachedAt != nil && p.ReachedAt == nil {
			if err := s.out.Publish(ctx, EventThresholdReached, p.TenantID,
				map[string]any{"id": p.ID, "tenant_id": p.TenantID, "supports": after.Supports, "threshold": after.Threshold}); err != nil {
				return err
			}
		}
		p = after
		return nil
	})
	return p, wrap("support", err)
}

// AnswerProposal records the administration's official answer; the
// municipality's operators and above may.
func (s *Service) AnswerProposal(ctx context.Context, proposalID string, st AnswerState, text string) (Proposal, error) {
	a, err := actor(ctx)
	if err != nil {
		return Proposal{}, err
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return p, err
	}
	if !a.Can(auth.RoleOperator, p.TenantPath()) {
		return Proposal{}, ErrForbidden
	}
	text = strings.TrimSpace(text)
	bad := map[string]string{}
	if !slices.Contains(AnswerStates(), st) {
		bad["state"] = "participation.field.answer_state"
	}
	checkText(bad, "answer", text, maxAnswer, st != AnswerEvaluating)
	if len(bad) > 0 {
		return Proposal{}, invalid("answer-invalid", bad)
	}
	now := s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.answer(ctx, p.ID, st, text, db.Millis(now)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.proposal.answer", ObjectType: "proposal", ObjectID: p.ID,
			TenantID: p.TenantID, Detail: map[string]any{"state": st, "from": p.AnswerState}},
			EventProposalAnswered, map[string]string{"id": p.ID, "tenant_id": p.TenantID, "state": string(st)})
	})
	if err != nil {
		return Proposal{}, wrap("answer", err)
	}
	p.AnswerState, p.Answer, p.AnsweredAt = st, text, &now
	return p, nil
}

// Comment adds a comment (or a reply to one) to a visible proposal, if the
// phase running now lets the actor comment in its territory.
func (s *Service) Comment(ctx context.Context, proposalID string, in CommentInput) (Comment, error) {
	a, err := actor(ctx)
	if err != nil {
		return Comment{}, err
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return Comment{}, err
	}
	if !p.Moderation.Visible() {
		return Comment{}, ErrNotFound
	}
	in.Body = strings.TrimSpace(in.Body)
	bad := map[string]string{}
	checkText(bad, "body", in.Body, maxComment, true)
	if in.Stance == "" {
		in.Stance = StanceNeutral
	}
	if !slices.Contains(Stances(), in.Stance) {
		bad["stance"] = "participation.field.stance"
	}
	depth := 0
	if in.ParentID != "" {
		parent, err := s.st.comment(ctx, in.ParentID)
		switch {
		case errors.Is(err, ErrNotFound) || (err == nil && (parent.ProposalID != p.ID || !parent.Moderation.Visible())):
			bad["parent_id"] = "participation.field.parent"
		case err != nil:
			return Comment{}, err
		default:
			depth = min(parent.Depth+1, maxCommentTree)
		}
	}
	if len(bad) > 0 {
		return Comment{}, invalid("comment-invalid", bad)
	}
	if err := s.Eligible(ctx, *a, p.ProcessID, ActionComment, p.TerritoryNodeID); err != nil {
		return Comment{}, err
	}
	c := Comment{ID: db.NewID(), ProposalID: p.ID, ParentID: in.ParentID, Depth: depth, AuthorID: a.ID,
		AuthorName: MaskName(a.Name), Stance: in.Stance, Body: in.Body, Demo: s.demo || p.Demo, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createComment(ctx, c); err != nil {
			return err
		}
		if err := s.st.follow(ctx, p.ID, a.ID, db.Millis(c.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.comment.create", ObjectType: "comment", ObjectID: c.ID,
			TenantID: p.TenantID, Detail: map[string]any{"proposal_id": p.ID, "stance": c.Stance, "reply": c.ParentID != ""}},
			EventCommentCreated, map[string]string{"id": c.ID, "proposal_id": p.ID, "tenant_id": p.TenantID, "author_id": a.ID})
	})
	return c, wrap("comment", err)
}

// Comments is a proposal's visible thread in reading order: each comment
// followed by its replies, oldest first at every level.
func (s *Service) Comments(ctx context.Context, proposalID string) ([]Comment, error) {
	all, err := s.st.comments(ctx, proposalID, false)
	if err != nil {
		return nil, err
	}
	return thread(all), nil
}

// thread orders comments depth-first; a reply whose parent is not among
// them (hidden) is left out with its subtree.
func thread(cs []Comment) []Comment {
	kids := map[string][]Comment{}
	for _, c := range cs {
		kids[c.ParentID] = append(kids[c.ParentID], c)
	}
	out := make([]Comment, 0, len(cs))
	var walk func(id string)
	walk = func(id string) {
		for _, c := range kids[id] {
			out = append(out, c)
			walk(c.ID)
		}
	}
	walk("")
	return out
}

// Flag marks a proposal or comment as inappropriate, once per person; at
// the process's flag limit the item is hidden until a moderator looks.
func (s *Service) Flag(ctx context.Context, objectType, id, reason string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if _, ok := flagTables[objectType]; !ok {
		return ErrNotFound
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReason {
		return invalid("flag-invalid", map[string]string{"reason": "participation.field.too_long"})
	}
	p, err := s.flagged(ctx, objectType, id)
	if err != nil {
		return err
	}
	proc, err := s.st.process(ctx, p.ProcessID)
	if err != nil {
		return err
	}
	return wrap("flag", s.db.InTx(ctx, func(ctx context.Context) error {
		hid, err := s.st.addFlag(ctx, objectType, id, a.ID, reason, proc.FlagLimit, db.Millis(s.now()))
		if err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "flagged", "participation.error.flagged")
			}
			return err
		}
		if err := s.record(ctx, audit.Entry{Action: "participation." + objectType + ".flag", ObjectType: objectType, ObjectID: id,
			TenantID: p.TenantID, Detail: map[string]any{"hidden": hid}}, "participation."+objectType+".flagged",
			map[string]any{"id": id, "tenant_id": p.TenantID, "hidden": hid}); err != nil {
			return err
		}
		return nil
	}))
}

// flagged returns the proposal an item belongs to (the item itself for a
// proposal), provided the item is visible.
func (s *Service) flagged(ctx context.Context, typ, id string) (Proposal, error) {
	proposalID := id
	if typ == "comment" {
		c, err := s.st.comment(ctx, id)
		if err != nil {
			return Proposal{}, err
		}
		if !c.Moderation.Visible() {
			return Proposal{}, ErrNotFound
		}
		proposalID = c.ProposalID
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return p, err
	}
	if !p.Moderation.Visible() {
		return Proposal{}, ErrNotFound
	}
	return p, nil
}

// Moderate decides on a flagged item: keep shows it again for good,
// otherwise it is removed from public view. The municipality's operators
// and above may.
func (s *Service) Moderate(ctx context.Context, objectType, id string, keep bool) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if _, ok := flagTables[objectType]; !ok {
		return ErrNotFound
	}
	proposalID := id
	if objectType == "comment" {
		c, err := s.st.comment(ctx, id)
		if err != nil {
			return err
		}
		proposalID = c.ProposalID
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return err
	}
	if !a.Can(auth.RoleOperator, p.TenantPath()) {
		return ErrForbidden
	}
	m := ModerationRemoved
	if keep {
		m = ModerationKept
	}
	return wrap("moderate", s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.moderate(ctx, objectType, id, m); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation." + objectType + ".moderate", ObjectType: objectType,
			ObjectID: id, TenantID: p.TenantID, Detail: map[string]any{"decision": m}},
			"participation."+objectType+".moderated", map[string]string{"id": id, "tenant_id": p.TenantID, "decision": string(m)})
	}))
}

// Queue is a municipality's moderation queue.
type Queue struct {
	Proposals []Proposal
	Comments  []Comment
}

// ModerationQueue lists the items hidden by flags in a municipality; its
// operators and above may read it.
func (s *Service) ModerationQueue(ctx context.Context, tenantID string) (Queue, error) {
	a, err := actor(ctx)
	if err != nil {
		return Queue{}, err
	}
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Queue{}, err
	}
	if !a.Can(auth.RoleOperator, m.Path) {
		return Queue{}, ErrForbidden
	}
	var q Queue
	if q.Proposals, err = s.st.pendingProposals(ctx, tenantID); err != nil {
		return q, err
	}
	q.Comments, err = s.st.pendingComments(ctx, tenantID)
	return q, err
}
