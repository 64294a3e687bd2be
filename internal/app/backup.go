package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Backup writes a consistent online snapshot of a SQLite database to
// path (VACUUM INTO reads one snapshot while writers go on). PostgreSQL
// deployments back up with pg_dump, which this refuses to imitate.
func Backup(ctx context.Context, d *db.DB, path string) error {
	if d.Engine != db.SQLite {
		return fmt.Errorf("backup: on PostgreSQL use pg_dump (e.g. pg_dump -Fc -f muni.dump %s)", db.Redacted(d.URL))
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := d.Writer().ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
