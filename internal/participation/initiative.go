package participation

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// Initiative projects (art. 26.1 of 131-FZ). A verified resident registers
// an initiative group for a territory (the municipality or a district) with
// a project and its estimated cost; other verified residents of the
// territory join the group and support the project online, and officials
// record meetings of residents. Once the group has the municipality's
// minimum size it submits the project; the administration puts it under
// consideration with a due date (the rules' number of days, counted to the
// end of that day in the municipality's time zone), the commission scores
// it by weighted criteria, and the administration accepts or rejects it.
// Co-financing (initiative payments) is kept in a double-entry ledger
// (initiative_ledger.go): pledges, payments, and on rejection the unpaid
// pledges cancelled and the payments refunded.

// Initiative statuses.
const (
	InitiativeCollecting  = "collecting"  // the group gathers members and support
	InitiativeSubmitted   = "submitted"   // filed with the administration
	InitiativeConsidering = "considering" // under consideration, with a due date
	InitiativeAccepted    = "accepted"
	InitiativeRejected    = "rejected"
)

// Payer kinds.
const (
	PayerResident     = "resident"
	PayerOrganisation = "organisation"
)

var errInitiativeState = fault.New(ErrConflict, "initiative-state", "participation.initiative.error.state")

// InitiativeRules are a municipality's rules, kept as data.
type InitiativeRules struct {
	TenantID          string      `json:"tenant_id"`
	MinGroup          int         `json:"min_group"`
	ConsiderationDays int         `json:"consideration_days"`
	Criteria          []Criterion `json:"criteria"`
}

// Criterion is one of the commission's scoring criteria.
type Criterion struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	LabelEN  string `json:"label_en"`
	Weight   int    `json:"weight"`
	MaxScore int    `json:"max_score"`
}

// Name is the criterion's label in lang.
func (c Criterion) Name(lang string) string {
	return i18n.Pick(lang, c.Label, c.LabelEN)
}

// Default rules when a municipality has set none.
const (
	defaultMinGroup          = 10
	defaultConsiderationDays = 30
)

// Initiative is an initiative project.
type Initiative struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	NodeID      string    `json:"territory_node_id"`
	NodePath    string    `json:"-"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Cost        int64     `json:"cost_kopecks"`
	Status      string    `json:"status"`
	CreatedBy   string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	DueAt       time.Time `json:"due_at,omitzero"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Reason      string    `json:"reason,omitempty"`
	Demo        bool      `json:"demo"`
	Members     int       `json:"members"`
	Supports    int       `json:"supports"`
}

// Meeting is a meeting of residents an official recorded.
type Meeting struct {
	ID        string `json:"id"`
	HeldOn    string `json:"held_on"` // YYYY-MM-DD
	Place     string `json:"place"`
	Attendees int    `json:"attendees"`
	VotesFor  int    `json:"votes_for"`
	Minutes   string `json:"minutes"`
}

// Score is one commission member's score of one criterion.
type Score struct {
	MemberID   string `json:"-"`
	MemberName string `json:"member"`
	Criterion  string `json:"criterion"`
	Score      int    `json:"score"`
}

