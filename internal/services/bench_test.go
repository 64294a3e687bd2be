package services

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchApplications is how many decided and open applications the
// statistics benchmark reads: a large municipality's year.
const benchApplications = 10000

// BenchmarkStats measures the public statistics of a municipality with
// 10,000 applications over its eight demo services (what the statistics
// page and the monitoring adapter ask for) and the overdue count, against
// the baseline of counting the same rows in SQL.
func BenchmarkStats(b *testing.B) {
	for _, engine := range testdb.Engines(b) {
		d := testdb.Open(b, engine, sets...)
		svc := New(Deps{DB: d, Audit: audit.New(d), Outbox: events.NewOutbox(d), Places: newPlaces()})
		seedBench(b, svc)
		ctx := context.Background()
		b.Run(string(engine)+"/baseline-count", func(b *testing.B) {
			for b.Loop() {
				var n int
				if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM services_applications
					WHERE tenant_id = $1 AND state <> 'draft'`, muniA.ID).Scan(&n); err != nil || n != benchApplications {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
		})
		b.Run(string(engine)+"/stats", func(b *testing.B) {
			for b.Loop() {
				st, err := svc.Stats(ctx, muniA.ID)
				if err != nil || len(st) != 8 {
					b.Fatalf("%d services, %v", len(st), err)
				}
			}
		})
		b.Run(string(engine)+"/overdue", func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Overdue(ctx, muniA.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedBench fills muni A's catalogue with the demo services and writes the
// applications straight through the store, in one transaction.
func seedBench(b *testing.B, svc *Service) {
	b.Helper()
	ctx := system()
	var entries []Entry
	for _, de := range demoCatalogue() {
		de.Entry.Active = true
		e, err := svc.CreateEntry(ctx, muniA.ID, de.Entry)
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	start := time.Date(2026, 1, 12, 7, 0, 0, 0, time.UTC)
	states := []State{StateApproved, StateApproved, StateRefused, StateInWork, StateSubmitted, StateAwaiting}
	err := svc.db.InTx(ctx, func(ctx context.Context) error {
		for i := range benchApplications {
			e := entries[i%len(entries)]
			at := start.Add(time.Duration(i) * 40 * time.Minute)
			a := Application{ID: db.NewID(), TenantID: muniA.ID, TenantPath: muniA.Path, ServiceID: e.ID, ApplicantID: fmt.Sprint("r", i%700),
				ApplicantName: "Заявитель", State: StateDraft, Values: Values{"applicant": "Заявитель"}, Created: at, Updated: at}
			if err := svc.st.insertApp(ctx, a); err != nil {
				return err
			}
			a.State, a.Number, a.Submitted = states[i%len(states)], fmt.Sprintf("МУ-2026-%06d", i+1), at
			a.Term = e.Term
			a.Due, a.Calendar = svc.Due(e.Term, at, time.UTC)
			if a.State == StateAwaiting && e.Term.Suspends { // waiting with the term suspended since two days after submission
				a.Paused = at.Add(48 * time.Hour)
			}
			if a.State.Closed() {
				a.Decided = at.Add(time.Duration(24+i%300) * time.Hour)
				if a.State == StateRefused {
					a.RefusalCode = e.Reasons[i%len(e.Reasons)].Code
				}
			}
			if err := svc.st.updateApp(ctx, a, StateDraft); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
