package participation

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// Results are a budget's count and its winners under both rules.
type Results struct {
	Budget  Budget
	Voters  int   // people on the roll
	Ballots int   // ballots in the box (equals Voters)
	Counts  []int // approvals per project, in Budget.Projects order
	Greedy  pb.Outcome
	MES     pb.Outcome
	Final   bool // voting is over
}

// Results counts a budget. The public sees them once no voting phase of
// the process runs any more (no running count sways voters); the
// municipality's administrators always.
func (bb *BallotBox) Results(ctx context.Context, budgetID string) (Results, error) {
	b, err := bb.s.st.budget(ctx, budgetID)
	if err != nil {
		return Results{}, err
	}
	p, err := bb.s.st.process(ctx, b.ProcessID)
	if err != nil {
		return Results{}, err
	}
	final := votingOver(p, bb.s)
	if !final && !auth.From(ctx).Can(auth.RoleMunicipalAdmin, p.TenantPath) {
		return Results{}, fmt.Errorf("participation: results: %w", ballotFault("results-not-yet", "participation.ballot.error.results_not_yet"))
	}
	votes, err := bb.votes(ctx, b.ID)
	if err != nil {
		return Results{}, wrap("results", err)
	}
	voters, err := bb.s.st.rollCount(ctx, b.ID)
	if err != nil {
		return Results{}, wrap("results", err)
	}
	in := b.Instance()
	return Results{Budget: b, Voters: voters, Ballots: len(votes), Counts: in.Counts(votes), Final: final,
		Greedy: pb.Greedy(in, votes), MES: pb.EqualShares(in, votes, pb.Options{})}, nil
}

// votingOver reports whether the process had a voting phase and none is
// running or still to come.
func votingOver(p Process, s *Service) bool {
	now, seen := s.now(), false
	for _, ph := range p.Phases {
		if _, ok := ph.Permission(ActionVote); ok {
			seen = true
			if now.Before(ph.EndsAt) {
				return false
			}
		}
	}
	return seen
}

// votes reads the box as pseudonymous votes numbered in receipt order.
func (bb *BallotBox) votes(ctx context.Context, budgetID string) ([]pb.Vote, error) {
	var out []pb.Vote
	err := bb.s.st.boxContents(ctx, budgetID, func(projects string) {
		out = append(out, pb.Vote{Voter: itoa(len(out) + 1), Projects: strings.Split(projects, ",")})
	})
	return out, err
}

// Tally counts the approvals of every project in the box and the number
// of ballots. The database groups identical ballots (an index on the
// content makes that a single ordered scan), so Go sees one row per
// distinct ballot, not one per voter.
func (bb *BallotBox) Tally(ctx context.Context, budgetID string) (map[string]int, int, error) {
	counts, n := map[string]int{}, 0
	err := bb.s.st.boxGroups(ctx, budgetID, func(projects string, k int) {
		n += k
		for projects != "" {
			id, rest, _ := strings.Cut(projects, ",")
			counts[id] += k
			projects = rest
		}
	})
	return counts, n, wrap("tally", err)
}

// PublishedLog is everything needed to recount a budget without trusting
// muni: the budget, the public key, the latest checkpoint and every leaf.
type PublishedLog struct {
	Budget     PublishedBudget     `json:"budget"`
	PublicKey  string              `json:"public_key"` // hex ed25519
	Checkpoint PublishedCheckpoint `json:"checkpoint"`
	Leaves     []string            `json:"leaves"`
}

// PublishedBudget is the public part of a budget.
type PublishedBudget struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Limit    int64              `json:"limit_kopecks"`
	Rules    pb.Rules           `json:"rules"`
	Projects []PublishedProject `json:"projects"`
}

// PublishedProject is a project as published.
type PublishedProject struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Cost  int64  `json:"cost_kopecks"`
}

// PublishedCheckpoint is a checkpoint as published.
type PublishedCheckpoint struct {
	Origin    string `json:"origin"`
	Size      uint64 `json:"size"`
	Root      string `json:"root"` // hex
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"` // hex
}