// Payer is a co-financier of a project.
type Payer struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"-"`
}

// InitiativeInput registers a group and its project.
type InitiativeInput struct {
	TerritoryNodeID string `json:"territory_node_id"` // "" means the whole municipality
	Title           string `json:"title"`
	Description     string `json:"description"`
	Cost            int64  `json:"cost_kopecks"`
}

// MeetingInput is what an official records of a meeting.
type MeetingInput struct {
	HeldOn    string `json:"held_on"`
	Place     string `json:"place"`
	Attendees int    `json:"attendees"`
	VotesFor  int    `json:"votes_for"`
	Minutes   string `json:"minutes"`
}

const maxMinutes = 20000

// requireRole returns the actor if they hold role over path.
func requireRole(ctx context.Context, role auth.Role, path string) (*auth.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(role, path) {
		return nil, ErrForbidden
	}
	return a, nil
}

// InitiativeRules reads a municipality's rules, the defaults when none
// were set.
func (s *Service) InitiativeRules(ctx context.Context, tenantID string) (InitiativeRules, error) {
	return s.st.initiativeRules(ctx, tenantID)
}

// SetInitiativeRules replaces a municipality's rules; only its
// administrators may.
func (s *Service) SetInitiativeRules(ctx context.Context, tenantID string, in InitiativeRules) (InitiativeRules, error) {
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return in, err
	}
	if _, err := requireAdmin(ctx, m.Path); err != nil {
		return in, err
	}
	in.TenantID = m.ID
	bad := map[string]string{}
	if in.MinGroup < 1 || in.MinGroup > 10000 {
		bad["min_group"] = "participation.initiative.field.min_group"
	}
	if in.ConsiderationDays < 1 || in.ConsiderationDays > 366 {
		bad["consideration_days"] = "participation.initiative.field.days"
	}
	seen := map[string]bool{}
	for i := range in.Criteria {
		c := &in.Criteria[i]
		c.Code, c.Label, c.LabelEN = strings.TrimSpace(c.Code), strings.TrimSpace(c.Label), strings.TrimSpace(c.LabelEN)
		if c.Code == "" || seen[c.Code] || len(c.Code) > 40 || c.Label == "" || len(c.Label) > 400 || len(c.LabelEN) > 400 ||
			c.Weight < 1 || c.Weight > 100 || c.MaxScore < 1 || c.MaxScore > 100 {
			bad["criteria"] = "participation.initiative.field.criteria"
		}
		seen[c.Code] = true
	}
	if len(in.Criteria) > 50 {
		bad["criteria"] = "participation.initiative.field.criteria"
	}
	if len(bad) > 0 {
		return in, invalid("initiative-rules-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.setInitiativeRules(ctx, in); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.rules", ObjectType: "municipality", ObjectID: m.ID,
			TenantID: m.ID, Detail: map[string]any{"min_group": in.MinGroup, "consideration_days": in.ConsiderationDays,
				"criteria": len(in.Criteria)}}, "participation.initiative.rules_changed", map[string]string{"tenant_id": m.ID})
	})
	return in, wrap("set initiative rules", err)
}

// verifiedIn returns the actor if they are a verified resident under path.
func (s *Service) verifiedIn(ctx context.Context, path string) (*auth.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.Kind != auth.User {
		return nil, ErrForbidden
	}
	r, err := s.residents.Resident(ctx, a.ID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, ErrNotVerified
	}
	if err != nil {
		return nil, wrap("resident", err)
	}
	if !r.Verified {
		return nil, ErrNotVerified
	}
	if !strings.HasPrefix(r.ResidencePath, path) {
		return nil, ErrWrongTerritory
	}
	return a, nil
}

// RegisterInitiative registers an initiative group, its first member the
// verified resident registering it, and its project.
func (s *Service) RegisterInitiative(ctx context.Context, tenantID string, in InitiativeInput) (Initiative, error) {
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Initiative{}, err
	}
	it := Initiative{ID: db.NewID(), TenantID: m.ID, NodeID: m.ID, NodePath: m.Path, Title: strings.TrimSpace(in.Title),
		Description: strings.TrimSpace(in.Description), Cost: in.Cost, Status: InitiativeCollecting, Demo: s.demo,
		CreatedAt: s.now(), Members: 1}
	bad := map[string]string{}
	checkText(bad, "title", it.Title, maxTitle, true)
	checkText(bad, "description", it.Description, maxDescription, true)
	if in.Cost <= 0 || in.Cost > maxMoney {
		bad["cost_kopecks"] = "participation.field.money"
	}
	if in.TerritoryNodeID != "" && in.TerritoryNodeID != m.ID {
		n, err := s.places.Node(ctx, in.TerritoryNodeID)
		if err != nil || n.TenantID != m.ID || !strings.HasPrefix(n.Path, m.Path) {
			bad["territory_node_id"] = "participation.field.territory"
		} else {
			it.NodeID, it.NodePath = n.ID, n.Path
		}
	}
	if len(bad) > 0 {
		return Initiative{}, invalid("initiative-invalid", bad)
	}
	a, err := s.verifiedIn(ctx, it.NodePath)
	if err != nil {
		return Initiative{}, err
	}
	it.CreatedBy = a.ID
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createInitiative(ctx, it); err != nil {
			return err
		}
		if err := s.st.addMember(ctx, it.ID, a.ID, a.Name, it.CreatedAt); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.register", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: map[string]any{"node_id": it.NodeID, "cost": it.Cost, "title": it.Title}},
			"participation.initiative.registered", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return it, wrap("register initiative", err)
}

// Initiative reads a project with its member and support counts.
func (s *Service) Initiative(ctx context.Context, id string) (Initiative, error) {
	return s.st.initiative(ctx, id)
}

// Initiatives lists a municipality's projects, newest first.
func (s *Service) Initiatives(ctx context.Context, tenantID string) ([]Initiative, error) {
	return s.st.initiatives(ctx, tenantID)
}

// JoinInitiative adds the verified resident to the project's group while
// it collects.
func (s *Service) JoinInitiative(ctx context.Context, id string) error {
	return s.residentAct(ctx, id, "join")
}

// SupportInitiative records the verified resident's online support, once
// per person; a second support is a conflict.
func (s *Service) SupportInitiative(ctx context.Context, id string) error {
	return s.residentAct(ctx, id, "support")
}

func (s *Service) residentAct(ctx context.Context, id, what string) error {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return err
	}
	a, err := s.verifiedIn(ctx, it.NodePath)
	if err != nil {
		return err
	}
	if what == "join" && it.Status != InitiativeCollecting ||
		what == "support" && it.Status != InitiativeCollecting && it.Status != InitiativeSubmitted {
		return errInitiativeState
	}
	now := s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if what == "join" {
			err = s.st.addMember(ctx, it.ID, a.ID, a.Name, now)
		} else {
			err = s.st.addInitiativeSupport(ctx, it.ID, a.ID, now)
		}
		if db.IsUnique(err) {
			return fault.New(ErrConflict, "initiative-already-"+what, "participation.initiative.error.already_"+what)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative." + what, ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID}, "participation.initiative."+what, map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return wrap("initiative "+what, err)
}

// InitiativeMembers are the group's members' names, for officials and
// the group itself.
func (s *Service) InitiativeMembers(ctx context.Context, id string) ([]string, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(ctx, auth.RoleOperator, it.NodePath); err != nil {
		return nil, err
	}
	return s.st.memberNames(ctx, id)
}

// SubmitInitiative files the project with the administration; only a
// member may, and only once the group has the minimum size.
func (s *Service) SubmitInitiative(ctx context.Context, id string) (Initiative, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return it, err
	}
	a, err := actor(ctx)
	if err != nil {
		return it, err
	}
	member, err := s.st.isMember(ctx, id, a.ID)
	if err != nil {
		return it, err
	}
	if !member {
		return it, ErrForbidden
	}
	if it.Status != InitiativeCollecting {
		return it, errInitiativeState
	}
	rules, err := s.st.initiativeRules(ctx, it.TenantID)
	if err != nil {
		return it, err
	}
	if it.Members < rules.MinGroup {
		return it, fault.New(ErrConflict, "initiative-group-too-small", "participation.initiative.error.group_small")
	}
	it.Status, it.SubmittedAt = InitiativeSubmitted, s.now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.moveInitiative(ctx, it, InitiativeCollecting); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.submit", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: map[string]any{"members": it.Members, "supports": it.Supports}},
			"participation.initiative.submitted", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return it, wrap("submit initiative", err)
}

// DueDate is the end of the day, in loc, days after the day of from.
func DueDate(from time.Time, days int, loc *time.Location) time.Time {
	y, m, d := from.In(loc).Date()
	return time.Date(y, m, d+days+1, 0, 0, 0, 0, loc).Add(-time.Millisecond).UTC()
}

// ConsiderInitiative puts a submitted project under consideration, with
// the due date the municipality's rules give; administrators only.
func (s *Service) ConsiderInitiative(ctx context.Context, id string) (Initiative, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return it, err
	}
	m, err := s.municipality(ctx, it.TenantID)
	if err != nil {
		return it, err
	}
	if _, err := requireAdmin(ctx, m.Path); err != nil {
		return it, err
	}
	if it.Status != InitiativeSubmitted {
		return it, errInitiativeState
	}
	rules, err := s.st.initiativeRules(ctx, it.TenantID)
	if err != nil {
		return it, err
	}
	loc, err := tz.Load(m.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	it.Status, it.DueAt = InitiativeConsidering, DueDate(it.SubmittedAt, rules.ConsiderationDays, loc)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.moveInitiative(ctx, it, InitiativeSubmitted); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.consider", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: map[string]any{"due_ms": db.Millis(it.DueAt)}},
			"participation.initiative.considering", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return it, wrap("consider initiative", err)
}

// DecideInitiative accepts or rejects a project under consideration; a
// rejection needs a reason and cancels every unpaid pledge in the ledger.
func (s *Service) DecideInitiative(ctx context.Context, id string, accept bool, reason string) (Initiative, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return it, err
	}
	m, err := s.municipality(ctx, it.TenantID)
	if err != nil {
		return it, err
	}
	if _, err := requireAdmin(ctx, m.Path); err != nil {
		return it, err
	}
	reason = strings.TrimSpace(reason)
	bad := map[string]string{}
	checkText(bad, "reason", reason, maxDescription, !accept)
	if len(bad) > 0 {
		return it, invalid("initiative-decision-invalid", bad)
	}
	if it.Status != InitiativeConsidering {
		return it, errInitiativeState
	}
	it.Status, it.DecidedAt, it.Reason = InitiativeAccepted, s.now(), reason
	if !accept {
		it.Status = InitiativeRejected
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.moveInitiative(ctx, it, InitiativeConsidering); err != nil {
			return err
		}
		if !accept {
			l, err := s.ledger(ctx, it.ID, false)
			if err != nil {
				return err
			}
			for _, p := range l.PayerIDs() {
				if owed := l.Payer(p).Owed(); owed > 0 {
					e, err := l.Post(EntryCancel, p, owed)
					if err != nil {
						return err
					}
					if err := s.st.addEntry(ctx, it.ID, e, it.DecidedAt); err != nil {
						return err
					}
				}
			}
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.decide", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: map[string]any{"status": it.Status, "reason": reason}},
			"participation.initiative.decided", map[string]string{"id": it.ID, "tenant_id": it.TenantID, "status": it.Status})
	})
	return it, wrap("decide initiative", err)
}

// RecordMeeting records a meeting of residents; officials only.
func (s *Service) RecordMeeting(ctx context.Context, id string, in MeetingInput) (Meeting, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return Meeting{}, err
	}
	a, err := requireRole(ctx, auth.RoleOperator, it.NodePath)
	if err != nil {
		return Meeting{}, err
	}
	mt := Meeting{ID: db.NewID(), HeldOn: strings.TrimSpace(in.HeldOn), Place: strings.TrimSpace(in.Place),
		Attendees: in.Attendees, VotesFor: in.VotesFor, Minutes: strings.TrimSpace(in.Minutes)}
	bad := map[string]string{}
	if d, err := time.Parse(time.DateOnly, mt.HeldOn); err != nil || d.Before(it.CreatedAt.AddDate(0, 0, -1)) || d.After(s.now().AddDate(0, 0, 1)) {
		bad["held_on"] = "participation.initiative.field.held_on"
	}
	checkText(bad, "place", mt.Place, maxTitle, true)
	checkText(bad, "minutes", mt.Minutes, maxMinutes, true)
	if in.Attendees < 1 || in.Attendees > 1_000_000 {
		bad["attendees"] = "participation.initiative.field.attendees"
	}
	if in.VotesFor < 0 || in.VotesFor > in.Attendees {
		bad["votes_for"] = "participation.initiative.field.votes_for"
	}
	if len(bad) > 0 {
		return Meeting{}, invalid("meeting-invalid", bad)
	}
	if it.Status != InitiativeCollecting && it.Status != InitiativeSubmitted {
		return Meeting{}, errInitiativeState
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.addMeeting(ctx, it.ID, mt, a.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.meeting", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: map[string]any{"meeting_id": mt.ID, "held_on": mt.HeldOn, "attendees": mt.Attendees,
				"votes_for": mt.VotesFor}}, "participation.initiative.meeting_recorded", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return mt, wrap("record meeting", err)
}

// Meetings lists a project's meetings; minutes are public.
func (s *Service) Meetings(ctx context.Context, id string) ([]Meeting, error) {
	return s.st.meetings(ctx, id)
}

// ScoreInitiative records the signed-in commission member's scores of a
// project under consideration, one per criterion of the municipality;
// officials (operators and above) sit on the commission. Scoring again
// replaces the member's scores.
func (s *Service) ScoreInitiative(ctx context.Context, id string, scores map[string]int) error {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return err
	}
	a, err := requireRole(ctx, auth.RoleOperator, it.NodePath)
	if err != nil {
		return err
	}
	rules, err := s.st.initiativeRules(ctx, it.TenantID)
	if err != nil {
		return err
	}
	bad := map[string]string{}
	if len(rules.Criteria) == 0 {
		bad["criteria"] = "participation.initiative.field.no_criteria"
	}
	known := map[string]bool{}
	for _, c := range rules.Criteria {
		known[c.Code] = true
		v, ok := scores[c.Code]
		if !ok || v < 0 || v > c.MaxScore {
			bad["score_"+c.Code] = "participation.initiative.field.score"
		}
	}
	for k := range scores {
		if !known[k] {
			bad["score_"+k] = "participation.initiative.field.score"
		}
	}
	if len(bad) > 0 {
		return invalid("scores-invalid", bad)
	}
	if it.Status != InitiativeConsidering {
		return errInitiativeState
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		for _, c := range rules.Criteria {
			if err := s.st.setScore(ctx, it.ID, Score{MemberID: a.ID, MemberName: a.Name, Criterion: c.Code, Score: scores[c.Code]}); err != nil {
				return err
			}
		}
		detail := map[string]any{}
		for k, v := range scores {
			detail[k] = v
		}
		return s.record(ctx, audit.Entry{Action: "participation.initiative.score", ObjectType: "initiative", ObjectID: it.ID,
			TenantID: it.TenantID, Detail: detail}, "participation.initiative.scored", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
	})
	return wrap("score initiative", err)
}

// Scoring is the commission's scoring of a project: each member's
// scores and the weighted total, in per mille of the maximum.
type Scoring struct {
	Criteria []Criterion
	Members  []MemberScores
	// TotalPermille is the weighted mean over members, 0…1000 of the
	// best possible; -1 when nobody scored yet.
	TotalPermille int
}

// MemberScores are one member's scores by criterion code.
type MemberScores struct {
	Name     string
	Scores   map[string]int
	Permille int
}

// Scoring reads the commission's scores of a project; anyone may see the
// total and the members' names (officials acting in office).
func (s *Service) Scoring(ctx context.Context, id string) (Scoring, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return Scoring{}, err
	}
	rules, err := s.st.initiativeRules(ctx, it.TenantID)
	if err != nil {
		return Scoring{}, err
	}
	all, err := s.st.scores(ctx, id)
	if err != nil {
		return Scoring{}, err
	}
	return ScoreTotals(rules.Criteria, all), nil
}

// ScoreTotals weighs scores by the criteria: a member's result is
// Σ weight·score / Σ weight·max, in per mille; the total is the members'
// mean. Scores of criteria no longer in the rules are ignored.
func ScoreTotals(criteria []Criterion, scores []Score) Scoring {
	out := Scoring{Criteria: criteria, TotalPermille: -1}
	var best int64
	for _, c := range criteria {
		best += int64(c.Weight * c.MaxScore)
	}
	byMember := map[string]*MemberScores{}
	var order []string
	for _, sc := range scores {
		m := byMember[sc.MemberID]
		if m == nil {
			m = &MemberScores{Name: sc.MemberName, Scores: map[string]int{}}
			byMember[sc.MemberID] = m
			order = append(order, sc.MemberID)
		}
		m.Scores[sc.Criterion] = sc.Score
	}
	if best == 0 || len(order) == 0 {
		for _, id := range order {
			out.Members = append(out.Members, *byMember[id])
		}
		return out
	}
	var sum int64
	for _, id := range order {
		m := byMember[id]
		var got int64
		for _, c := range criteria {
			got += int64(c.Weight * m.Scores[c.Code])
		}
		m.Permille = int(got * 1000 / best)
		sum += int64(m.Permille)
		out.Members = append(out.Members, *m)
	}
	out.TotalPermille = int(sum / int64(len(order)))
	return out
}

// ledger rebuilds a project's ledger, inside the caller's transaction.
func (s *Service) ledger(ctx context.Context, id string, rejected bool) (*Ledger, error) {
	entries, err := s.st.entries(ctx, id)
	if err != nil {
		return nil, err
	}
	return NewLedger(rejected, entries)
}

// PledgeInput is a co-financing pledge: a new payer, or PayerID of a
// known one.
type PledgeInput struct {
	PayerID string `json:"payer_id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Amount  int64  `json:"amount_kopecks"`
}

