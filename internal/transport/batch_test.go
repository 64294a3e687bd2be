package transport

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// failing is a Querier whose writes fail from the nth on.
type failing struct {
	discard
	n, calls atomic.Int32
}

var errDisk = errors.New("disk full")

func (f *failing) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if f.calls.Add(1) >= f.n.Load() {
		return nil, errDisk
	}
	return f.discard.ExecContext(ctx, q, args...)
}

// TestWriterFailure: a write that fails on the writer goroutine fails
// the load (so Import rolls the transaction back), whichever statement it
// was, and stops the writing.
func TestWriterFailure(t *testing.T) {
	dir := sampleDir(t)
	for _, at := range []int32{1, 3, 6} {
		src, err := OpenSource(dir)
		if err != nil {
			t.Fatal(err)
		}
		q := &failing{}
		q.n.Store(at)
		var ns Notices
		_, _, err = loadInto(context.Background(), q, db.SQLite, 1, src, &ns)
		src.Close()
		if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "transport: insert") {
			t.Fatalf("failure at write %d: err %v", at, err)
		}
		if c := q.calls.Load(); c != at {
			t.Errorf("failure at write %d: %d writes tried, want none after it", at, c)
		}
	}
}
