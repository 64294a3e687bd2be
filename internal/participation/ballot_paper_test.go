package participation

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPaperImport(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		b.voter("online")
		must[Receipt](t)(b.box.Cast(b.voter("online"), b.bud.ID, BallotInput{Projects: []string{b.p[2]}, IdempotencyKey: newKey()}))
		b.voter("p1")
		b.voter("p2")
		b.person("kid", distN, "2015-01-01")
		b.person("south", distS, "1980-01-01")
		bad := paperCSV([][2]string{
			{"p1", "1 2"}, {"p2", "1;2;3"}, {"online", "3"}, {"kid", "1"}, {"south", "1"}, {"p1", "2"}, {"ghost", "1"},
		})
		before := b.stored()
		rep, err := b.box.ImportPaper(admin(muniA), b.bud.ID, strings.NewReader(bad))
		if !errors.Is(err, ErrPaperRejected) || rep.Imported != 0 || rep.Rows != 7 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		want := map[int]string{
			3: "participation.ballot.error.over_limit", 4: "participation.ballot.error.already_voted",
			5: "participation.error.under_age", 6: "participation.error.wrong_territory",
			7: "participation.ballot.paper.duplicate_or_missing_voter", 8: "participation.error.not_verified",
		}
		if len(rep.Rejected) != len(want) {
			t.Fatalf("rejected %+v", rep.Rejected)
		}
		for _, r := range rep.Rejected {
			if want[r.Line] != r.Reason {
				t.Errorf("line %d (%s): %s, want %s", r.Line, r.Voter, r.Reason, want[r.Line])
			}
		}
		if got := b.stored(); got != before {
			t.Fatalf("half-imported: %s (was %s)", got, before)
		}
		good := paperCSV([][2]string{{"p1", "1 2"}, {"p2", "2"}})
		if _, err := b.box.ImportPaper(b.voter("p3"), b.bud.ID, strings.NewReader(good)); !errors.Is(err, ErrForbidden) {
			t.Fatalf("resident imports: %v", err)
		}
		rep = must[PaperReport](t)(b.box.ImportPaper(admin(muniA), b.bud.ID, strings.NewReader(good)))
		if rep.Imported != 2 || b.stored() != "roll=3 box=3 leaves=3" {
			t.Fatalf("import %+v, %s", rep, b.stored())
		}
		counts, n := must2[map[string]int, int](t)(b.box.Tally(context.Background(), b.bud.ID))
		if n != 3 || counts[b.p[0]] != 1 || counts[b.p[1]] != 2 || counts[b.p[2]] != 1 {
			t.Fatalf("tally %v", counts)
		}
		// a paper voter is on the roll: they cannot vote online too
		if _, err := b.box.Cast(b.voter("p1"), b.bud.ID, BallotInput{Projects: []string{b.p[0]}, IdempotencyKey: newKey()}); !errors.Is(err, ErrAlreadyVoted) {
			t.Fatalf("online after paper: %v", err)
		}
		if _, err := b.box.ImportPaper(admin(muniA), b.bud.ID, strings.NewReader("who,what\nx,1\n")); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad header: %v", err)
		}
	})
}