// Pledge records a payer's pledge (an official takes it down from the
// signed agreement); it returns the payer.
func (s *Service) Pledge(ctx context.Context, id string, in PledgeInput) (Payer, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return Payer{}, err
	}
	if _, err := requireRole(ctx, auth.RoleOperator, it.NodePath); err != nil {
		return Payer{}, err
	}
	p := Payer{ID: in.PayerID, Kind: in.Kind, Name: strings.TrimSpace(in.Name)}
	bad := map[string]string{}
	if p.ID == "" {
		p.ID = db.NewID()
		if p.Kind != PayerResident && p.Kind != PayerOrganisation {
			bad["kind"] = "participation.initiative.field.payer_kind"
		}
		checkText(bad, "name", p.Name, maxTitle, true)
	}
	if in.Amount <= 0 || in.Amount > maxMoney {
		bad["amount_kopecks"] = "participation.field.money"
	}
	if len(bad) > 0 {
		return Payer{}, invalid("pledge-invalid", bad)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if in.PayerID != "" {
			known, err := s.st.payer(ctx, it.ID, in.PayerID)
			if err != nil {
				return err
			}
			p = known
		} else if err := s.st.addPayer(ctx, it.ID, p, s.now()); err != nil {
			return err
		}
		return s.post(ctx, it, EntryPledge, p.ID, in.Amount)
	})
	return p, wrap("pledge", err)
}

