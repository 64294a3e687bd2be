package participation

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// A retried re-vote finds its row by the slot its code derives, with no
// index on the idempotency hash; keys reused otherwise are refused.
func TestBallotRevoteRetriesBySlot(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		ctx := b.voter("u1")
		k1, k2 := newKey(), newKey()
		r1 := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, BallotInput{Projects: []string{b.p[0]}, IdempotencyKey: k1}))
		revote := BallotInput{Projects: []string{b.p[2]}, IdempotencyKey: k2, RevoteCode: r1.RevoteCode}
		r2 := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, revote))
		again := must[Receipt](t)(b.box.Cast(ctx, b.bud.ID, revote))
		if again.Receipt != r2.Receipt || again.LeafIndex != r2.LeafIndex {
			t.Fatalf("retried re-vote gave %+v, want %+v", again, r2)
		}
		if got := b.stored(); got != "roll=1 box=1 leaves=2" {
			t.Fatalf("after the retry: %s", got)
		}
		for _, c := range []struct {
			name string
			in   BallotInput
			want error
		}{
			{"re-vote key with another ballot", BallotInput{Projects: []string{b.p[1]}, IdempotencyKey: k2, RevoteCode: r1.RevoteCode}, ErrIdempotencyReuse},
			{"first key again without code", BallotInput{Projects: []string{b.p[0]}, IdempotencyKey: k1}, ErrAlreadyVoted},
			{"re-vote key without code", BallotInput{Projects: []string{b.p[2]}, IdempotencyKey: k2}, ErrAlreadyVoted},
		} {
			if _, err := b.box.Cast(ctx, b.bud.ID, c.in); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		// another voter presenting the re-vote key and code is refused
		if _, err := b.box.Cast(b.voter("u2"), b.bud.ID, revote); !errors.Is(err, ErrRevoteCode) {
			t.Errorf("another voter's re-vote: %v", err)
		}
		if got := b.stored(); got != "roll=1 box=1 leaves=2" {
			t.Fatalf("refusals wrote: %s", got)
		}
		// the receipt check reads the slot from the leaf
		if inc := must[Inclusion](t)(b.box.Verify(context.Background(), b.bud.ID, r2.Receipt)); !inc.Live {
			t.Fatal("the current ballot is not live")
		}
		if inc := must[Inclusion](t)(b.box.Verify(context.Background(), b.bud.ID, r1.Receipt)); inc.Live {
			t.Fatal("the replaced ballot is live")
		}
		if _, err := b.box.Verify(context.Background(), b.bud.ID, "no-such-receipt"); !errors.Is(err, ErrReceiptUnknown) {
			t.Fatalf("unknown receipt: %v", err)
		}
		// the box keeps its key and the content index, nothing keyed by a
		// hash besides the slot
		q := `SELECT name FROM pragma_index_list('participation_ballot_box') WHERE origin <> 'pk'`
		if b.d.Engine == db.Postgres {
			q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'participation_ballot_box' AND indexname NOT LIKE '%_pkey'`
		}
		rows, err := b.d.Writer().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		if !slices.Equal(names, []string{"participation_ballot_box_projects"}) {
			t.Fatalf("box indexes %v", names)
		}
	})
}
