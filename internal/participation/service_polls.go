package participation

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Why a poll refuses.
var (
	// ErrPollClosed: the poll no longer takes answers.
	ErrPollClosed = fault.New(ErrForbidden, "poll-closed", "participation.error.poll_closed")
	// ErrResultsHidden: the results are shown after the poll closes.
	ErrResultsHidden = fault.New(ErrForbidden, "poll-results-hidden", "participation.error.results_hidden")
)

// CreatePoll adds a poll to a process; the municipality's administrators
// may.
func (s *Service) CreatePoll(ctx context.Context, processID string, in PollInput) (Poll, error) {
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return Poll{}, err
	}
	if _, err := requireAdmin(ctx, p.TenantPath); err != nil {
		return Poll{}, err
	}
	in.Question = strings.TrimSpace(in.Question)
	var opts []string
	for _, o := range in.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	bad := map[string]string{}
	if !in.Kind.Valid() {
		bad["kind"] = "participation.field.poll_kind"
	}
	checkText(bad, "question", in.Question, maxQuestion, true)
	if in.Kind == PollText {
		opts = nil
	} else if len(opts) < minPollOption || len(opts) > maxOptions {
		bad["options"] = "participation.field.options"
	} else {
		seen := map[string]bool{}
		for _, o := range opts {
			if seen[o] || utf8.RuneCountInString(o) > maxOption {
				bad["options"] = "participation.field.options"
			}
			seen[o] = true
		}
	}
	switch in.Kind {
	case PollSingle, PollText:
		in.MaxChoices = 1
	case PollMulti, PollRanking:
		if in.MaxChoices == 0 {
			in.MaxChoices = len(opts)
		}
		if in.MaxChoices < 1 || in.MaxChoices > len(opts) {
			bad["max_choices"] = "participation.field.max_choices"
		}
	}
	if !in.ClosesAt.After(s.now()) {
		bad["closes_at"] = "participation.field.closes_at"
	}
	if len(bad) > 0 {
		return Poll{}, invalid("poll-invalid", bad)
	}
	poll := Poll{ID: db.NewID(), ProcessID: p.ID, TenantID: p.TenantID, Kind: in.Kind, Question: in.Question, Options: opts,
		MaxChoices: in.MaxChoices, Live: in.Live, ClosesAt: in.ClosesAt.UTC().Truncate(time.Millisecond), Demo: s.demo || p.Demo,
		CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createPoll(ctx, poll); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.poll.create", ObjectType: "poll", ObjectID: poll.ID,
			TenantID: p.TenantID, Detail: map[string]any{"process_id": p.ID, "kind": poll.Kind, "options": len(opts),
				"live": poll.Live, "closes_at": poll.ClosesAt}},
			"participation.poll.created", map[string]string{"id": poll.ID, "process_id": p.ID, "tenant_id": p.TenantID})
	})
	return poll, wrap("create poll", err)
}

// Poll reads a poll.
func (s *Service) Poll(ctx context.Context, id string) (Poll, error) { return s.st.poll(ctx, id) }

// Polls lists a process's polls, oldest first.
func (s *Service) Polls(ctx context.Context, processID string) ([]Poll, error) {
	return s.st.polls(ctx, processID)
}

// Answered reports whether the signed-in person has answered the poll.
func (s *Service) Answered(ctx context.Context, pollID string) (bool, error) {
	a := auth.From(ctx)
	if !a.SignedIn() {
		return false, nil
	}
	return s.st.responded(ctx, pollID, a.ID)
}

// AnswerPoll records the actor's one response to an open poll, if the
// phase running now lets them answer polls. A second response is a
// conflict: the database holds one per person.
func (s *Service) AnswerPoll(ctx context.Context, pollID string, in PollAnswer) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	p, err := s.st.poll(ctx, pollID)
	if err != nil {
		return err
	}
	if !p.Open(s.now()) {
		return ErrPollClosed
	}
	in.Text = strings.TrimSpace(in.Text)
	if bad := validAnswer(p, in); len(bad) > 0 {
		return invalid("poll-answer-invalid", bad)
	}
	if err := s.Eligible(ctx, *a, p.ProcessID, ActionAnswer, ""); err != nil {
		return err
	}
	return wrap("answer poll", s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.respond(ctx, p, a.ID, in, db.Millis(s.now())); err != nil {
			if db.IsUnique(err) {
				return fault.New(ErrConflict, "poll-answered", "participation.error.answered")
			}
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.poll.answer", ObjectType: "poll", ObjectID: p.ID,
			TenantID: p.TenantID}, "participation.poll.answered", map[string]string{"id": p.ID, "tenant_id": p.TenantID})
	}))
}

// validAnswer checks a response against its poll's kind.
func validAnswer(p Poll, in PollAnswer) map[string]string {
	bad := map[string]string{}
	if p.Kind == PollText {
		checkText(bad, "text", in.Text, maxPollText, true)
		return bad
	}
	n := len(in.Choices)
	switch {
	case n == 0:
		bad["choices"] = "participation.field.choose"
	case p.Kind == PollSingle && n != 1:
		bad["choices"] = "participation.field.choose_one"
	case n > p.MaxChoices:
		bad["choices"] = "participation.field.too_many"
	}
	seen := map[int]bool{}
	for _, c := range in.Choices {
		if c < 1 || c > len(p.Options) || seen[c] {
			bad["choices"] = "participation.field.choose"
		}
		seen[c] = true
	}
	return bad
}

// PollResults tallies a poll. Anyone sees them once it has closed, or
// while it runs when it is live; the municipality's officials always, and
// only they read the free texts.
func (s *Service) PollResults(ctx context.Context, pollID string) (PollResults, error) {
	p, err := s.st.poll(ctx, pollID)
	if err != nil {
		return PollResults{}, err
	}
	m, err := s.municipality(ctx, p.TenantID)
	if err != nil {
		return PollResults{}, err
	}
	staff := auth.From(ctx).Can(auth.RoleOperator, m.Path)
	final := !p.Open(s.now())
	if !final && !p.Live && !staff {
		return PollResults{}, ErrResultsHidden
	}
	r := PollResults{Poll: p, Final: final}
	if r.Responses, err = s.st.responses(ctx, p.ID); err != nil {
		return r, err
	}
	if p.Kind == PollText {
		if staff {
			r.Texts, err = s.st.texts(ctx, p.ID)
		}
		return r, err
	}
	votes, first, points, err := s.st.tally(ctx, p.ID, len(p.Options))
	if err != nil {
		return r, err
	}
	for i, label := range p.Options {
		o := OptionResult{Position: i + 1, Label: label, Votes: votes[i+1]}
		if p.Kind == PollRanking {
			o.Votes, o.Points = first[i+1], points[i+1]
		}
		if r.Responses > 0 {
			o.Percent = o.Votes * 100 / r.Responses
		}
		r.Options = append(r.Options, o)
	}
	return r, nil
}
