package participation

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/web"
)

// The proposal-list benchmark of issue 4 (100,000 proposals, p95 under
// 100 ms server-side):
//
//	go test -run XXX -bench ProposalList -benchtime 200x ./internal/participation/
//
// MUNI_BENCH_PROPOSALS sets how many proposals are stored (100,000 by
// default); both engines run when MUNI_TEST_POSTGRES_URL is set. Each
// case reports its p95 in ms beside the mean; "offset" is the baseline:
// the same deep page read with LIMIT/OFFSET instead of a keyset.

func benchProposals() int {
	if n, err := strconv.Atoi(os.Getenv("MUNI_BENCH_PROPOSALS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// seedProposals stores n proposals (one in 50 hidden by moderation) in
// one process of muni A, oldest first, and returns the process.
func seedProposals(b *testing.B, d *db.DB, s *Service, n int) Process {
	b.Helper()
	ctx := context.Background()
	p, err := s.CreateProcess(admin(muniA), muniA.ID, ProcessInput{Slug: "bench", Title: "Бюджет"})
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"площадка", "освещение", "дорога", "сквер", "остановка", "тротуар", "парк", "школа", "двор", "набережная"}
	t0 := start.Add(-365 * 24 * time.Hour)
	const batch = 500
	err = d.InTx(ctx, func(ctx context.Context) error {
		for i := 0; i < n; i += batch {
			var sb strings.Builder
			var args []any
			sb.WriteString(`INSERT INTO participation_proposals (id, process_id, tenant_id, territory_node_id, territory_path,
				author_id, author_name, title, body, supports, threshold, flags, moderation, visible, demo, created_ms) VALUES `)
			for j := i; j < min(n, i+batch); j++ {
				if j > i {
					sb.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, 0, $%d, $%d, 0, $%d)",
					k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9, k+10, k+11, k+12, k+13, k+14)
				mod, vis := "", 1
				if j%50 == 49 {
					mod, vis = "pending", 0
				}
				args = append(args, fmt.Sprintf("bench-%07d", j), p.ID, muniA.ID, muniA.ID, muniA.Path, "author", "Анна П.",
					fmt.Sprintf("%s и %s №%d", words[j%10], words[(j/10)%10], j), "Описание предложения.",
					(j*7919)%1000, 500, mod, vis, db.Millis(t0.Add(time.Duration(j)*time.Minute)))
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
	if d.Engine == db.Postgres {
		if _, err := d.Writer().Exec(`ANALYZE participation_proposals`); err != nil {
			b.Fatal(err)
		}
	} else if _, err := d.Writer().Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return p
}

// timed runs f b.N times and reports the p95 of one call.
func timed(b *testing.B, f func() error) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(ds)
	if len(ds) > 0 {
		b.ReportMetric(float64(ds[(len(ds)*95)/100].Microseconds())/1000, "p95-ms")
	}
}

func BenchmarkProposalList(b *testing.B) {
	n := benchProposals()
	for _, e := range testdb.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			d := testdb.Open(b, e, sets...)
			s := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: fakePlaces{}, Residents: roll{},
				Now: func() time.Time { return start }})
			p := seedProposals(b, d, s, n)
			ctx := context.Background()
			// The cursor of a page 90 % down the list, newest first, and of
			// the same depth by support.
			deep := func(order Order) []string {
				page := web.Page{Limit: 100}
				for i := 0; i < (n*90/100)/100; i++ {
					l, err := s.Proposals(ctx, p.ID, order, page)
					if err != nil || l.NextCursor == "" {
						b.Fatalf("walking to the deep page: %v", err)
					}
					page.After = strings.Split(decodeB(b, l.NextCursor), "\x1f")
				}
				return page.After
			}
			deepNew, deepTop := deep(OrderNew), deep(OrderTop)
			for _, c := range []struct {
				name  string
				order Order
				after []string
			}{
				{"keyset/new/first", OrderNew, nil},
				{"keyset/new/deep", OrderNew, deepNew},
				{"keyset/top/first", OrderTop, nil},
				{"keyset/top/deep", OrderTop, deepTop},
			} {
				b.Run(c.name, func(b *testing.B) {
					timed(b, func() error {
						l, err := s.Proposals(ctx, p.ID, c.order, web.Page{Limit: 20, After: c.after})
						if err == nil && len(l.Items) != 20 {
							err = fmt.Errorf("%d items", len(l.Items))
						}
						return err
					})
				})
			}
			// Baseline: the deep page by OFFSET, as a list without a keyset reads it.
			b.Run("offset/new/deep", func(b *testing.B) {
				timed(b, func() error {
					rows, err := d.R(ctx).QueryContext(ctx, `SELECT `+proposalColumns+` FROM participation_proposals
						WHERE process_id = $1 AND visible = 1 ORDER BY created_ms DESC, id DESC LIMIT 21 OFFSET $2`, p.ID, n*90/100)
					if err != nil {
						return err
					}
					defer rows.Close()
					k := 0
					for rows.Next() {
						if _, err := scanProposal(rows); err != nil {
							return err
						}
						k++
					}
					if k == 0 {
						return fmt.Errorf("no rows")
					}
					return rows.Err()
				})
			})
			// The whole HTML page as a resident's browser gets it: routing,
			// the process, the keyset read and the template.
			h := testServer(b, s, map[string]*auth.Actor{})
			for _, c := range []struct{ name, query string }{
				{"page/new/first", ""},
				{"page/top/deep", "?order=top&cursor=" + web.EncodeCursor(deepTop...)},
			} {
				b.Run(c.name, func(b *testing.B) {
					timed(b, func() error {
						w := httptest.NewRecorder()
						h.ServeHTTP(w, httptest.NewRequest("GET", "/m/luga/participation/bench/proposals"+c.query, nil))
						if w.Code != http.StatusOK {
							return fmt.Errorf("status %d", w.Code)
						}
						return nil
					})
				})
			}
		})
	}
}

func decodeB(b *testing.B, cursor string) string {
	s, err := base64URL.DecodeString(cursor)
	if err != nil {
		b.Fatal(err)
	}
	return string(s)
}
