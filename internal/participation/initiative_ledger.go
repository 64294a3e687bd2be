package participation

import (
	"sort"
)

// The co-financing ledger of an initiative project is double-entry: every
// movement debits one account and credits another by the same positive
// amount, so the sum of all balances is always zero. The accounts are
//
//	pledge:{payer}  what a payer promised and has not paid yet (receivable)
//	commitments     the project's total promised co-financing
//	fund            money received and held for the project
//	refund:{payer}  money returned to a payer after a rejection
//
// and the movements
//
//	pledge   debit pledge:{payer}, credit commitments
//	pay      debit fund,           credit pledge:{payer}
//	cancel   debit commitments,    credit pledge:{payer}  (unpaid pledges of a rejected project)
//	refund   debit refund:{payer}, credit fund
//
// Ledger checks each movement before it is written: a payer pays at most
// what they still owe, is refunded at most what they paid less what was
// already returned, and refunds happen only once the project is rejected.

// Entry kinds.
const (
	EntryPledge = "pledge"
	EntryPay    = "pay"
	EntryCancel = "cancel"
	EntryRefund = "refund"
)

// Accounts of the ledger.
const (
	accountCommitments = "commitments"
	accountFund        = "fund"
)

func pledgeAccount(payer string) string { return "pledge:" + payer }
func refundAccount(payer string) string { return "refund:" + payer }

// LedgerEntry is one movement of the ledger.
type LedgerEntry struct {
	Seq     int    `json:"seq"`
	Kind    string `json:"kind"`
	PayerID string `json:"-"`
	Debit   string `json:"-"`
	Credit  string `json:"-"`
	Amount  int64  `json:"amount_kopecks"`
}

// PayerTotals is what one payer pledged, paid and got back.
type PayerTotals struct {
	Pledged   int64 `json:"pledged_kopecks"`
	Paid      int64 `json:"paid_kopecks"`
	Cancelled int64 `json:"cancelled_kopecks"`
	Refunded  int64 `json:"refunded_kopecks"`
}

// Owed is what the payer still has to pay.
func (t PayerTotals) Owed() int64 { return t.Pledged - t.Paid - t.Cancelled }

// Refundable is what may still be returned to the payer.
func (t PayerTotals) Refundable() int64 { return t.Paid - t.Refunded }

// Ledger is the state of an initiative's co-financing, rebuilt from its
// entries; it is pure, so property tests drive it without a database.
type Ledger struct {
	Rejected bool
	Entries  []LedgerEntry
	balances map[string]int64
	payers   map[string]*PayerTotals
}

// NewLedger replays entries; rejected tells whether the project was
// rejected (refunds allowed, no new pledges or payments).
func NewLedger(rejected bool, entries []LedgerEntry) (*Ledger, error) {
	l := &Ledger{balances: map[string]int64{}, payers: map[string]*PayerTotals{}}
	for _, e := range entries {
		// The state at the time is not replayed, only the amounts.
		if err := l.check(e.Kind, e.PayerID, e.Amount, true); err != nil {
			return nil, err
		}
		l.apply(e)
	}
	l.Rejected = rejected
	return l, nil
}

// Movement builds the next entry of kind for payer, or refuses it with a
// fault naming why.
func (l *Ledger) Movement(kind, payer string, amount int64) (LedgerEntry, error) {
	if err := l.check(kind, payer, amount, false); err != nil {
		return LedgerEntry{}, err
	}
	acc, _ := accounts(kind, payer)
	return LedgerEntry{Seq: len(l.Entries) + 1, Kind: kind, PayerID: payer, Debit: acc[0], Credit: acc[1], Amount: amount}, nil
}

// Post checks and applies a movement.
func (l *Ledger) Post(kind, payer string, amount int64) (LedgerEntry, error) {
	e, err := l.Movement(kind, payer, amount)
	if err != nil {
		return e, err
	}
	l.apply(e)
	return e, nil
}

func (l *Ledger) check(kind, payer string, amount int64, replay bool) error {
	if amount <= 0 || amount > maxMoney {
		return invalid("initiative-amount", map[string]string{"amount_kopecks": "participation.field.money"})
	}
	t := l.payers[payer]
	if t == nil {
		t = &PayerTotals{}
	}
	switch kind {
	case EntryPledge, EntryPay:
		if l.Rejected && !replay {
			return errInitiativeState
		}
		if kind == EntryPay && amount > t.Owed() {
			return invalid("initiative-overpaid", map[string]string{"amount_kopecks": "participation.initiative.field.over_owed"})
		}
		if kind == EntryPledge && l.balances[accountCommitments] < -maxMoney+amount {
			return invalid("initiative-amount", map[string]string{"amount_kopecks": "participation.field.money"})
		}
	case EntryCancel:
		if amount > t.Owed() {
			return invalid("initiative-overpaid", map[string]string{"amount_kopecks": "participation.initiative.field.over_owed"})
		}
	case EntryRefund:
		if !l.Rejected && !replay {
			return errInitiativeState
		}
		if amount > t.Refundable() {
			return invalid("initiative-overrefund", map[string]string{"amount_kopecks": "participation.initiative.field.over_refund"})
		}
	default:
		return invalid("initiative-entry", map[string]string{"kind": "participation.field.required"})
	}
	return nil
}

func (l *Ledger) apply(e LedgerEntry) {
	l.Entries = append(l.Entries, e)
	l.balances[e.Debit] += e.Amount
	l.balances[e.Credit] -= e.Amount
	t := l.payers[e.PayerID]
	if t == nil {
		t = &PayerTotals{}
		l.payers[e.PayerID] = t
	}
	switch e.Kind {
	case EntryPledge:
		t.Pledged += e.Amount
	case EntryPay:
		t.Paid += e.Amount
	case EntryCancel:
		t.Cancelled += e.Amount
	case EntryRefund:
		t.Refunded += e.Amount
	}
}

// accounts are the debited and credited accounts of a movement.
func accounts(kind, payer string) ([2]string, bool) {
	switch kind {
	case EntryPledge:
		return [2]string{pledgeAccount(payer), accountCommitments}, true
	case EntryPay:
		return [2]string{accountFund, pledgeAccount(payer)}, true
	case EntryCancel:
		return [2]string{accountCommitments, pledgeAccount(payer)}, true
	case EntryRefund:
		return [2]string{refundAccount(payer), accountFund}, true
	}
	return [2]string{}, false
}

// Balance is an account's balance, debits less credits.
func (l *Ledger) Balance(account string) int64 { return l.balances[account] }

// Fund is the money held for the project now.
func (l *Ledger) Fund() int64 { return l.balances[accountFund] }

// Sum is the sum of every account's balance; double entry keeps it zero.
func (l *Ledger) Sum() int64 {
	var s int64
	for _, b := range l.balances {
		s += b
	}
	return s
}

// Payer returns one payer's totals.
func (l *Ledger) Payer(id string) PayerTotals {
	if t := l.payers[id]; t != nil {
		return *t
	}
	return PayerTotals{}
}

// PayerIDs are the payers with any movement, sorted.
func (l *Ledger) PayerIDs() []string {
	ids := make([]string, 0, len(l.payers))
	for id := range l.payers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Totals sums every payer's totals.
func (l *Ledger) Totals() PayerTotals {
	var s PayerTotals
	for _, t := range l.payers {
		s.Pledged += t.Pledged
		s.Paid += t.Paid
		s.Cancelled += t.Cancelled
		s.Refunded += t.Refunded
	}
	return s
}
