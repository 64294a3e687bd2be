package db_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// things is a migration set with one shared file and one per engine that
// replaces a shared file of the same name.
var things = db.Migrations{Domain: "things", FS: fstest.MapFS{
	"common/00001_things.sql": {Data: []byte("-- +goose Up\nCREATE TABLE things (id TEXT PRIMARY KEY, n BIGINT NOT NULL);\n")},
	"common/00002_flag.sql":   {Data: []byte("-- +goose Up\nALTER TABLE things ADD COLUMN shared_only BIGINT;\n")},
	"sqlite/00002_flag.sql":   {Data: []byte("-- +goose Up\nALTER TABLE things ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;\n")},
	"postgres/00002_flag.sql": {Data: []byte("-- +goose Up\nALTER TABLE things ADD COLUMN flag BOOLEAN NOT NULL DEFAULT FALSE;\n")},
	"common/00003_index.sql":  {Data: []byte("-- +goose Up\nCREATE INDEX things_n ON things (n);\n")},
}}

func TestMigrationsAndTransactions(t *testing.T) {
	testdb.Run(t, []db.Migrations{things}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// The engine's 00002 replaced the common one: flag exists, shared_only not.
		if _, err := d.Writer().Exec(`INSERT INTO things (id, n) VALUES ('a', 1)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Writer().Exec(`SELECT shared_only FROM things`); err == nil {
			t.Fatal("common 00002 applied although the engine has its own")
		}
		if pending, err := d.Pending(ctx, things); err != nil || pending {
			t.Fatalf("pending after migrate: %v %v", pending, err)
		}

		ran := false
		boom := errors.New("boom")
		gen := d.Generation()
		err := d.InTx(ctx, func(ctx context.Context) error {
			db.AfterCommit(ctx, func() { ran = true })
			if _, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ('b', 2)`); err != nil {
				return err
			}
			// A nested call joins the outer transaction and sees its write.
			return d.InTx(ctx, func(ctx context.Context) error {
				var n int
				d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM things`).Scan(&n)
				if n != 2 {
					t.Errorf("nested transaction sees %d rows", n)
				}
				return boom
			})
		})
		if !errors.Is(err, boom) || ran || d.Generation() != gen {
			t.Fatalf("rollback: err=%v afterCommit ran=%v generation moved=%v", err, ran, d.Generation() != gen)
		}
		var n int
		d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM things`).Scan(&n)
		if n != 1 {
			t.Fatalf("rolled-back insert is visible: %d rows", n)
		}
		err = d.InTx(ctx, func(ctx context.Context) error {
			db.AfterCommit(ctx, func() { ran = true })
			_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO things (id, n) VALUES ('c', 3)`)
			return err
		})
		if err != nil || !ran || d.Generation() != gen+1 {
			t.Fatalf("commit: err=%v afterCommit ran=%v", err, ran)
		}
		_, err = d.Writer().Exec(`INSERT INTO things (id, n) VALUES ('c', 4)`)
		if !db.IsUnique(err) {
			t.Fatalf("duplicate key not recognised: %v", err)
		}
	})
}

func TestOpenRejectsUnknownURLs(t *testing.T) {
	for _, u := range []string{"mysql://x", "", "sqlite:"} {
		if _, err := db.Open(context.Background(), u); err == nil {
			t.Errorf("%q opened", u)
		}
	}
}