// Pay records money received from a payer, at most what they still owe.
func (s *Service) Pay(ctx context.Context, id, payerID string, amount int64) error {
	return s.movement(ctx, id, EntryPay, payerID, amount)
}

// Refund records money returned to a payer of a rejected project, at most
// what they paid less what was returned already.
func (s *Service) Refund(ctx context.Context, id, payerID string, amount int64) error {
	return s.movement(ctx, id, EntryRefund, payerID, amount)
}

func (s *Service) movement(ctx context.Context, id, kind, payerID string, amount int64) error {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return err
	}
	if _, err := requireRole(ctx, auth.RoleOperator, it.NodePath); err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.st.payer(ctx, it.ID, payerID); err != nil {
			return err
		}
		return s.post(ctx, it, kind, payerID, amount)
	})
	return wrap(kind, err)
}

// post checks and writes one ledger movement with its audit entry; ctx
// carries the transaction. The status is read again inside it, so a
// payment cannot slip past a concurrent rejection.
func (s *Service) post(ctx context.Context, it Initiative, kind, payerID string, amount int64) error {
	cur, err := s.st.initiative(ctx, it.ID)
	if err != nil {
		return err
	}
	if cur.Status == InitiativeAccepted && kind == EntryPledge {
		return errInitiativeState
	}
	l, err := s.ledger(ctx, it.ID, cur.Status == InitiativeRejected)
	if err != nil {
		return err
	}
	e, err := l.Post(kind, payerID, amount)
	if err != nil {
		return err
	}
	if err := s.st.addEntry(ctx, it.ID, e, s.now()); err != nil {
		if db.IsUnique(err) {
			return fault.New(ErrConflict, "initiative-ledger-busy", "participation.initiative.error.busy")
		}
		return err
	}
	return s.record(ctx, audit.Entry{Action: "participation.initiative." + kind, ObjectType: "initiative", ObjectID: it.ID,
		TenantID: it.TenantID, Detail: map[string]any{"payer_id": payerID, "amount": amount, "seq": e.Seq,
			"debit": e.Debit, "credit": e.Credit}}, "participation.initiative.ledger", map[string]string{"id": it.ID, "tenant_id": it.TenantID})
}

