package participation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ballotEnv is a process whose voting phase runs now, open to verified
// residents of district North aged 16+, and a knapsack budget for North:
// 1 000 000 ₽ limit, projects of 600 000, 400 000 and 300 000 ₽.
type ballotEnv struct {
	*env
	proc Process
	bud  Budget
	box  *BallotBox
	p    []string // project ids
}

func ballots(t *testing.T, body func(t *testing.T, b *ballotEnv)) {
	run(t, func(t *testing.T, e *env) {
		proc := e.process("pb-2027", []PhaseKind{PhaseVoting}, PermissionInput{Action: ActionVote, Level: LevelVerified,
			TerritoryNodeID: distN.ID, MinAge: 16})
		bud := must[Budget](t)(e.svc.CreateBudget(admin(muniA), proc.ID, BudgetInput{DistrictID: distN.ID, Title: "Север",
			Limit: 100_000_000, Kind: pb.Knapsack}))
		b := &ballotEnv{env: e, proc: proc, box: NewBallotBox(e.svc, nil)}
		for i, c := range []int64{60_000_000, 40_000_000, 30_000_000} {
			p := must[BudgetProject](t)(e.svc.AddProject(admin(muniA), bud.ID, ProjectInput{Title: fmt.Sprint("Проект ", i+1), Cost: c}))
			b.p = append(b.p, p.ID)
		}
		b.bud = must[Budget](t)(e.svc.Budget(context.Background(), bud.ID))
		body(t, b)
	})
}

func newKey() string {
	k := make([]byte, 18)
	rand.Read(k)
	return hex.EncodeToString(k)
}

// voter is a verified adult of North.
func (b *ballotEnv) voter(id string) context.Context { return b.person(id, distN, "1980-05-05") }

// stored is the rows of the ballot tables, to show nothing was written.
func (b *ballotEnv) stored() string {
	return fmt.Sprintf("roll=%d box=%d leaves=%d", b.count("participation_ballot_roll"), b.count("participation_ballot_box"),
		b.count("participation_ballot_leaves"))
}

func TestBallotCastReplaceVerify(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		ctx := b.voter("u1")
		key := newKey()
		r1 := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, BallotInput{Projects: []string{b.p[0], b.p[1]}, IdempotencyKey: key}))
		if r1.Sum != 100_000_000 || r1.LeafIndex != 0 || r1.Replaced || len(r1.RevoteCode) != 64 {
			t.Fatalf("receipt %+v", r1)
		}
		// the same request again (a lost response) gives the same receipt
		again := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, BallotInput{Projects: []string{b.p[1], b.p[0]}, IdempotencyKey: key}))
		if again.Receipt != r1.Receipt || again.RevoteCode != r1.RevoteCode {
			t.Fatalf("replay gave %+v", again)
		}
		if got := b.stored(); got != "roll=1 box=1 leaves=1" {
			t.Fatalf("after replay: %s", got)
		}
		// the roll and the box share no value
		var rollMAC, slot, idem string
		b.d.Writer().QueryRow(`SELECT check_mac FROM participation_ballot_roll`).Scan(&rollMAC)
		b.d.Writer().QueryRow(`SELECT slot, idem FROM participation_ballot_box`).Scan(&slot, &idem)
		if rollMAC == slot || rollMAC == idem || slot == "" || rollMAC == "" {
			t.Fatalf("roll and box linked: %s %s %s", rollMAC, slot, idem)
		}
		// re-vote with the code replaces the ballot
		r2 := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, BallotInput{Projects: []string{b.p[2]}, IdempotencyKey: newKey(), RevoteCode: r1.RevoteCode}))
		if !r2.Replaced || r2.LeafIndex != 1 || r2.RevoteCode != r1.RevoteCode {
			t.Fatalf("re-vote receipt %+v", r2)
		}
		if got := b.stored(); got != "roll=1 box=1 leaves=2" {
			t.Fatalf("after re-vote: %s", got)
		}
		counts, n := must2[map[string]int, int](t)(b.box.Tally(context.Background(), b.bud.ID))
		if n != 1 || counts[b.p[2]] != 1 || counts[b.p[0]] != 0 {
			t.Fatalf("tally %v %d", counts, n)
		}
		// the public log recounts the same, and proves both receipts
		pl := must[PublishedLog](t)(b.box.Log(context.Background(), b.bud.ID))
		rc := must[Recount](t)(VerifyLog(pl, nil))
		if rc.Size != 2 || rc.Ballots != 1 || rc.Replaced != 1 || rc.Counts[b.p[2]] != 1 || len(rc.Counts) != 1 {
			t.Fatalf("recount %+v", rc)
		}
		old := must[Inclusion](t)(b.box.Verify(context.Background(), b.bud.ID, r1.Receipt))
		cur := must[Inclusion](t)(b.box.Verify(context.Background(), b.bud.ID, r2.Receipt))
		if old.Live || !cur.Live || old.Index != 0 || cur.Size != 2 {
			t.Fatalf("verify: old %+v cur %+v", old, cur)
		}
		// tampering with the log is caught
		bad := pl
		bad.Leaves = append([]string(nil), pl.Leaves...)
		bad.Leaves[0] = bad.Leaves[1]
		if _, err := VerifyLog(bad, nil); !errors.Is(err, ErrProof) {
			t.Fatalf("tampered log: %v", err)
		}
		pub := must[[]byte](t)(hex.DecodeString(pl.PublicKey))
		other := pl
		sig := []byte(pl.Checkpoint.Signature)
		sig[10] = "01"[(sig[10]-'0'+1)%2] // a different hex digit, always
		other.Checkpoint.Signature = string(sig)
		if _, err := VerifyLog(other, pub); !errors.Is(err, ErrSignature) {
			t.Fatalf("bad signature: %v", err)
		}
		// results: only administrators before the close, both rules
		if _, err := b.box.Results(ctx, b.bud.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("results before close: %v", err)
		}
		res := must[Results](t)(b.box.Results(admin(muniA), b.bud.ID))
		if res.Voters != 1 || res.Ballots != 1 || len(res.Greedy.Selected) != 1 || res.MES.Winners()[0] != b.p[2] {
			t.Fatalf("results %+v", res)
		}
	})
}

