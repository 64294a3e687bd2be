package pb

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func votesOf(m map[string][]string) []Vote {
	// stable order: v1, v2, … as the test names them
	var out []Vote
	for i := 1; i <= len(m); i++ {
		id := "v" + string(rune('0'+i))
		out = append(out, Vote{Voter: id, Projects: m[id]})
	}
	return out
}

// Six voters, budget 600: four want A and B (300 each), two want C (200).
// Greedy spends everything on the majority's A and B; Equal Shares gives
// the majority 400 (A, at 75 each) and the minority 200 (C, at 100 each).
func TestGreedyAndEqualSharesDiffer(t *testing.T) {
	in := &Instance{Budget: 600, Rules: Rules{Kind: Approval}, Projects: []Project{
		{ID: "A", Cost: 300}, {ID: "B", Cost: 300}, {ID: "C", Cost: 200},
	}}
	votes := votesOf(map[string][]string{
		"v1": {"A", "B"}, "v2": {"A", "B"}, "v3": {"A", "B"}, "v4": {"A", "B"},
		"v5": {"C"}, "v6": {"C"},
	})
	g := Greedy(in, votes)
	if got := g.Winners(); !reflect.DeepEqual(got, []string{"A", "B"}) || g.Spent != 600 {
		t.Fatalf("greedy = %v spent %d, want [A B] 600", got, g.Spent)
	}
	m := EqualShares(in, votes, Options{})
	if got := m.Winners(); !reflect.DeepEqual(got, []string{"A", "C"}) || m.Spent != 500 {
		t.Fatalf("mes = %v spent %d, want [A C] 500", got, m.Spent)
	}
	a, c := m.Selected[0], m.Selected[1]
	wantA := map[string]int64{"v1": 75, "v2": 75, "v3": 75, "v4": 75}
	wantC := map[string]int64{"v5": 100, "v6": 100}
	if !reflect.DeepEqual(a.Payments, wantA) || a.RhoNum != 300 || a.RhoDen != 4 {
		t.Errorf("A paid %v at %d/%d", a.Payments, a.RhoNum, a.RhoDen)
	}
	if !reflect.DeepEqual(c.Payments, wantC) || c.Stage != StageMES {
		t.Errorf("C paid %v stage %s", c.Payments, c.Stage)
	}
	if m.Share != 100 {
		t.Errorf("share %d, want 100 (the raised run overspends)", m.Share)
	}
}

// ρ = 100/3 is not a whole kopeck: two pay 33, the earliest of the tied
// richest pays 34.
func TestEqualSharesWholeKopecks(t *testing.T) {
	in := &Instance{Budget: 300, Rules: Rules{Kind: Approval}, Projects: []Project{{ID: "X", Cost: 100}}}
	votes := votesOf(map[string][]string{"v1": {"X"}, "v2": {"X"}, "v3": {"X"}})
	m := EqualShares(in, votes, Options{})
	want := map[string]int64{"v1": 34, "v2": 33, "v3": 33}
	if len(m.Selected) != 1 || !reflect.DeepEqual(m.Selected[0].Payments, want) {
		t.Fatalf("got %+v, want payments %v", m.Selected, want)
	}
}

// One run by hand, share 100 each, four voters:
// round 1: T (v3,v4; 120) ρ=60 < R (v1–v3; 200) ρ=66⅔ < Q (v1; 80) ρ=80 → T.
// round 2: R: v3 has 40 left, so ρ=(200−40)/2=80 ties with Q's 80; R has
// more votes → R; v3 pays 40, v1 and v2 pay 80. round 3: v1 has 20 < 80.
func TestEqualSharesRunByHand(t *testing.T) {
	in := &Instance{Budget: 400, Rules: Rules{Kind: Approval}, Projects: []Project{
		{ID: "Q", Cost: 80}, {ID: "R", Cost: 200}, {ID: "T", Cost: 120},
	}}
	votes := votesOf(map[string][]string{"v1": {"Q", "R"}, "v2": {"R"}, "v3": {"R", "T"}, "v4": {"T"}})
	m := newMES(in, votes, in.Counts(votes))
	sel, spent := m.run(100)
	if spent != 320 || len(sel) != 2 || sel[0].Project != "T" || sel[1].Project != "R" {
		t.Fatalf("run = %+v spent %d", sel, spent)
	}
	if want := map[string]int64{"v3": 60, "v4": 60}; !reflect.DeepEqual(sel[0].Payments, want) {
		t.Errorf("T paid %v", sel[0].Payments)
	}
	if want := map[string]int64{"v1": 80, "v2": 80, "v3": 40}; !reflect.DeepEqual(sel[1].Payments, want) {
		t.Errorf("R paid %v", sel[1].Payments)
	}
	full := EqualShares(in, votes, Options{MaxRuns: 1})
	if got := full.Winners(); !reflect.DeepEqual(got, []string{"T", "R", "Q"}) || full.Selected[2].Stage != StageFill {
		t.Errorf("with fill = %v", full.Selected)
	}
}

