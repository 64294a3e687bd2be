package participation

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// checkLedger asserts the ledger's invariants: balances sum to zero, the
// fund is never negative and equals payments less refunds, nobody is
// refunded more than they paid or pays more than they pledged.
func checkLedger(t *testing.T, l *Ledger) {
	t.Helper()
	if l.Sum() != 0 {
		t.Fatalf("balances sum to %d", l.Sum())
	}
	var debits, credits int64
	for _, e := range l.Entries {
		if e.Amount <= 0 || e.Debit == e.Credit || e.Debit == "" || e.Credit == "" {
			t.Fatalf("malformed entry %+v", e)
		}
		debits += e.Amount
		credits += e.Amount
	}
	if debits != credits {
		t.Fatalf("debits %d != credits %d", debits, credits)
	}
	tot := l.Totals()
	if l.Fund() < 0 || l.Fund() != tot.Paid-tot.Refunded {
		t.Fatalf("fund %d, paid %d, refunded %d", l.Fund(), tot.Paid, tot.Refunded)
	}
	for _, p := range l.PayerIDs() {
		x := l.Payer(p)
		if x.Refunded > x.Paid || x.Paid+x.Cancelled > x.Pledged || x.Owed() < 0 {
			t.Fatalf("payer %s: %+v", p, x)
		}
		if l.Balance(pledgeAccount(p)) != x.Owed() || l.Balance(refundAccount(p)) != x.Refunded {
			t.Fatalf("payer %s accounts disagree with totals %+v", p, x)
		}
	}
}

// TestLedgerProperty drives random sequences of pledge, pay, refund and
// reject (with overdrawn and out-of-state attempts among them) and checks
// after every step that the ledger balances and no payer is refunded more
// than paid; refused steps change nothing.
func TestLedgerProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 26))
	payers := []string{"p1", "p2", "p3", "p4"}
	for run := 0; run < 2000; run++ {
		l, _ := NewLedger(false, nil)
		for step := 0; step < 40; step++ {
			p := payers[r.IntN(len(payers))]
			amount := r.Int64N(50_000) - 1_000 // sometimes zero or negative
			before := len(l.Entries)
			var err error
			switch op := r.IntN(10); {
			case op < 3:
				_, err = l.Post(EntryPledge, p, amount)
			case op < 6:
				_, err = l.Post(EntryPay, p, amount)
			case op < 9:
				_, err = l.Post(EntryRefund, p, amount)
			case !l.Rejected:
				l.Rejected = true
				for _, id := range l.PayerIDs() {
					if owed := l.Payer(id).Owed(); owed > 0 {
						if _, err := l.Post(EntryCancel, id, owed); err != nil {
							t.Fatal(err)
						}
					}
				}
				before = len(l.Entries)
			}
			if err != nil {
				if !errors.Is(err, fault.ErrInvalid) && !errors.Is(err, fault.ErrConflict) {
					t.Fatalf("unexpected error %v", err)
				}
				if len(l.Entries) != before {
					t.Fatal("a refused movement was written")
				}
			}
			checkLedger(t, l)
		}
		// Refund everything after a rejection: the fund empties exactly.
		if l.Rejected {
			for _, id := range l.PayerIDs() {
				if x := l.Payer(id).Refundable(); x > 0 {
					if _, err := l.Post(EntryRefund, id, x); err != nil {
						t.Fatal(err)
					}
				}
			}
			checkLedger(t, l)
			if l.Fund() != 0 || l.Balance(accountCommitments) != -l.Totals().Paid {
				t.Fatalf("after full refunds fund %d commitments %d", l.Fund(), l.Balance(accountCommitments))
			}
		}
		// Replaying the entries gives the same ledger.
		again, err := NewLedger(l.Rejected, l.Entries)
		if err != nil || again.Sum() != 0 || again.Fund() != l.Fund() || again.Totals() != l.Totals() {
			t.Fatalf("replay differs: %v", err)
		}
	}
}

func TestLedgerRefusals(t *testing.T) {
	l, _ := NewLedger(false, nil)
	if _, err := l.Post(EntryRefund, "a", 10); !errors.Is(err, errInitiativeState) {
		t.Fatalf("refund before rejection: %v", err)
	}
	must[LedgerEntry](t)(l.Post(EntryPledge, "a", 100))
	if _, err := l.Post(EntryPay, "a", 101); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("overpay: %v", err)
	}
	must[LedgerEntry](t)(l.Post(EntryPay, "a", 60))
	l.Rejected = true
	if _, err := l.Post(EntryPay, "a", 10); !errors.Is(err, errInitiativeState) {
		t.Fatalf("pay after rejection: %v", err)
	}
	if _, err := l.Post(EntryRefund, "a", 61); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("over-refund: %v", err)
	}
	if _, err := l.Post(EntryRefund, "b", 1); !errors.Is(err, fault.ErrInvalid) {
		t.Fatalf("refund to a stranger: %v", err)
	}
	must[LedgerEntry](t)(l.Post(EntryRefund, "a", 60))
	checkLedger(t, l)
}

func TestScoreTotals(t *testing.T) {
	crit := []Criterion{{Code: "need", Weight: 3, MaxScore: 10}, {Code: "cost", Weight: 1, MaxScore: 5}}
	s := ScoreTotals(crit, []Score{
		{MemberID: "m1", Criterion: "need", Score: 10}, {MemberID: "m1", Criterion: "cost", Score: 5}, // 35/35 = 1000
		{MemberID: "m2", Criterion: "need", Score: 5}, {MemberID: "m2", Criterion: "cost", Score: 0}, // 15/35 = 428
	})
	if len(s.Members) != 2 || s.Members[0].Permille != 1000 || s.Members[1].Permille != 428 || s.TotalPermille != 714 {
		t.Fatalf("%+v", s)
	}
	if ScoreTotals(crit, nil).TotalPermille != -1 {
		t.Fatal("no scores should give -1")
	}
}
