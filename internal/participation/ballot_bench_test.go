package participation

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchBudget sets up, on engine e, a running vote and a knapsack budget of
// five projects, and a roll of n verified voters.
func benchBudget(b *testing.B, e db.Engine, n int) (*BallotBox, Budget, *db.DB) {
	d := testdb.Open(b, e, sets...)
	voters := roll{}
	for i := range n {
		id := fmt.Sprint("v", i)
		voters[id] = Resident{UserID: id, Verified: true, ResidencePath: distN.Path, BirthDate: date("1980-01-01")}
	}
	svc := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: fakePlaces{}, Residents: voters,
		Now: func() time.Time { return start }})
	ctx := admin(muniA)
	p, err := svc.CreateProcess(ctx, muniA.ID, ProcessInput{Slug: "bench", Title: "Бюджет"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.AddPhase(ctx, p.ID, PhaseInput{Kind: PhaseVoting, StartsAt: start.Add(-time.Hour), EndsAt: start.Add(time.Hour),
		Permissions: []PermissionInput{{Action: ActionVote, Level: LevelVerified, TerritoryNodeID: distN.ID, MinAge: 16}}}); err != nil {
		b.Fatal(err)
	}
	bud, err := svc.CreateBudget(ctx, p.ID, BudgetInput{DistrictID: distN.ID, Title: "Север", Limit: 100_000_000, Kind: pb.Knapsack})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5 {
		if _, err := svc.AddProject(ctx, bud.ID, ProjectInput{Title: fmt.Sprint("Проект ", i), Cost: int64(i+1) * 10_000_000}); err != nil {
			b.Fatal(err)
		}
	}
	bud, _ = svc.Budget(context.Background(), bud.ID)
	return NewBallotBox(svc, nil), bud, d
}

// BenchmarkBallotCast: distinct verified voters cast knapsack ballots
// concurrently through the whole service — eligibility, roll, box, receipt,
// log append and a signed checkpoint per ballot, each in its transaction.
func BenchmarkBallotCast(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			box, bud, _ := benchBudget(b, e, b.N+1)
			var next atomic.Int64
			b.SetParallelism(32) // as many requests in flight as a busy server has
			b.ResetTimer()
			w0 := writtenBytes()
			t0 := time.Now()
			b.RunParallel(func(pbt *testing.PB) {
				for pbt.Next() {
					i := next.Add(1)
					ctx := actorCtx(fmt.Sprint("v", i))
					_, err := box.Cast(ctx, bud.ID, BallotInput{Projects: []string{bud.Projects[i%5].ID, bud.Projects[(i+1)%5].ID},
						IdempotencyKey: fmt.Sprintf("bench-key-%020d", i)})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "ballots/s")
			if w := writtenBytes(); e == db.SQLite && w > 0 {
				// bytes the process wrote (WAL frames and checkpoints into
				// the database file): steadier than the rate on a shared machine
				b.ReportMetric(float64(w-w0)/float64(b.N), "written-B/ballot")
			}
		})
	}
}

// BenchmarkBallotTally1M counts a box of 1,000,000 ballots (written
// directly, not timed) — the count behind the results page.
func BenchmarkBallotTally1M(b *testing.B) {
	const n = 1_000_000
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			box, bud, d := benchBudget(b, e, 0)
			ctx := context.Background()
			const chunk = 500
			for base := 0; base < n; base += chunk * 20 {
				err := d.InTx(ctx, func(ctx context.Context) error {
					for c := 0; c < 20 && base+c*chunk < n; c++ {
						var sb strings.Builder
						args := []any{bud.ID}
						sb.WriteString(`INSERT INTO participation_ballot_box (budget_id, slot, idem, projects, receipt) VALUES `)
						for j := range chunk {
							k := base + c*chunk + j
							if j > 0 {
								sb.WriteString(",")
							}
							fmt.Fprintf(&sb, "($1, $%d, $%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3, len(args)+4)
							ps := bud.Projects[k%5].ID + "," + bud.Projects[(k+2)%5].ID
							args = append(args, fmt.Sprintf("s%08d", k), fmt.Sprintf("i%08d", k), ps, fmt.Sprintf("r%08d", k))
						}
						if _, err := d.Q(ctx).ExecContext(ctx, sb.String(), args...); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				counts, got, err := box.Tally(ctx, bud.ID)
				if err != nil || got != n || counts[bud.Projects[0].ID] != 2*n/5 {
					b.Fatalf("tally %d %v %v", got, counts, err)
				}
			}
		})
	}
}

// BenchmarkBallotBaselineTx is the floor BallotCast is judged against: one
// transaction per op writing one roll row and nothing else, serially.
func BenchmarkBallotBaselineTx(b *testing.B) {
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, sets...)
			ctx := context.Background()
			b.ResetTimer()
			t0 := time.Now()
			for i := range b.N {
				err := d.InTx(ctx, func(ctx context.Context) error {
					_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO participation_ballot_roll (budget_id, voter_id, day, channel, check_mac)
						VALUES ('baseline', $1, '2026-11-27', 'online', 'x')`, fmt.Sprint("v", i))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "tx/s")
		})
	}
}

// writtenBytes is what the process has written so far (/proc/self/io's
// wchar, Linux); 0 where that is not available.
func writtenBytes() int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "wchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}
