package participation

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// PaperRejection is one row of a paper-ballot file that cannot be counted.
type PaperRejection struct {
	Line   int    `json:"line"`
	Voter  string `json:"voter_id"`
	Reason string `json:"reason"` // i18n key
}

// PaperReport is what an import did or would have done.
type PaperReport struct {
	Rows     int              `json:"rows"`
	Imported int              `json:"imported"`
	Rejected []PaperRejection `json:"rejected"`
}

// ErrPaperRejected: some rows of a paper-ballot file were rejected, so
// none was imported; the report lists them.
var ErrPaperRejected = fault.New(ErrInvalid, "ballot-paper-rejected", "participation.ballot.error.paper_rejected")

const maxPaperRows = 100_000

// ImportPaper counts paper ballots from a CSV file with a header row and
// the columns voter_id and projects (project numbers as listed on the
// ballot, or ids, separated by spaces or ";"). Every row is checked first —
// the voter's eligibility exactly as online (so the import runs while
// voting is open), the ballot's rules, not on the roll already, not twice
// in the file — and if any row fails nothing is imported and the report
// lists each failure with its reason. Otherwise every ballot goes into the
// box and the log in one transaction, with a secret nobody keeps (a paper
// voter cannot re-vote online). Only the municipality's administrators may.
func (bb *BallotBox) ImportPaper(ctx context.Context, budgetID string, r io.Reader) (PaperReport, error) {
	b, err := bb.s.st.budget(ctx, budgetID)
	if err != nil {
		return PaperReport{}, err
	}
	p, err := bb.s.st.process(ctx, b.ProcessID)
	if err != nil {
		return PaperReport{}, err
	}
	if _, err := requireAdmin(ctx, p.TenantPath); err != nil {
		return PaperReport{}, err
	}
	rows, err := readPaper(r)
	if err != nil {
		return PaperReport{}, err
	}
	rep := PaperReport{Rows: len(rows)}
	var casts []castRequest
	seen := map[string]bool{}
	day := bb.s.now().Format("2006-01-02")
	for _, row := range rows {
		reject := func(reason string) { rep.Rejected = append(rep.Rejected, PaperRejection{row.line, row.voter, reason}) }
		if row.voter == "" || seen[row.voter] {
			reject("participation.ballot.paper.duplicate_or_missing_voter")
			continue
		}
		seen[row.voter] = true
		err := bb.s.Eligible(ctx, auth.Actor{Kind: auth.User, ID: row.voter}, b.ProcessID, ActionVote, b.DistrictID)
		if err != nil {
			if f, ok := fault.As(err); ok {
				reject(f.Key)
			} else if errors.Is(err, fault.ErrForbidden) || errors.Is(err, fault.ErrUnauthorized) {
				reject("participation.ballot.paper.not_eligible")
			} else {
				return PaperReport{}, wrap("import paper", err)
			}
			continue
		}
		projects, _, err := checkBallot(b, positionsToIDs(b, row.projects))
		if err != nil {
			f, _ := fault.As(err)
			reject(f.Key)
			continue
		}
		voted, err := bb.s.st.voted(ctx, b.ID, row.voter)
		if err != nil {
			return PaperReport{}, wrap("import paper", err)
		}
		if voted {
			reject("participation.ballot.error.already_voted")
			continue
		}
		secret, idem := make([]byte, 32), make([]byte, 32)
		rand.Read(secret)
		rand.Read(idem)
		casts = append(casts, castRequest{budget: b.ID, voter: row.voter, projects: projects, secret: secret,
			idem: idemHash(string(idem)), channel: ChannelPaper, day: day})
	}
	if len(rep.Rejected) > 0 {
		return rep, ErrPaperRejected
	}
	key, err := bb.signingKey(ctx)
	if err != nil {
		return rep, err
	}
	err = bb.s.db.InTx(ctx, func(ctx context.Context) error {
		logs := bb.s.st.newLogSet()
		for _, c := range casts {
			if _, err := bb.cast(ctx, logs, c); err != nil {
				return err // a voter who voted online meanwhile: nothing is imported
			}
		}
		if _, err := logs.flush(ctx, key); err != nil {
			return err
		}
		return bb.s.record(ctx, audit.Entry{Action: "participation.ballot.paper_import", ObjectType: "budget", ObjectID: b.ID,
			TenantID: b.TenantID, Detail: map[string]any{"ballots": len(casts)}},
			"participation.ballot.paper_imported", map[string]any{"budget_id": b.ID, "tenant_id": b.TenantID, "ballots": len(casts)})
	})
	if err != nil {
		return rep, wrap("import paper", err)
	}
	rep.Imported = len(casts)
	return rep, nil
}

type paperRow struct {
	line     int
	voter    string
	projects []string
}

func readPaper(r io.Reader) ([]paperRow, error) {
	cr := csv.NewReader(io.LimitReader(r, 32<<20))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, invalid("ballot-paper-invalid", map[string]string{"file": "participation.ballot.paper.bad_file"})
	}
	vi, pi := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "voter_id":
			vi = i
		case "projects":
			pi = i
		}
	}
	if vi < 0 || pi < 0 {
		return nil, invalid("ballot-paper-invalid", map[string]string{"file": "participation.ballot.paper.bad_header"})
	}
	var out []paperRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil || len(rec) <= max(vi, pi) || len(out) >= maxPaperRows {
			return nil, &fault.Error{Kind: ErrInvalid, Type: "ballot-paper-invalid", Key: "participation.ballot.paper.bad_line",
				Args: map[string]any{"Line": line}, Fields: map[string]string{"file": "participation.ballot.paper.bad_line"}}
		}
		out = append(out, paperRow{line: line, voter: strings.TrimSpace(rec[vi]),
			projects: strings.FieldsFunc(rec[pi], func(r rune) bool { return r == ' ' || r == ';' })})
	}
	return out, nil
}

// positionsToIDs turns ballot numbers ("2") into project ids; ids pass.
func positionsToIDs(b Budget, refs []string) []string {
	out := make([]string, len(refs))
	for i, ref := range refs {
		out[i] = ref
		if n, err := strconv.Atoi(ref); err == nil {
			for _, p := range b.Projects {
				if p.Position == n {
					out[i] = p.ID
				}
			}
		}
	}
	return out
}

// paperCSV writes rows for tests and the demo.
func paperCSV(rows [][2]string) string {
	var b strings.Builder
	b.WriteString("voter_id,projects\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s\n", r[0], r[1])
	}
	return b.String()
}
