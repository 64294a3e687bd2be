package db

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointer: after commits the checkpointer runs on its own, it
// stays idle while nothing is committed, and closing the database twice
// does not panic.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.write.ExecContext(ctx, `CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := d.InTx(ctx, func(ctx context.Context) error {
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if d.ckpt == nil {
		t.Fatal("no checkpointer on SQLite")
	}
	deadline := time.Now().Add(10 * time.Second)
	for d.ckpt.runs.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint ran in 10 s after 50 commits")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * checkpointEvery) // a round may have seen only some commits
	runs := d.ckpt.runs.Load()
	time.Sleep(3 * checkpointEvery) // nothing committed: no more rounds
	if n := d.ckpt.runs.Load(); n != runs {
		t.Errorf("%d checkpoints while nothing was committed", n-runs)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Logf("second close: %v", err) // the pools say they are closed; it must not panic
	}
}