func must2[A, B any](t *testing.T) func(a A, b B, err error) (A, B) {
	return func(a A, b B, err error) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func TestBallotRefusals(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		ok := []string{b.p[0]}
		voted := b.voter("voted")
		first := must[Receipt](t)(b.box.Cast(voted, b.bud.ID, BallotInput{Projects: ok, IdempotencyKey: "fixed-key-for-the-first-ballot"}))
		must[Receipt](t)(b.box.Cast(b.voter("voted2"), b.bud.ID, BallotInput{Projects: ok, IdempotencyKey: newKey()}))
		before := b.stored()
		cases := []struct {
			name string
			ctx  context.Context
			in   BallotInput
			at   time.Time
			want error
		}{
			{"over budget", b.voter("u2"), BallotInput{Projects: []string{b.p[0], b.p[1], b.p[2]}}, start, ErrInvalid},
			{"unknown project", b.voter("u3"), BallotInput{Projects: []string{"nope"}}, start, ErrInvalid},
			{"empty", b.voter("u4"), BallotInput{}, start, ErrInvalid},
			{"unverified", b.person("u5", Place{}, ""), BallotInput{Projects: ok}, start, ErrNotVerified},
			{"wrong territory", b.person("u6", distS, "1980-01-01"), BallotInput{Projects: ok}, start, ErrWrongTerritory},
			{"under age", b.person("u7", distN, "2015-01-01"), BallotInput{Projects: ok}, start, ErrUnderAge},
			{"before the phase", b.voter("u8"), BallotInput{Projects: ok}, start.Add(-2 * time.Hour), ErrNotInPhase},
			{"after the phase", b.voter("u9"), BallotInput{Projects: ok}, start.Add(11 * 24 * time.Hour), ErrNotInPhase},
			{"anonymous", context.Background(), BallotInput{Projects: ok}, start, ErrUnauthorized},
			{"voted already", voted, BallotInput{Projects: ok}, start, ErrAlreadyVoted},
			{"key reused, other ballot", voted, BallotInput{Projects: []string{b.p[1]}, IdempotencyKey: "fixed-key-for-the-first-ballot"}, start, ErrIdempotencyReuse},
			{"key reused by another voter", b.voter("u10"), BallotInput{Projects: ok, IdempotencyKey: "fixed-key-for-the-first-ballot"}, start, ErrIdempotencyReuse},
			{"another voter replays the key", b.voter("voted2"), BallotInput{Projects: ok, IdempotencyKey: "fixed-key-for-the-first-ballot"}, start, ErrIdempotencyReuse},
			{"forged re-vote code", voted, BallotInput{Projects: ok, RevoteCode: hex.EncodeToString(make([]byte, 32))}, start, ErrRevoteCode},
			{"someone else's code", b.voter("u11"), BallotInput{Projects: ok, RevoteCode: first.RevoteCode}, start, ErrRevoteCode},
			{"malformed code", voted, BallotInput{Projects: ok, RevoteCode: "zz"}, start, ErrRevoteCode},
			{"short key", b.voter("u12"), BallotInput{Projects: ok, IdempotencyKey: "short"}, start, ErrInvalid},
		}
		for _, c := range cases {
			b.now = c.at
			if c.in.IdempotencyKey == "" {
				c.in.IdempotencyKey = newKey()
			}
			_, err := b.box.Cast(c.ctx, b.bud.ID, c.in)
			if !errors.Is(err, c.want) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.want)
			}
			if _, ok := fault.As(err); !ok && c.want != ErrUnauthorized { // that one is the plain 401
				t.Errorf("%s: %v carries no message", c.name, err)
			}
			if got := b.stored(); got != before {
				t.Errorf("%s: wrote %s (was %s)", c.name, got, before)
			}
		}
		b.now = start
		// a knapsack ballot under the minimum spend
		low := must[Budget](t)(b.svc.CreateBudget(admin(muniA), b.proc.ID, BudgetInput{DistrictID: distN.ID, Title: "Мин",
			Limit: 100_000_000, Kind: pb.Knapsack, MinSpendPercent: 50}))
		p := must[BudgetProject](t)(b.svc.AddProject(admin(muniA), low.ID, ProjectInput{Title: "Малый", Cost: 10_000_000}))
		_, err := b.box.Cast(b.voter("u13"), low.ID, BallotInput{Projects: []string{p.ID}, IdempotencyKey: newKey()})
		if f, _ := fault.As(err); f == nil || f.Key != "participation.ballot.error.under_minimum" {
			t.Errorf("under minimum: %v", err)
		}
		// a forged receipt is not found
		if _, err := b.box.Verify(context.Background(), b.bud.ID, hex.EncodeToString(make([]byte, 32))); !errors.Is(err, ErrReceiptUnknown) {
			t.Errorf("forged receipt: %v", err)
		}
		// projects cannot change once voting started
		if _, err := b.svc.AddProject(admin(muniA), b.bud.ID, ProjectInput{Title: "Поздно", Cost: 1}); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("late project: %v", err)
		}
		// budgets are for administrators
		if _, err := b.svc.CreateBudget(b.voter("u14"), b.proc.ID, BudgetInput{Title: "x", Limit: 1, Kind: pb.Approval}); !errors.Is(err, ErrForbidden) {
			t.Errorf("resident creates budget: %v", err)
		}
	})
}