// Log returns a budget's published log; anyone may read it.
func (bb *BallotBox) Log(ctx context.Context, budgetID string) (PublishedLog, error) {
	b, err := bb.s.st.budget(ctx, budgetID)
	if err != nil {
		return PublishedLog{}, err
	}
	pub, err := bb.PublicKey(ctx)
	if err != nil {
		return PublishedLog{}, err
	}
	cp, err := bb.s.st.checkpoint(ctx, b.ID)
	if err != nil {
		return PublishedLog{}, wrap("log", err)
	}
	if cp.Size == 0 { // the empty log's checkpoint is signed when read
		cp = signCheckpoint(bb.key, b.ID, &Frontier{})
	}
	leaves, err := bb.s.st.leaves(ctx, b.ID, cp.Size)
	if err != nil {
		return PublishedLog{}, wrap("log", err)
	}
	pl := PublishedLog{PublicKey: hex.EncodeToString(pub), Leaves: leaves,
		Budget: PublishedBudget{ID: b.ID, Title: b.Title, Limit: b.Limit, Rules: b.Rules},
		Checkpoint: PublishedCheckpoint{Origin: cp.Origin, Size: cp.Size, Root: hexHash(cp.Root), KeyID: cp.KeyID,
			Signature: hex.EncodeToString(cp.Signature)}}
	for _, p := range b.Projects {
		pl.Budget.Projects = append(pl.Budget.Projects, PublishedProject{ID: p.ID, Title: p.Title, Cost: p.Cost})
	}
	return pl, nil
}

// Recount is what VerifyLog found.
type Recount struct {
	Size     int            // leaves in the log
	Ballots  int            // ballots that count (the last leaf of every slot)
	Replaced int            // leaves replaced by a later one of the same slot
	Counts   map[string]int // approvals per project id
	Votes    []pb.Vote      // the counting ballots, numbered by slot order
	Greedy   pb.Outcome
	MES      pb.Outcome
}

// Instance is the published budget as the pure rules see it.
func (pb_ PublishedBudget) Instance() *pb.Instance {
	in := &pb.Instance{Budget: pb_.Limit, Rules: pb_.Rules, Meta: map[string]string{"description": pb_.Title, "instance": pb_.ID}}
	for _, p := range pb_.Projects {
		in.Projects = append(in.Projects, pb.Project{ID: p.ID, Name: p.Title, Cost: p.Cost})
	}
	return in
}

// checkpoint decodes the published checkpoint.
func (pl PublishedLog) checkpoint() (Checkpoint, ed25519.PublicKey, error) {
	c := Checkpoint{Origin: pl.Checkpoint.Origin, Size: pl.Checkpoint.Size, KeyID: pl.Checkpoint.KeyID}
	root, err := parseHash(pl.Checkpoint.Root)
	if err != nil {
		return c, nil, err
	}
	c.Root = root
	if c.Signature, err = hex.DecodeString(pl.Checkpoint.Signature); err != nil {
		return c, nil, ErrSignature
	}
	pub, err := hex.DecodeString(pl.PublicKey)
	if err != nil {
		return c, nil, ErrSignature
	}
	return c, ed25519.PublicKey(pub), nil
}

// VerifyLog recomputes a published log: every leaf well formed, for this
// budget, valid under its rules and with a matching receipt; the root of
// the leaves equal to the checkpoint's; the checkpoint signed by the
// published key — and by trusted, when given. It then counts the ballots.
func VerifyLog(pl PublishedLog, trusted ed25519.PublicKey) (Recount, error) {
	cp, pub, err := pl.checkpoint()
	if err != nil {
		return Recount{}, err
	}
	if trusted != nil && !trusted.Equal(pub) {
		return Recount{}, fmt.Errorf("%w: the log is signed by another key", ErrSignature)
	}
	if err := cp.Verify(pub); err != nil {
		return Recount{}, err
	}
	if cp.Origin != originOf(pl.Budget.ID) || cp.Size != uint64(len(pl.Leaves)) {
		return Recount{}, fmt.Errorf("%w: checkpoint is for %s with %d leaves, the log has %d", ErrProof, cp.Origin, cp.Size, len(pl.Leaves))
	}
	in := pl.Budget.Instance()
	hashes := make([]Hash, len(pl.Leaves))
	last := map[string]int{} // slot -> leaf index
	leaves := make([]Leaf, len(pl.Leaves))
	for i, raw := range pl.Leaves {
		l, err := ParseLeaf([]byte(raw))
		if err != nil {
			return Recount{}, fmt.Errorf("leaf %d: %w", i, err)
		}
		if l.BudgetID != pl.Budget.ID {
			return Recount{}, fmt.Errorf("leaf %d: %w: for budget %s", i, ErrLeaf, l.BudgetID)
		}
		if _, err := in.Check(l.Projects); err != nil {
			return Recount{}, fmt.Errorf("leaf %d: %w: %v", i, ErrLeaf, err)
		}
		hashes[i], leaves[i], last[l.Slot] = LeafHash([]byte(raw)), l, i
	}
	if MerkleRoot(hashes) != cp.Root {
		return Recount{}, fmt.Errorf("%w: the leaves do not hash to the checkpoint's root", ErrProof)
	}
	r := Recount{Size: len(pl.Leaves), Counts: map[string]int{}}
	slots := make([]string, 0, len(last))
	for s := range last {
		slots = append(slots, s)
	}
	sort.Strings(slots)
	for _, s := range slots {
		l := leaves[last[s]]
		for _, p := range l.Projects {
			r.Counts[p]++
		}
		r.Votes = append(r.Votes, pb.Vote{Voter: itoa(len(r.Votes) + 1), Projects: l.Projects})
	}
	r.Ballots, r.Replaced = len(r.Votes), r.Size-len(r.Votes)
	r.Greedy, r.MES = pb.Greedy(in, r.Votes), pb.EqualShares(in, r.Votes, pb.Options{})
	return r, nil
}

