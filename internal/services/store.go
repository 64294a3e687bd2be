package services

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store is the services SQL, one method per query.
type store struct{ db *db.DB }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data types are marshalled here
	}
	return string(b)
}

const entryCols = `id, tenant_id, code, name_ru, name_en, description_ru, description_en, department_id, legal_basis,
	term_days, term_working, term_suspends, fee_kopecks, documents_ru, documents_en, result_ru, result_en, extraterritorial,
	active, form, reasons, updated_ms`

type scanner interface{ Scan(dest ...any) error }

func scanEntry(s scanner) (Entry, error) {
	var e Entry
	var working, suspends, extra, active int
	var docsRU, docsEN, form, reasons string
	var updated int64
	err := s.Scan(&e.ID, &e.TenantID, &e.Code, &e.NameRU, &e.NameEN, &e.DescriptionRU, &e.DescriptionEN, &e.DepartmentID,
		&e.LegalBasis, &e.Term.Days, &working, &suspends, &e.FeeKopecks, &docsRU, &docsEN, &e.ResultRU, &e.ResultEN, &extra,
		&active, &form, &reasons, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, err
	}
	e.Term.Working, e.Term.Suspends, e.Extraterritorial, e.Active = working == 1, suspends == 1, extra == 1, active == 1
	e.Updated = db.Time(updated)
	for _, p := range []struct {
		s string
		v any
	}{{docsRU, &e.DocumentsRU}, {docsEN, &e.DocumentsEN}, {form, &e.Form}, {reasons, &e.Reasons}} {
		if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
			return e, fmt.Errorf("services: entry %s: %w", e.ID, err)
		}
	}
	return e, nil
}

func entryArgs(e Entry) []any {
	return []any{e.ID, e.TenantID, e.Code, e.NameRU, e.NameEN, e.DescriptionRU, e.DescriptionEN, e.DepartmentID, e.LegalBasis,
		e.Term.Days, b2i(e.Term.Working), b2i(e.Term.Suspends), e.FeeKopecks, mustJSON(nonNil(e.DocumentsRU)), mustJSON(nonNil(e.DocumentsEN)),
		e.ResultRU, e.ResultEN, b2i(e.Extraterritorial), b2i(e.Active), mustJSON(nonNil(e.Form)), mustJSON(nonNil(e.Reasons)),
		db.Millis(e.Updated)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *store) insertEntry(ctx context.Context, e Entry) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO services_catalog (`+entryCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
		entryArgs(e)...)
	if db.IsUnique(err) {
		return invalid("service-code-taken", map[string]string{"code": "services.admin.code_taken"})
	}
	return err
}

func (s *store) updateEntry(ctx context.Context, e Entry) error {
	a := entryArgs(e)
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE services_catalog SET name_ru = $4, name_en = $5, description_ru = $6,
		description_en = $7, department_id = $8, legal_basis = $9, term_days = $10, term_working = $11, term_suspends = $12,
		fee_kopecks = $13, documents_ru = $14, documents_en = $15, result_ru = $16, result_en = $17, extraterritorial = $18,
		active = $19, form = $20, reasons = $21, updated_ms = $22 WHERE id = $1 AND tenant_id = $2 AND code = $3`, a...)
	return err
}

func (s *store) entry(ctx context.Context, id string) (Entry, error) {
	return scanEntry(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+entryCols+` FROM services_catalog WHERE id = $1`, id))
}

func (s *store) entryByCode(ctx context.Context, tenantID, code string) (Entry, error) {
	return scanEntry(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+entryCols+` FROM services_catalog
		WHERE tenant_id = $1 AND code = $2`, tenantID, code))
}