// The completion raises the share until the outcome would overspend.
func TestEqualSharesCompletionRaisesShare(t *testing.T) {
	// Budget 400, four voters (100 each). S (v3,v4; 100) costs 50 each;
	// P (v1,v2; 240) needs 120 each: share 100 buys only S, which leaves
	// room for P, so the completion raises the share to 120 and P is bought.
	in := &Instance{Budget: 400, Rules: Rules{Kind: Approval}, Projects: []Project{{ID: "P", Cost: 240}, {ID: "S", Cost: 100}}}
	votes := votesOf(map[string][]string{"v1": {"P"}, "v2": {"P"}, "v3": {"S"}, "v4": {"S"}})
	m := EqualShares(in, votes, Options{Step: 10})
	if got := m.Winners(); !reflect.DeepEqual(got, []string{"S", "P"}) || m.Share != 120 {
		t.Fatalf("mes = %v share %d runs %d", got, m.Share, m.Runs)
	}
	if m.Selected[1].Stage != StageMES {
		t.Errorf("P should be bought by its supporters, got %s", m.Selected[1].Stage)
	}
}

func TestNoVotes(t *testing.T) {
	in := &Instance{Budget: 300, Rules: Rules{Kind: Approval}, Projects: []Project{{ID: "P", Cost: 240}}}
	if w := EqualShares(in, nil, Options{}).Winners(); len(w) != 0 {
		t.Errorf("mes with no votes = %v", w)
	}
	if w := Greedy(in, nil).Winners(); len(w) != 0 {
		t.Errorf("greedy with no votes = %v", w)
	}
}

func randomInstance(r *rand.Rand) (*Instance, []Vote) {
	in := &Instance{Budget: 1000 + r.Int64N(1_000_000), Rules: Rules{Kind: Approval}}
	np := 1 + r.IntN(15)
	for i := range np {
		in.Projects = append(in.Projects, Project{ID: "p" + string(rune('a'+i)), Cost: 1 + r.Int64N(in.Budget*2/3+1)})
	}
	nv := r.IntN(60)
	votes := make([]Vote, nv)
	for v := range votes {
		votes[v].Voter = "v" + string(rune('A'+v))
		for _, p := range in.Projects {
			if r.IntN(3) == 0 {
				votes[v].Projects = append(votes[v].Projects, p.ID)
			}
		}
	}
	return in, votes
}

func TestProperties(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		in, votes := randomInstance(r)
		supports := map[string]map[string]bool{}
		for _, v := range votes {
			for _, p := range v.Projects {
				if supports[p] == nil {
					supports[p] = map[string]bool{}
				}
				supports[p][v.Voter] = true
			}
		}
		g := Greedy(in, votes)
		m := EqualShares(in, votes, Options{})
		for _, o := range []Outcome{g, m} {
			var sum int64
			seen := map[string]bool{}
			for _, s := range o.Selected {
				sum += s.Cost
				if seen[s.Project] {
					t.Fatalf("seed %d %s: %s selected twice", seed, o.Rule, s.Project)
				}
				seen[s.Project] = true
			}
			if sum != o.Spent || o.Spent > in.Budget {
				t.Fatalf("seed %d %s: spent %d (sum %d) of %d", seed, o.Rule, o.Spent, sum, in.Budget)
			}
			// both end exhaustive: nothing voted for still fits
			for i, p := range in.Projects {
				if !seen[p.ID] && in.Counts(votes)[i] > 0 && o.Spent+p.Cost <= in.Budget {
					t.Fatalf("seed %d %s: %s (cost %d) still fits", seed, o.Rule, p.ID, p.Cost)
				}
			}
		}
		perVoter := map[string]int64{}
		for _, s := range m.Selected {
			if s.Stage != StageMES {
				continue
			}
			var paid int64
			for voter, k := range s.Payments {
				if !supports[s.Project][voter] {
					t.Fatalf("seed %d: %s paid for %s it did not approve", seed, voter, s.Project)
				}
				if k < 0 {
					t.Fatalf("seed %d: negative payment", seed)
				}
				paid += k
				perVoter[voter] += k
			}
			if paid != s.Cost {
				t.Fatalf("seed %d: %s cost %d covered by %d", seed, s.Project, s.Cost, paid)
			}
		}
		for voter, k := range perVoter {
			if k > m.Share {
				t.Fatalf("seed %d: %s paid %d > share %d", seed, voter, k, m.Share)
			}
		}
		if again := EqualShares(in, votes, Options{}); !reflect.DeepEqual(again, m) {
			t.Fatalf("seed %d: not deterministic", seed)
		}
	}
}

func TestCmpFrac(t *testing.T) {
	big := int64(1) << 62
	cases := []struct {
		a, b, c, d int64
		want       int
	}{
		{1, 3, 1, 3, 0}, {1, 3, 2, 6, 0}, {1, 3, 1, 2, -1}, {2, 3, 1, 2, 1},
		{big, 3, big, 5, 1}, {big - 1, big, big - 2, big - 1, 1},
	}
	for _, c := range cases {
		if got := cmpFrac(c.a, c.b, c.c, c.d); got != c.want {
			t.Errorf("cmpFrac(%d/%d, %d/%d) = %d, want %d", c.a, c.b, c.c, c.d, got, c.want)
		}
	}
}
