package participation

import (
	"context"

	"encoding/csv"
	"github.com/muni-platform/muni/internal/participation/pb"
	"io"
	"strconv"
	"time"
)

// OpenData is a process's results as open data. It holds no personal
// data: no names, no user ids, no ballots, no free-text poll answers, no
// comment or answer texts — only titles, counts, sums and statuses.
// Proposals hidden by moderation are left out, and so are budget counts
// while voting runs and poll tallies while a poll is hidden.
type OpenData struct {
	Process   OpenProcess    `json:"process"`
	Generated time.Time      `json:"generated_at"`
	Proposals []OpenProposal `json:"proposals"`
	Polls     []OpenPoll     `json:"polls"`
	Budgets   []OpenBudget   `json:"budgets"`
	Results   []OpenResult   `json:"results"`
}

// OpenProcess names the process.
type OpenProcess struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// OpenProposal is a proposal's title, supports and answer status.
type OpenProposal struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Supports    int64  `json:"supports"`
	Threshold   int64  `json:"threshold"`
	AnswerState string `json:"answer_state"` // "", evaluating, accepted, rejected
}

// OpenPoll is a poll's aggregate tally.
type OpenPoll struct {
	ID        string       `json:"id"`
	Question  string       `json:"question"`
	Kind      PollKind     `json:"kind"`
	Responses int          `json:"responses"`
	Options   []OpenOption `json:"options"`
}

// OpenOption is one option's aggregates.
type OpenOption struct {
	Position int    `json:"position"`
	Label    string `json:"label"`
	Votes    int    `json:"votes"`
	Percent  int    `json:"percent"`
	Points   int    `json:"points"`
}

// OpenBudget is a budget's projects, costs, votes and winners under both
// rules, published once voting is over.
type OpenBudget struct {
	ID      string        `json:"id"`
	Title   string        `json:"title"`
	Limit   int64         `json:"limit_kopecks"`
	Kind    string        `json:"kind"`
	Ballots int           `json:"ballots"`
	Final   bool          `json:"final"`
	Project []OpenProject `json:"projects"`
}

// OpenProject is one project of a budget.
type OpenProject struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Cost   int64  `json:"cost_kopecks"`
	Votes  int    `json:"votes"`
	Greedy bool   `json:"greedy_winner"`
	MES    bool   `json:"mes_winner"`
}

// OpenResult is an accountability record.
type OpenResult struct {
	ID         string       `json:"id"`
	Title      string       `json:"title"`
	ProjectID  string       `json:"project_id,omitempty"`
	ProposalID string       `json:"proposal_id,omitempty"`
	Status     ResultStatus `json:"status"`
	Progress   int          `json:"progress"`
	Budget     int64        `json:"budget_kopecks"`
	Spent      int64        `json:"spent_kopecks"`
	Milestones int          `json:"milestones"`
	Done       int          `json:"milestones_done"`
}