func (s *store) entries(ctx context.Context, tenantID string) ([]Entry, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+entryCols+` FROM services_catalog WHERE tenant_id = $1 ORDER BY name_ru`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const appCols = `a.id, a.tenant_id, a.tenant_path, a.service_id, c.code, c.name_ru, c.name_en, c.department_id, a.applicant_id,
	a.applicant_name, a.number, a.state, a.vals, a.created_ms, a.updated_ms, a.submitted_ms, a.due_ms, a.calendar,
	a.decided_ms, a.refusal_code, a.request, a.note, a.source, c.legal_basis, a.term_days, a.term_working, a.term_suspends,
	a.paused_ms`

const appFrom = ` FROM services_applications a JOIN services_catalog c ON c.id = a.service_id `

// appRow is an application with both names of its service, so a list
// can show either language.
type appRow struct {
	Application
	nameEN string
}

func scanApp(s scanner) (appRow, error) {
	var r appRow
	a := &r.Application
	var vals string
	var created, updated int64
	var working, suspends int
	var submitted, due, decided, paused sql.NullInt64
	err := s.Scan(&a.ID, &a.TenantID, &a.TenantPath, &a.ServiceID, &a.ServiceCode, &a.ServiceName, &r.nameEN, &a.DepartmentID,
		&a.ApplicantID, &a.ApplicantName, &a.Number, &a.State, &vals, &created, &updated, &submitted, &due, &a.Calendar,
		&decided, &a.RefusalCode, &a.Request, &a.Note, &a.Source, &a.Basis, &a.Term.Days, &working, &suspends, &paused)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	a.Created, a.Updated = db.Time(created), db.Time(updated)
	a.Term.Working, a.Term.Suspends = working == 1, suspends == 1
	for _, p := range []struct {
		n *sql.NullInt64
		t *time.Time
	}{{&submitted, &a.Submitted}, {&due, &a.Due}, {&decided, &a.Decided}, {&paused, &a.Paused}} {
		if p.n.Valid {
			*p.t = db.Time(p.n.Int64)
		}
	}
	if err := json.Unmarshal([]byte(vals), &a.Values); err != nil {
		return r, fmt.Errorf("services: application %s: %w", a.ID, err)
	}
	return r, nil
}

func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.Millis(t)
}

func (s *store) insertApp(ctx context.Context, a Application) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO services_applications (id, tenant_id, tenant_path, service_id,
		applicant_id, applicant_name, state, vals, created_ms, updated_ms, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.TenantID, a.TenantPath, a.ServiceID, a.ApplicantID, a.ApplicantName, a.State, mustJSON(a.Values),
		db.Millis(a.Created), db.Millis(a.Updated), a.Source)
	return err
}

// updateApp writes an application's changeable columns; from is the state
// it was read in, so two officials acting at once cannot both win.
func (s *store) updateApp(ctx context.Context, a Application, from State) error {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE services_applications SET number = $2, state = $3, vals = $4,
		updated_ms = $5, submitted_ms = $6, due_ms = $7, calendar = $8, decided_ms = $9, refusal_code = $10, request = $11,
		note = $12, applicant_name = $13, term_days = $15, term_working = $16, term_suspends = $17, paused_ms = $18
		WHERE id = $1 AND state = $14`,
		a.ID, a.Number, a.State, mustJSON(a.Values), db.Millis(a.Updated), nullMillis(a.Submitted), nullMillis(a.Due),
		a.Calendar, nullMillis(a.Decided), a.RefusalCode, a.Request, a.Note, a.ApplicantName, from,
		a.Term.Days, b2i(a.Term.Working), b2i(a.Term.Suspends), nullMillis(a.Paused))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return conflict("services.error.changed")
	}
	return nil
}

func (s *store) app(ctx context.Context, id string) (appRow, error) {
	return scanApp(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+appCols+appFrom+`WHERE a.id = $1`, id))
}

func (s *store) apps(ctx context.Context, where string, args ...any) ([]appRow, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+appCols+appFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []appRow
	for rows.Next() {
		r, err := scanApp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) insertStep(ctx context.Context, appID string, st Step) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO services_history (application_id, seq, at_ms, actor_id, action, state, note)
		VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM services_history WHERE application_id = $1), $2, $3, $4, $5, $6)`,
		appID, db.Millis(st.At), st.ActorID, st.Action, st.State, st.Note)
	return err
}

