package participation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// The events whose followers are told (NotifyEvents).
const (
	EventProposalAnswered = "participation.proposal.answered"
	EventCommentCreated   = "participation.comment.created"
	EventThresholdReached = "participation.proposal.threshold_reached"
)

// NotifyEvents are the events Notices turns into notifications.
func NotifyEvents() []string {
	return []string{EventProposalAnswered, EventCommentCreated, EventThresholdReached}
}

// follow records that the user follows the proposal; following twice is
// no change. ctx carries the caller's transaction.
func (s *store) follow(ctx context.Context, proposalID, userID string, at int64) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO participation_follows (proposal_id, user_id, created_ms)
		VALUES ($1, $2, $3) ON CONFLICT (proposal_id, user_id) DO NOTHING`, proposalID, userID, at)
	return err
}

func (s *store) unfollow(ctx context.Context, proposalID, userID string) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM participation_follows WHERE proposal_id = $1 AND user_id = $2`,
		proposalID, userID)
	return err
}

func (s *store) follows(ctx context.Context, proposalID, userID string) (bool, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_follows WHERE proposal_id = $1 AND user_id = $2`,
		proposalID, userID).Scan(&n)
	return n > 0, err
}

func (s *store) followers(ctx context.Context, proposalID string) ([]string, error) {
	return db.Strings(ctx, s.db.R(ctx), `SELECT user_id FROM participation_follows WHERE proposal_id = $1 ORDER BY user_id`,
		proposalID)
}

// Follow makes the signed-in person follow a visible proposal, or stop
// following it.
func (s *Service) Follow(ctx context.Context, proposalID string, on bool) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return err
	}
	if !p.Moderation.Visible() {
		return ErrNotFound
	}
	return wrap("follow", s.db.InTx(ctx, func(ctx context.Context) error {
		if on {
			return s.st.follow(ctx, p.ID, a.ID, db.Millis(s.now()))
		}
		return s.st.unfollow(ctx, p.ID, a.ID)
	}))
}

// Following reports whether the signed-in person follows the proposal.
func (s *Service) Following(ctx context.Context, proposalID string) (bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return false, nil
	}
	return s.st.follows(ctx, proposalID, a.ID)
}

// payload is what the followed events carry: ids only.
type payload struct {
	ID         string `json:"id"`
	ProposalID string `json:"proposal_id"`
	AuthorID   string `json:"author_id"`
	State      string `json:"state"`
}

// Notices are the notifications an event gives the proposal's followers:
// an official answer, a new comment (not to its author) and the support
// threshold reached.
func (s *Service) Notices(ctx context.Context, e events.Event) ([]notify.Notice, error) {
	var pl payload
	if err := json.Unmarshal(e.Payload, &pl); err != nil {
		return nil, fmt.Errorf("participation: notice of %s %s: %w", e.Type, e.ID, err)
	}
	proposalID, key, kind := pl.ID, "", ""
	switch e.Type {
	case EventProposalAnswered:
		key, kind = "participation.notify.answered", "proposal.answered"
	case EventThresholdReached:
		key, kind = "participation.notify.reached", "proposal.threshold_reached"
	case EventCommentCreated:
		proposalID, key, kind = pl.ProposalID, "participation.notify.comment", "proposal.comment"
	default:
		return nil, nil
	}
	p, err := s.st.proposal(ctx, proposalID)
	if err != nil {
		return nil, err
	}
	who, err := s.st.followers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var out []notify.Notice
	for _, u := range who {
		if u == pl.AuthorID && e.Type == EventCommentCreated {
			continue
		}
		out = append(out, notify.Notice{UserID: u, TenantID: p.TenantID, Kind: kind, Key: key,
			Args: map[string]string{"Title": p.Title}, Link: "/participation/proposals/" + p.ID})
	}
	return out, nil
}
