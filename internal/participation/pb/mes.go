package pb

import (
	"math/bits"
	"slices"
	"sort"
)

// Options tune the Equal Shares completion.
type Options struct {
	// Step is how much each voter's endowment grows per completion run, in
	// kopecks. Zero means one rouble (100 kopecks) or a thousandth of the
	// initial share, whichever is larger, which bounds the runs needed to
	// double the endowment to about a thousand.
	Step int64
	// MaxRuns caps the completion's Equal Shares runs; zero means 2000.
	// When the cap is hit the last affordable outcome is kept and the
	// greedy fill completes it.
	MaxRuns int
}

// EqualShares selects projects by the Method of Equal Shares with approval
// utilities and the usual completion:
//
//  1. Every voter gets an equal share of the budget, floor(Budget/voters)
//     kopecks (at most voters−1 kopecks stay unassigned).
//  2. Repeatedly, among the projects whose supporters together still have
//     enough, the one with the smallest price ρ is bought: every supporter
//     pays ρ, or everything they have left if that is less; ρ is exact
//     (a fraction). Ties: more votes, then lower cost, then smaller id.
//  3. Completion "add1": while the outcome is not exhaustive, rerun with
//     every share raised by Options.Step; keep the new outcome while its
//     total cost stays within the real budget.
//  4. The greedy fill adds, in greedy order, projects that still fit.
//
// Payments are whole kopecks: when ρ is not whole, the payers charged ρ pay
// floor(ρ) and the remainder — fewer kopecks than payers — is charged one
// kopeck each to the payers with the most money left (earlier voter in the
// votes slice first). Each such payer had at least floor(ρ)+1 kopecks, so
// nobody ever pays more than they have and each project is paid exactly.
func EqualShares(in *Instance, votes []Vote, opt Options) Outcome {
	out := Outcome{Rule: "mes", Budget: in.Budget}
	n := len(votes)
	counts := in.Counts(votes)
	if n > 0 {
		m := newMES(in, votes, counts)
		share := in.Budget / int64(n)
		step := opt.Step
		if step <= 0 {
			step = max(100, share/1000)
		}
		maxRuns := opt.MaxRuns
		if maxRuns <= 0 {
			maxRuns = 2000
		}
		sel, spent := m.run(share)
		out.Runs = 1
		for !m.exhaustive(sel, spent) && out.Runs < maxRuns {
			next, nspent := m.run(share + step)
			out.Runs++
			if nspent > in.Budget {
				break
			}
			share += step
			sel, spent = next, nspent
		}
		out.Share, out.Selected, out.Spent = share, sel, spent
	}
	chosen := map[string]bool{}
	for _, s := range out.Selected {
		chosen[s.Project] = true
	}
	for _, i := range in.order(counts) {
		p := in.Projects[i]
		if counts[i] == 0 || chosen[p.ID] || out.Spent+p.Cost > in.Budget {
			continue
		}
		out.Spent += p.Cost
		out.Selected = append(out.Selected, Selection{Project: p.ID, Cost: p.Cost, Votes: counts[i], Stage: StageFill})
	}
	return out
}

// mes holds what every run of Equal Shares on one instance shares.
type mes struct {
	in        *Instance
	votes     []Vote
	counts    []int
	approvers [][]int
}

func newMES(in *Instance, votes []Vote, counts []int) *mes {
	return &mes{in: in, votes: votes, counts: counts, approvers: in.approvers(votes)}
}

// exhaustive reports whether no voted-for project outside sel still fits.
func (m *mes) exhaustive(sel []Selection, spent int64) bool {
	chosen := map[string]bool{}
	for _, s := range sel {
		chosen[s.Project] = true
	}
	for i, p := range m.in.Projects {
		if m.counts[i] > 0 && !chosen[p.ID] && spent+p.Cost <= m.in.Budget {
			return false
		}
	}
	return true
}

// run is one Equal Shares run with every voter endowed with share kopecks.
func (m *mes) run(share int64) ([]Selection, int64) {
	budget := make([]int64, len(m.votes))
	for i := range budget {
		budget[i] = share
	}
	var remaining []int
	for i := range m.in.Projects {
		if len(m.approvers[i]) > 0 {
			remaining = append(remaining, i)
		}
	}
	var sel []Selection
	var spent int64
	scratch := make([]int64, 0, len(m.votes))
	for {
		best, bNum, bDen := -1, int64(0), int64(1)
		keep := remaining[:0]
		for _, c := range remaining {
			num, den, ok := price(m.in.Projects[c].Cost, m.approvers[c], budget, scratch)
			if !ok {
				continue // budgets only shrink: never affordable again
			}
			keep = append(keep, c)
			if best < 0 {
				best, bNum, bDen = c, num, den
				continue
			}
			switch cmpFrac(num, den, bNum, bDen) {
			case -1:
				best, bNum, bDen = c, num, den
			case 0:
				if m.in.less(m.counts, c, best) {
					best, bNum, bDen = c, num, den
				}
			}
		}
		remaining = keep
		if best < 0 {
			return sel, spent
		}
		remaining = slices.DeleteFunc(remaining, func(c int) bool { return c == best })
		p := m.in.Projects[best]
		sel = append(sel, Selection{Project: p.ID, Cost: p.Cost, Votes: m.counts[best], Stage: StageMES,
			RhoNum: bNum, RhoDen: bDen, Payments: m.pay(p.Cost, m.approvers[best], budget, bNum, bDen)})
		spent += p.Cost
	}
}

// price returns ρ = num/den, the least per-supporter charge that buys a
// project of cost with supporters' budgets, or ok=false when they cannot
// afford it together.
func price(cost int64, sup []int, budget []int64, scratch []int64) (num, den int64, ok bool) {
	bs := scratch[:0]
	var total int64
	for _, v := range sup {
		bs = append(bs, budget[v])
		total += budget[v]
	}
	if total < cost {
		return 0, 0, false
	}
	slices.Sort(bs)
	paid, k := int64(0), int64(len(bs))
	for _, b := range bs {
		rem := cost - paid
		if cmpFrac(b, 1, rem, k) >= 0 {
			return rem, k, true
		}
		paid += b
		k--
	}
	return 0, 0, false // unreachable when total >= cost
}

// pay charges supporters for a project at price num/den and returns who paid
// what (see EqualShares for the whole-kopeck rule).
func (m *mes) pay(cost int64, sup []int, budget []int64, num, den int64) map[string]int64 {
	paid := make(map[string]int64, len(sup))
	floor := num / den
	var sum int64
	var full []int // payers charged ρ rather than all they had
	for _, v := range sup {
		if cmpFrac(budget[v], 1, num, den) <= 0 {
			paid[m.votes[v].Voter] += budget[v]
			sum += budget[v]
			budget[v] = 0
			continue
		}
		full = append(full, v)
		paid[m.votes[v].Voter] += floor
		budget[v] -= floor
		sum += floor
	}
	rest := cost - sum
	sort.SliceStable(full, func(a, b int) bool { return budget[full[a]] > budget[full[b]] })
	for i := 0; rest > 0 && i < len(full); i++ {
		v := full[i]
		paid[m.votes[v].Voter]++
		budget[v]--
		rest--
	}
	return paid
}

// cmpFrac compares a/b with c/d for non-negative a, c and positive b, d,
// exactly (128-bit products).
func cmpFrac(a, b, c, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(d))
	h2, l2 := bits.Mul64(uint64(c), uint64(b))
	switch {
	case h1 < h2 || (h1 == h2 && l1 < l2):
		return -1
	case h1 == h2 && l1 == l2:
		return 0
	}
	return 1
}