func (s *store) steps(ctx context.Context, appID string) ([]Step, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT seq, at_ms, actor_id, action, state, note FROM services_history
		WHERE application_id = $1 ORDER BY seq`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var at int64
		if err := rows.Scan(&st.Seq, &at, &st.ActorID, &st.Action, &st.State, &st.Note); err != nil {
			return nil, err
		}
		st.At = db.Time(at)
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *store) putFile(ctx context.Context, appID string, f File, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO services_files (application_id, field, name, content_type, size, data, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (application_id, field) DO UPDATE SET name = excluded.name, content_type = excluded.content_type,
		size = excluded.size, data = excluded.data, at_ms = excluded.at_ms`,
		appID, f.Field, f.Name, f.ContentType, f.Size, f.data, db.Millis(at))
	return err
}

func (s *store) files(ctx context.Context, appID string) ([]File, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT field, name, content_type, size FROM services_files
		WHERE application_id = $1 ORDER BY field`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Field, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *store) fileData(ctx context.Context, appID, field string) (File, []byte, error) {
	var f File
	var data []byte
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT field, name, content_type, size, data FROM services_files
		WHERE application_id = $1 AND field = $2`, appID, field).Scan(&f.Field, &f.Name, &f.ContentType, &f.Size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, ErrNotFound
	}
	return f, data, err
}

// nextNumber takes the next application number of a municipality's year;
// the row update serialises concurrent submissions.
func (s *store) nextNumber(ctx context.Context, tenantID string, year int) (int64, error) {
	q := s.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO services_counters (tenant_id, year, n) VALUES ($1, $2, 0)
		ON CONFLICT (tenant_id, year) DO NOTHING`, tenantID, year); err != nil {
		return 0, err
	}
	var n int64
	err := q.QueryRowContext(ctx, `UPDATE services_counters SET n = n + 1 WHERE tenant_id = $1 AND year = $2 RETURNING n`,
		tenantID, year).Scan(&n)
	return n, err
}

// overdue counts a municipality's open applications past their deadline
// at now: the SQL form of late (the pause tests' env.overdue holds the
// two to the same count). A suspended term is late only when its
// deadline had passed before the suspension began.
func (s *store) overdue(ctx context.Context, tenantID string, now time.Time) (int, error) {
	var n int
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM services_applications
		WHERE tenant_id = $1 AND state IN ('submitted', 'in_work', 'awaiting_documents') AND due_ms < $2
		AND (paused_ms IS NULL OR paused_ms > due_ms)`,
		tenantID, db.Millis(now)).Scan(&n)
	return n, err
}

// statRow is what the statistics need of one submitted application.
type statRow struct {
	serviceID, refusal string
	state              State
	submitted, due     time.Time
	decided, paused    time.Time
}

// statRows reads the submitted applications of a municipality, only the
// columns the statistics count with (no values, no join).
func (s *store) statRows(ctx context.Context, tenantID string) ([]statRow, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT service_id, state, refusal_code, submitted_ms, due_ms, decided_ms,
		paused_ms FROM services_applications WHERE tenant_id = $1 AND state <> 'draft'`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []statRow
	for rows.Next() {
		var r statRow
		var submitted, due, decided, paused sql.NullInt64
		if err := rows.Scan(&r.serviceID, &r.state, &r.refusal, &submitted, &due, &decided, &paused); err != nil {
			return nil, err
		}
		r.submitted, r.due = db.Time(submitted.Int64), db.Time(due.Int64)
		if decided.Valid {
			r.decided = db.Time(decided.Int64)
		}
		if paused.Valid {
			r.paused = db.Time(paused.Int64)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