// 200 requests for one person at once — some retries of one request, some
// fresh forms — leave exactly one ballot; then the tally is the number of
// distinct voters.
func TestBallotConcurrent(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		ctx := b.voter("same")
		retry := newKey()
		var wg sync.WaitGroup
		var mu sync.Mutex
		receipts := map[string]int{}
		refused := 0
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := retry
				if i%2 == 1 {
					key = newKey()
				}
				r, err := b.box.Cast(ctx, b.bud.ID, BallotInput{Projects: []string{b.p[i%3]}, IdempotencyKey: key})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					receipts[r.Receipt]++
				case errors.Is(err, ErrAlreadyVoted) || errors.Is(err, ErrIdempotencyReuse):
					refused++
				default:
					t.Errorf("cast %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if len(receipts) != 1 || b.stored() != "roll=1 box=1 leaves=1" {
			t.Fatalf("receipts %v refused %d, %s", receipts, refused, b.stored())
		}
		var ids []context.Context
		for i := range 20 {
			ids = append(ids, b.voter(fmt.Sprint("v", i)))
		}
		for i, c := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := b.box.Cast(c, b.bud.ID, BallotInput{Projects: []string{b.p[i%3]}, IdempotencyKey: newKey()}); err != nil {
					t.Errorf("voter %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		_, n := must2[map[string]int, int](t)(b.box.Tally(context.Background(), b.bud.ID))
		rc := must[Recount](t)(VerifyLog(must[PublishedLog](t)(b.box.Log(context.Background(), b.bud.ID)), nil))
		if n != 21 || rc.Ballots != 21 || b.count("participation_ballot_roll") != 21 {
			t.Fatalf("tally %d, recount %d, roll %d", n, rc.Ballots, b.count("participation_ballot_roll"))
		}
	})
}