// OpenData gathers a process's open data; anyone may read it.
func (s *Service) OpenData(ctx context.Context, processID string) (OpenData, error) {
	p, err := s.st.process(ctx, processID)
	if err != nil {
		return OpenData{}, err
	}
	out := OpenData{Process: OpenProcess{ID: p.ID, Slug: p.Slug, Title: p.Title}, Generated: s.now(),
		Proposals: []OpenProposal{}, Polls: []OpenPoll{}, Budgets: []OpenBudget{}, Results: []OpenResult{}}
	q := s.db.R(ctx)
	rows, err := q.QueryContext(ctx, `SELECT id, title, supports, threshold, answer_state FROM participation_proposals
		WHERE process_id = $1 AND visible = 1 ORDER BY created_ms, id`, p.ID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var x OpenProposal
		if err := rows.Scan(&x.ID, &x.Title, &x.Supports, &x.Threshold, &x.AnswerState); err != nil {
			rows.Close()
			return out, err
		}
		out.Proposals = append(out.Proposals, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	polls, err := s.st.polls(ctx, p.ID)
	if err != nil {
		return out, err
	}
	for _, pl := range polls {
		if pl.Open(s.now()) && !pl.Live {
			continue // results hidden until it closes
		}
		x := OpenPoll{ID: pl.ID, Question: pl.Question, Kind: pl.Kind, Options: []OpenOption{}}
		if x.Responses, err = s.st.responses(ctx, pl.ID); err != nil {
			return out, err
		}
		if pl.Kind != PollText { // free texts may name people: never exported
			votes, first, points, err := s.st.tally(ctx, pl.ID, len(pl.Options))
			if err != nil {
				return out, err
			}
			for i, label := range pl.Options {
				o := OpenOption{Position: i + 1, Label: label, Votes: votes[i+1]}
				if pl.Kind == PollRanking {
					o.Votes, o.Points = first[i+1], points[i+1]
				}
				if x.Responses > 0 {
					o.Percent = o.Votes * 100 / x.Responses
				}
				x.Options = append(x.Options, o)
			}
		}
		out.Polls = append(out.Polls, x)
	}
	budgets, err := s.st.budgets(ctx, p.ID)
	if err != nil {
		return out, err
	}
	final := votingOver(p, s)
	for _, b := range budgets {
		x := OpenBudget{ID: b.ID, Title: b.Title, Limit: b.Limit, Kind: string(b.Rules.Kind), Final: final, Project: []OpenProject{}}
		var o budgetOutcome
		if final {
			if o, err = s.outcome(ctx, b); err != nil {
				return out, err
			}
			x.Ballots = o.voters
		}
		g, m := selected(o.greedy.Selected), selected(o.mes.Selected)
		for i, pr := range b.Projects {
			y := OpenProject{ID: pr.ID, Title: pr.Title, Cost: pr.Cost}
			if final {
				y.Votes, y.Greedy, y.MES = o.counts[i], g[pr.ID], m[pr.ID]
			}
			x.Project = append(x.Project, y)
		}
		out.Budgets = append(out.Budgets, x)
	}
	rs, err := s.st.results(ctx, p.TenantID, ResultFilter{ProcessID: p.ID})
	if err != nil {
		return out, err
	}
	for _, r := range rs {
		full, err := s.st.result(ctx, r.ID)
		if err != nil {
			return out, err
		}
		x := OpenResult{ID: r.ID, Title: r.Title, ProjectID: r.ProjectID, ProposalID: r.ProposalID, Status: r.Status,
			Progress: r.Progress, Budget: r.Budget, Spent: r.Spent, Milestones: len(full.Milestones)}
		for _, m := range full.Milestones {
			if m.Done {
				x.Done++
			}
		}
		out.Results = append(out.Results, x)
	}
	return out, nil
}

func selected(sel []pb.Selection) map[string]bool {
	out := map[string]bool{}
	for _, x := range sel {
		out[x.Project] = true
	}
	return out
}

// CSVColumns are the columns of the CSV export, one table in long form:
// every row has a section saying what it is.
//
//   - section: process, proposal, poll, poll_option, budget, project, result
//   - id: the row's id (a poll option's position)
//   - parent_id: the poll of an option, the budget of a project, the
//     project (or else the proposal) a result reports on
//   - title: title, question or option label
//   - kind: poll kind (single, multi, ranking, text) or ballot kind
//     (knapsack, approval)
//   - status: a proposal's answer state, a budget's "final" or "open", a
//     result's status
//   - count: supports, responses, votes, ballots
//   - threshold: a proposal's supports threshold
//   - percent: an option's share of responses, a result's progress
//   - points: a ranking option's Borda points
//   - amount_kopecks: a budget's limit, a project's cost, a result's budget
//   - spent_kopecks: a result's money spent
//   - greedy_winner, mes_winner: "1" when a project wins under the rule
//   - milestones, milestones_done: a result's milestones
var CSVColumns = []string{"section", "id", "parent_id", "title", "kind", "status", "count", "threshold", "percent", "points",
	"amount_kopecks", "spent_kopecks", "greedy_winner", "mes_winner", "milestones", "milestones_done"}

// WriteCSV writes the open data as CSV with the header CSVColumns.
func (d OpenData) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	row := func(kv map[string]string) {
		r := make([]string, len(CSVColumns))
		for i, c := range CSVColumns {
			r[i] = kv[c]
		}
		_ = cw.Write(r)
	}
	_ = cw.Write(CSVColumns)
	row(map[string]string{"section": "process", "id": d.Process.ID, "title": d.Process.Title})
	for _, p := range d.Proposals {
		row(map[string]string{"section": "proposal", "id": p.ID, "title": p.Title, "status": p.AnswerState,
			"count": n(p.Supports), "threshold": n(p.Threshold)})
	}
	for _, p := range d.Polls {
		row(map[string]string{"section": "poll", "id": p.ID, "title": p.Question, "kind": string(p.Kind), "count": n(int64(p.Responses))})
		for _, o := range p.Options {
			row(map[string]string{"section": "poll_option", "id": n(int64(o.Position)), "parent_id": p.ID, "title": o.Label,
				"kind": string(p.Kind), "count": n(int64(o.Votes)), "percent": n(int64(o.Percent)), "points": n(int64(o.Points))})
		}
	}
	for _, bu := range d.Budgets {
		st := "open"
		if bu.Final {
			st = "final"
		}
		row(map[string]string{"section": "budget", "id": bu.ID, "title": bu.Title, "kind": bu.Kind, "status": st,
			"count": n(int64(bu.Ballots)), "amount_kopecks": n(bu.Limit)})
		for _, p := range bu.Project {
			row(map[string]string{"section": "project", "id": p.ID, "parent_id": bu.ID, "title": p.Title, "kind": bu.Kind,
				"status": st, "count": n(int64(p.Votes)), "amount_kopecks": n(p.Cost), "greedy_winner": b(p.Greedy), "mes_winner": b(p.MES)})
		}
	}
	for _, r := range d.Results {
		parent := r.ProjectID
		if parent == "" {
			parent = r.ProposalID
		}
		row(map[string]string{"section": "result", "id": r.ID, "parent_id": parent, "title": r.Title, "status": string(r.Status),
			"percent": n(int64(r.Progress)), "amount_kopecks": n(r.Budget), "spent_kopecks": n(r.Spent),
			"milestones": n(int64(r.Milestones)), "milestones_done": n(int64(r.Done))})
	}
	cw.Flush()
	return cw.Error()
}
