package pb

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ErrPabulib wraps every problem found while reading a .pb file.
var ErrPabulib = errors.New("pb: pabulib")

// WritePabulib writes the instance and its votes in the Pabulib .pb format
// (https://pabulib.org/format): a META, a PROJECTS and a VOTES section of
// ';'-separated records. Money is written in roubles — whole numbers when
// a sum has no kopecks, two decimals otherwise. selected lists the winning
// project ids (may be nil); it fills the PROJECTS "selected" column.
func WritePabulib(w io.Writer, in *Instance, votes []Vote, selected []string) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	meta := map[string]string{}
	for k, v := range in.Meta {
		meta[k] = v
	}
	meta["num_projects"] = strconv.Itoa(len(in.Projects))
	meta["num_votes"] = strconv.Itoa(len(votes))
	meta["budget"] = Roubles(in.Budget)
	meta["vote_type"] = "approval"
	meta["currency"] = "RUB"
	meta["ballot_kind"] = string(in.Rules.Kind)
	if in.Rules.MinProjects > 0 {
		meta["min_length"] = strconv.Itoa(in.Rules.MinProjects)
	}
	if in.Rules.MaxProjects > 0 {
		meta["max_length"] = strconv.Itoa(in.Rules.MaxProjects)
	}
	if in.Rules.Kind == Knapsack {
		meta["max_sum_cost"] = Roubles(in.LimitOf())
		if in.Rules.MinSpendPercent > 0 {
			meta["min_sum_cost"] = Roubles(in.MinSpend())
			meta["min_spend_percent"] = strconv.Itoa(in.Rules.MinSpendPercent)
		}
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rec := func(fields ...string) { _ = cw.Write(fields) }
	rec("META")
	rec("key", "value")
	for _, k := range keys {
		rec(k, meta[k])
	}
	won := map[string]bool{}
	for _, id := range selected {
		won[id] = true
	}
	counts := in.Counts(votes)
	rec("PROJECTS")
	rec("project_id", "cost", "votes", "name", "selected")
	for i, p := range in.Projects {
		sel := "0"
		if won[p.ID] {
			sel = "1"
		}
		rec(p.ID, Roubles(p.Cost), strconv.Itoa(counts[i]), p.Name, sel)
	}
	rec("VOTES")
	rec("voter_id", "vote")
	for _, v := range votes {
		rec(v.Voter, strings.Join(v.Projects, ","))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// ReadPabulib parses a .pb file into an instance and its votes. Unknown
// META keys are kept in Instance.Meta; unknown columns are ignored.
func ReadPabulib(r io.Reader) (*Instance, []Vote, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	in := &Instance{Meta: map[string]string{}, Rules: Rules{Kind: Approval}}
	var votes []Vote
	section := ""
	var header []string
	var minSum int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrPabulib, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 {
			switch s := strings.TrimSpace(strings.ToUpper(rec[0])); s {
			case "META", "PROJECTS", "VOTES":
				section, header = s, nil
				continue
			}
		}
		if section == "" {
			return nil, nil, fmt.Errorf("%w: line %d: data before a section", ErrPabulib, line)
		}
		if header == nil {
			header = trimAll(rec)
			continue
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				row[h] = strings.TrimSpace(rec[i])
			}
		}
		var perr error
		switch section {
		case "META":
			perr = in.readMeta(row, &minSum)
		case "PROJECTS":
			perr = in.readProject(row)
		case "VOTES":
			votes = append(votes, readVote(row))
		}
		if perr != nil {
			return nil, nil, fmt.Errorf("%w: line %d: %v", ErrPabulib, line, perr)
		}
	}
	if in.Rules.Kind == Knapsack && in.Rules.MinSpendPercent == 0 && minSum > 0 {
		in.Rules.MinSpendPercent = int(minSum * 100 / in.LimitOf())
	}
	if err := in.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrPabulib, err)
	}
	return in, votes, nil
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// readMeta applies one META record; derived keys are not kept in Meta.
func (in *Instance) readMeta(row map[string]string, minSum *int64) error {
	k, v := row["key"], row["value"]
	var err error
	switch k {
	case "budget":
		in.Budget, err = ParseRoubles(v)
	case "max_sum_cost":
		in.Rules.Kind = Knapsack
		in.Rules.Limit, err = ParseRoubles(v)
	case "min_sum_cost":
		*minSum, err = ParseRoubles(v)
	case "min_spend_percent":
		in.Rules.MinSpendPercent, err = strconv.Atoi(v)
	case "min_length":
		in.Rules.MinProjects, err = strconv.Atoi(v)
	case "max_length":
		in.Rules.MaxProjects, err = strconv.Atoi(v)
	case "ballot_kind":
		in.Rules.Kind = Kind(v)
	case "num_projects", "num_votes", "vote_type", "currency":
	default:
		in.Meta[k] = v
	}
	if err != nil {
		return fmt.Errorf("meta %s: %v", k, err)
	}
	return nil
}

func (in *Instance) readProject(row map[string]string) error {
	cost, err := ParseRoubles(row["cost"])
	if err != nil {
		return fmt.Errorf("project %s cost: %v", row["project_id"], err)
	}
	in.Projects = append(in.Projects, Project{ID: row["project_id"], Name: row["name"], Cost: cost})
	return nil
}

func readVote(row map[string]string) Vote {
	v := Vote{Voter: row["voter_id"]}
	for _, id := range strings.Split(row["vote"], ",") {
		if id = strings.TrimSpace(id); id != "" {
			v.Projects = append(v.Projects, id)
		}
	}
	return v
}

// Roubles formats kopecks as roubles: "1500" or "1500.05".
func Roubles(k int64) string {
	sign := ""
	if k < 0 {
		sign, k = "-", -k
	}
	if k%100 == 0 {
		return sign + strconv.FormatInt(k/100, 10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, k/100, k%100)
}

// ParseRoubles reads a non-negative amount of roubles with at most two
// decimals ("1500", "1500.5", "1500,05") into kopecks.
func ParseRoubles(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	r, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || r < 0 || r > 1<<53 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	k := int64(0)
	if dot {
		if len(frac) == 1 {
			frac += "0"
		}
		k, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || k < 0 {
			return 0, fmt.Errorf("bad amount %q", s)
		}
	}
	return r*100 + k, nil
}
