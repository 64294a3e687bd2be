package participation

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Export is what participation holds of one person, for their data
// export: what they proposed, said, supported, followed and answered.
type Export struct {
	Proposals []Proposal       `json:"proposals"`
	Comments  []Comment        `json:"comments"`
	Supports  []ExportedAction `json:"supports"`
	Follows   []ExportedAction `json:"follows"`
	Responses []ExportedAnswer `json:"poll_responses"`
}

// ExportedAction is one support or follow: the proposal and when.
type ExportedAction struct {
	ProposalID string    `json:"proposal_id"`
	Title      string    `json:"title"`
	At         time.Time `json:"at"`
}

// ExportedAnswer is one poll response: the options chosen (positions, in
// order for a ranking) or the text.
type ExportedAnswer struct {
	PollID   string    `json:"poll_id"`
	Question string    `json:"question"`
	Choices  []int     `json:"choices,omitempty"`
	Text     string    `json:"text,omitempty"`
	At       time.Time `json:"at"`
}

// ExportUser is participation's section of a person's data export; the
// app hands it to identity as an exporter.
func (s *Service) ExportUser(ctx context.Context, userID string) (string, any, error) {
	out := Export{Proposals: []Proposal{}, Comments: []Comment{}, Supports: []ExportedAction{}, Follows: []ExportedAction{},
		Responses: []ExportedAnswer{}}
	q := s.db.R(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals WHERE author_id = $1 ORDER BY created_ms`, userID)
	if err != nil {
		return "", nil, err
	}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return "", nil, err
		}
		out.Proposals = append(out.Proposals, p)
	}
	rows.Close()
	if rows, err = q.QueryContext(ctx, `SELECT `+commentColumns+` FROM participation_comments WHERE author_id = $1 ORDER BY created_ms`, userID); err != nil {
		return "", nil, err
	}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			rows.Close()
			return "", nil, err
		}
		out.Comments = append(out.Comments, c)
	}
	rows.Close()
	for _, x := range []struct {
		table string
		to    *[]ExportedAction
	}{{"participation_supports", &out.Supports}, {"participation_follows", &out.Follows}} {
		rows, err := q.QueryContext(ctx, `SELECT p.id, p.title, x.created_ms FROM `+x.table+` x
			JOIN participation_proposals p ON p.id = x.proposal_id WHERE x.user_id = $1 ORDER BY x.created_ms`, userID)
		if err != nil {
			return "", nil, err
		}
		for rows.Next() {
			var a ExportedAction
			var at int64
			if err := rows.Scan(&a.ProposalID, &a.Title, &at); err != nil {
				rows.Close()
				return "", nil, err
			}
			a.At = db.Time(at)
			*x.to = append(*x.to, a)
		}
		rows.Close()
	}
	rows, err = q.QueryContext(ctx, `SELECT r.poll_id, p.question, r.created_ms, a.option_pos, a.text FROM participation_poll_responses r
		JOIN participation_polls p ON p.id = r.poll_id JOIN participation_poll_answers a ON a.response_id = r.id
		WHERE r.user_id = $1 ORDER BY r.created_ms, r.id, a.rank, a.option_pos`, userID)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pollID, question, text string
		var at int64
		var pos int
		if err := rows.Scan(&pollID, &question, &at, &pos, &text); err != nil {
			return "", nil, err
		}
		n := len(out.Responses)
		if n == 0 || out.Responses[n-1].PollID != pollID {
			out.Responses = append(out.Responses, ExportedAnswer{PollID: pollID, Question: question, At: db.Time(at)})
			n++
		}
		r := &out.Responses[n-1]
		if pos > 0 {
			r.Choices = append(r.Choices, pos)
		} else {
			r.Text = text
		}
	}
	return "participation", out, rows.Err()
}