// Inclusion proves one receipt's place in a log.
type Inclusion struct {
	Receipt  string   `json:"receipt"`
	Index    uint64   `json:"index"`
	Size     uint64   `json:"size"`
	LeafHash string   `json:"leaf_hash"`
	Path     []string `json:"path"` // hex, bottom to top
	Root     string   `json:"root"`
	Projects []string `json:"projects"`
	// Live is false when a later ballot of the same voter replaced it.
	Live bool `json:"live"`
}

// Prove finds a receipt in a published log and builds its inclusion proof,
// verified against the checkpoint's root before it is returned.
func (pl PublishedLog) Prove(receipt string) (Inclusion, error) {
	receipt = strings.ToLower(strings.TrimSpace(receipt))
	hashes := make([]Hash, len(pl.Leaves))
	at, slot := -1, ""
	later := false
	var leaf Leaf
	for i, raw := range pl.Leaves {
		hashes[i] = LeafHash([]byte(raw))
		l, err := ParseLeaf([]byte(raw))
		if err != nil {
			return Inclusion{}, fmt.Errorf("leaf %d: %w", i, err)
		}
		switch {
		case l.Receipt == receipt && at < 0:
			at, slot, leaf = i, l.Slot, l
		case at >= 0 && l.Slot == slot:
			later = true
		}
	}
	if at < 0 {
		return Inclusion{}, ErrReceiptUnknown
	}
	cp, _, err := pl.checkpoint()
	if err != nil {
		return Inclusion{}, err
	}
	path := InclusionProof(hashes, at)
	if err := VerifyInclusion(uint64(at), uint64(len(hashes)), hashes[at], path, cp.Root); err != nil {
		return Inclusion{}, err
	}
	inc := Inclusion{Receipt: receipt, Index: uint64(at), Size: uint64(len(hashes)), LeafHash: hexHash(hashes[at]),
		Root: hexHash(cp.Root), Projects: leaf.Projects, Live: !later}
	for _, h := range path {
		inc.Path = append(inc.Path, hexHash(h))
	}
	return inc, nil
}

// Verify proves a receipt against the budget's log (the public
// verification page): the leaf with this receipt, its inclusion proof
// checked against the latest signed checkpoint, and whether it still
// counts (it is the ballot in its slot of the box). It reads the stored
// leaf hashes, not the leaves, so it stays cheap on a large log.
func (bb *BallotBox) Verify(ctx context.Context, budgetID, receipt string) (Inclusion, error) {
	receipt = strings.ToLower(strings.TrimSpace(receipt))
	pub, err := bb.PublicKey(ctx)
	if err != nil {
		return Inclusion{}, err
	}
	cp, err := bb.s.st.checkpoint(ctx, budgetID)
	if err != nil {
		return Inclusion{}, wrap("verify", err)
	}
	if err := cp.Verify(pub); err != nil {
		return Inclusion{}, wrap("verify", err)
	}
	idx, leaf, err := bb.s.st.leafByReceipt(ctx, budgetID, receipt)
	if err != nil {
		return Inclusion{}, err
	}
	if idx >= cp.Size {
		return Inclusion{}, ErrReceiptUnknown
	}
	hashes, err := bb.s.st.leafHashes(ctx, budgetID, cp.Size)
	if err != nil {
		return Inclusion{}, wrap("verify", err)
	}
	h := LeafHash(leaf.Bytes())
	path := InclusionProof(hashes, int(idx))
	if err := VerifyInclusion(idx, cp.Size, h, path, cp.Root); err != nil {
		return Inclusion{}, wrap("verify", err)
	}
	live, err := bb.s.st.boxHasReceipt(ctx, budgetID, receipt)
	if err != nil {
		return Inclusion{}, wrap("verify", err)
	}
	inc := Inclusion{Receipt: receipt, Index: idx, Size: cp.Size, LeafHash: hexHash(h), Root: hexHash(cp.Root),
		Projects: leaf.Projects, Live: live}
	for _, x := range path {
		inc.Path = append(inc.Path, hexHash(x))
	}
	return inc, nil
}