// Finance is a project's co-financing as shown: per payer (names only to
// officials), the totals, and the ledger's balance check.
type Finance struct {
	Payers  []PayerFinance
	Totals  PayerTotals
	Fund    int64
	Sum     int64 // the sum of all balances; zero when the ledger balances
	Entries []LedgerEntry
}

// PayerFinance is one payer's line.
type PayerFinance struct {
	Payer
	PayerTotals
}

// Finance reads a project's ledger; names of payers are masked unless
// the reader is an official of the territory.
func (s *Service) Finance(ctx context.Context, id string) (Finance, error) {
	it, err := s.st.initiative(ctx, id)
	if err != nil {
		return Finance{}, err
	}
	l, err := s.ledger(ctx, id, it.Status == InitiativeRejected)
	if err != nil {
		return Finance{}, err
	}
	payers, err := s.st.payers(ctx, id)
	if err != nil {
		return Finance{}, err
	}
	officialView := auth.From(ctx).Can(auth.RoleOperator, it.NodePath)
	f := Finance{Totals: l.Totals(), Fund: l.Fund(), Sum: l.Sum(), Entries: l.Entries}
	for _, p := range payers {
		if !officialView {
			p.Name = maskPayer(p.Name, p.Kind)
		}
		f.Payers = append(f.Payers, PayerFinance{Payer: p, PayerTotals: l.Payer(p.ID)})
	}
	return f, nil
}

// maskPayer hides a resident payer's name as proposals do; an
// organisation's name is public.
func maskPayer(name, kind string) string {
	if kind == PayerOrganisation {
		return name
	}
	return MaskName(name)
}

// AccountBalances are the balances (debits less credits) of a project's
// ledger accounts, summed by the database apart from the Go ledger.
func (s *Service) AccountBalances(ctx context.Context, id string) (map[string]int64, error) {
	return s.st.accountBalances(ctx, id)
}
