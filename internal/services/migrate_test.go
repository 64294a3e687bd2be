package services

import (
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// before returns the services migrations without those from version on.
func before(t *testing.T, version string) db.Migrations {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(Migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), version) {
			return err
		}
		b, err := fs.ReadFile(Migrations.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db.Migrations{Domain: Migrations.Domain, FS: m}
}

// TestPausesMigrationKeepsApplications: applications submitted before the
// suspension of terms existed take their service's term, run on (no
// suspension, whatever the catalogue says later) and keep their deadline.
func TestPausesMigrationKeepsApplications(t *testing.T) {
	for _, engine := range testdb.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			d := testdb.Open(t, engine)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ctx := t.Context()
			if err := d.Migrate(ctx, log, before(t, "00003")); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO services_catalog (id, tenant_id, code, name_ru, legal_basis, term_days, term_working, updated_ms)
					VALUES ('svc', 'muni-a', 'earthworks', 'Земляные работы', '131-ФЗ', 5, 1, 0)`,
				`INSERT INTO services_applications (id, tenant_id, tenant_path, service_id, applicant_id, applicant_name, number,
					state, created_ms, updated_ms, submitted_ms, due_ms) VALUES ('sent', 'muni-a', '/region/muni-a/', 'svc', 'r1',
					'Заявитель', 'МУ-2026-000001', 'awaiting_documents', 1, 1, 1, 1000)`,
				`INSERT INTO services_applications (id, tenant_id, tenant_path, service_id, applicant_id, applicant_name, state,
					created_ms, updated_ms) VALUES ('draft', 'muni-a', '/region/muni-a/', 'svc', 'r1', 'Заявитель', 'draft', 1, 1)`,
			} {
				if _, err := d.Writer().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Migrate(ctx, log, Migrations); err != nil {
				t.Fatal(err)
			}
			st := &store{db: d}
			sent, err := st.app(ctx, "sent")
			if err != nil {
				t.Fatal(err)
			}
			if sent.Term != (Term{Days: 5, Working: true}) || !sent.Paused.IsZero() || db.Millis(sent.Due) != 1000 {
				t.Errorf("submitted before: term %+v, paused %v, due %v", sent.Term, sent.Paused, sent.Due)
			}
			draft, err := st.app(ctx, "draft")
			if err != nil || draft.Term.Days != 0 {
				t.Errorf("a draft took a term: %+v %v", draft.Term, err)
			}
			e, err := st.entry(ctx, "svc")
			if err != nil || e.Term.Suspends {
				t.Errorf("an existing service suspends: %+v %v", e.Term, err)
			}
		})
	}
}
