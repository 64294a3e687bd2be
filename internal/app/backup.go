package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// The snapshot holds personal data: create it readable by the owner
	// only (VACUUM INTO accepts an empty file), and never over another.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists", path)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if _, err := d.Writer().ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
