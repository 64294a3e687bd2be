package db

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

// Migrations is one domain's embedded migration set: FS holds goose SQL
// files in "common" (both engines) and, where DDL differs, in a folder per
// engine ("sqlite", "postgres") whose files replace same-named common ones.
type Migrations struct {
	Domain string
	FS     fs.FS
}

func (d *DB) provider(m Migrations) (*goose.Provider, error) {
	sub, err := migrationFS(m, d.Engine)
	if err != nil {
		return nil, fmt.Errorf("db: migrations of %s: %w", m.Domain, err)
	}
	dialect := goose.DialectSQLite3
	if d.Engine == Postgres {
		dialect = goose.DialectPostgres
	}
	// Each domain keeps its own version table, so domains migrate
	// independently and never number-clash.
	return goose.NewProvider(dialect, d.write, sub,
		goose.WithTableName("schema_migrations_"+m.Domain),
		goose.WithDisableGlobalRegistry(true))
}

// Migrate applies every pending migration of each set, in order.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger, sets ...Migrations) error {
	for _, m := range sets {
		p, err := d.provider(m)
		if err != nil {
			return err
		}
		res, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("db: migrate %s: %w", m.Domain, err)
		}
		for _, r := range res {
			log.Info("migration applied", "domain", m.Domain, "version", r.Source.Version, "file", r.Source.Path)
		}
	}
	return nil
}

// Pending reports whether any set has unapplied migrations.
func (d *DB) Pending(ctx context.Context, sets ...Migrations) (bool, error) {
	for _, m := range sets {
		p, err := d.provider(m)
		if err != nil {
			return false, err
		}
		pending, err := p.HasPending(ctx)
		if err != nil || pending {
			return pending, err
		}
	}
	return false, nil
}
