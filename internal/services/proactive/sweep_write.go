package proactive

import (
	"context"
	"sync"

	"github.com/muni-platform/muni/internal/platform/db"
)

// sweepWriters is how many transactions store a sweep's offers at once
// on PostgreSQL: while one holds the audit log's head until it commits,
// another stores its offers and notifications. SQLite has one writer.
const sweepWriters = 2

// offerWriter stores a sweep's offers, a transaction per batch, on
// goroutines of its own, so the database stores batches while the sweep
// evaluates the next. Once a batch fails, the batches not yet begun are
// dropped (each stored batch is whole; the next sweep makes the rest).
type offerWriter struct {
	batches chan []Offer
	failed  chan struct{} // closed when a batch failed: err is set
	wg      sync.WaitGroup
	mu      sync.Mutex
	made    int
	err     error
}

// startOfferWriter starts the writers of a sweep's offers.
func (s *Service) startOfferWriter(ctx context.Context) *offerWriter {
	w := &offerWriter{batches: make(chan []Offer, 1), failed: make(chan struct{})}
	n := 1
	if s.DB.Engine == db.Postgres {
		n = s.sweepWriters
	}
	w.wg.Add(n)
	for range n {
		go w.run(ctx, s.writeSweepBatch)
	}
	return w
}

// run writes batches until there are no more.
func (w *offerWriter) run(ctx context.Context, write func(context.Context, []Offer) (int, error)) {
	defer w.wg.Done()
	for batch := range w.batches {
		select {
		case <-w.failed:
			continue
		default:
		}
		n, err := write(ctx, batch)
		w.mu.Lock()
		w.made += n
		if err != nil && w.err == nil {
			w.err = err
			close(w.failed)
		}
		w.mu.Unlock()
	}
}

// send hands a batch to the writers; it fails once a batch has failed.
func (w *offerWriter) send(batch []Offer) error {
	select {
	case w.batches <- batch:
		return nil
	case <-w.failed:
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.err
	}
}

// finish waits for the batches sent so far; it returns the offers they
// made and the first error.
func (w *offerWriter) finish() (int, error) {
	close(w.batches)
	w.wg.Wait()
	return w.made, w.err
}

// writeSweepBatch stores a batch of a sweep's offers in one transaction;
// it returns how many were new.
func (s *Service) writeSweepBatch(ctx context.Context, batch []Offer) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(ctx context.Context) error {
		// A consent withdrawn since the register was read stops the
		// offer: the check and the write share the transaction.
		ok, err := s.st.consentedOf(ctx, userIDs(batch))
		if err != nil {
			return err
		}
		keep := make([]Offer, 0, len(batch))
		for _, o := range batch {
			if ok[o.UserID] {
				keep = append(keep, o)
			}
		}
		n, err = s.makeOffers(ctx, keep)
		return err
	})
	return n, err
}

// userIDs lists the accounts os are made to, each once.
func userIDs(os []Offer) []string {
	seen := make(map[string]bool, len(os))
	var out []string
	for _, o := range os {
		if !seen[o.UserID] {
			seen[o.UserID] = true
			out = append(out, o.UserID)
		}
	}
	return out
}
