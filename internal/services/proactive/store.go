package proactive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

// store holds the domain's SQL.
type store struct{ db *db.DB }

func (s *store) eventTypes(ctx context.Context) ([]EventType, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT code, name, name_en, effect FROM proactive_event_types ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("proactive: event types: %w", err)
	}
	defer rows.Close()
	var out []EventType
	for rows.Next() {
		var t EventType
		if err := rows.Scan(&t.Code, &t.Name, &t.NameEN, &t.Effect); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

const residentCols = `id, tenant_id, snils, email, user_id, full_name, birth_date, sex, address, disability, attrs, children, updated_ms`

// scanResident reads one row of residentCols.
func scanResident(sc interface{ Scan(...any) error }, r *Resident) error {
	var attrs, children string
	var ms int64
	if err := sc.Scan(&r.ID, &r.TenantID, &r.SNILS, &r.Email, &r.UserID, &r.FullName, &r.BirthDate, &r.Sex, &r.Address,
		&r.Disability, &attrs, &children, &ms); err != nil {
		return err
	}
	r.UpdatedAt = db.Time(ms)
	r.Attrs, r.Children = nil, nil
	if attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &r.Attrs); err != nil {
			return fmt.Errorf("proactive: resident %s attrs: %w", r.ID, err)
		}
	}
	if children != "[]" {
		if err := json.Unmarshal([]byte(children), &r.Children); err != nil {
			return fmt.Errorf("proactive: resident %s children: %w", r.ID, err)
		}
	}
	return nil
}

func (s *store) residentBySNILS(ctx context.Context, tenantID, snils string) (Resident, error) {
	var r Resident
	err := scanResident(s.db.Q(ctx).QueryRowContext(ctx, `SELECT `+residentCols+` FROM proactive_residents WHERE tenant_id = $1 AND snils = $2`, tenantID, snils), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	return r, err
}

// saveResident inserts or replaces r.
func (s *store) saveResident(ctx context.Context, r *Resident) error {
	attrs, children := "{}", "[]"
	if len(r.Attrs) > 0 {
		b, _ := json.Marshal(r.Attrs)
		attrs = string(b)
	}
	if len(r.Children) > 0 {
		b, _ := json.Marshal(r.Children)
		children = string(b)
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_residents (`+residentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET email = excluded.email, user_id = excluded.user_id, full_name = excluded.full_name,
		birth_date = excluded.birth_date, sex = excluded.sex, address = excluded.address, disability = excluded.disability,
		attrs = excluded.attrs, children = excluded.children, updated_ms = excluded.updated_ms`,
		r.ID, r.TenantID, r.SNILS, r.Email, r.UserID, r.FullName, r.BirthDate, r.Sex, r.Address, r.Disability, attrs, children, db.Millis(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("proactive: save resident: %w", err)
	}
	return nil
}

// consenting streams the residents of tenant whose linked account has a
// consent in force, calling fn for each; fn may keep nothing it is given
// but the values it copies (r is reused).
func (s *store) consenting(ctx context.Context, tenantID string, fn func(r *Resident) error) error {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+prefixed("r.", residentCols)+` FROM proactive_residents r
		WHERE r.tenant_id = $1 AND r.user_id <> '' AND EXISTS (SELECT 1 FROM proactive_consents c
			WHERE c.user_id = r.user_id AND c.withdrawn_ms IS NULL AND c.version = $2)`, tenantID, CurrentConsent)
	if err != nil {
		return fmt.Errorf("proactive: register: %w", err)
	}
	defer rows.Close()
	var r Resident
	for rows.Next() {
		if err := scanResident(rows, &r); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// eventByExternalID is a recorded event by its source id.
func (s *store) eventByExternalID(ctx context.Context, tenantID, extID string) (EventRecord, error) {
	var e EventRecord
	var ms int64
	err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT id, external_id, type, resident_id, occurred_on, source, offers, received_ms
		FROM proactive_events WHERE tenant_id = $1 AND external_id = $2`, tenantID, extID).
		Scan(&e.ID, &e.ExternalID, &e.Type, &e.ResidentID, &e.OccurredOn, &e.Source, &e.Offers, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound()
	}
	e.Received = db.Time(ms)
	return e, err
}

func (s *store) createEvent(ctx context.Context, tenantID string, e EventRecord, data map[string]string) error {
	b, _ := json.Marshal(data)
	if data == nil {
		b = []byte("{}")
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_events (tenant_id, external_id, id, type, resident_id, occurred_on, data, source, offers, received_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tenantID, e.ExternalID, e.ID, e.Type, e.ResidentID, e.OccurredOn, string(b), e.Source, e.Offers, db.Millis(e.Received))
	if err != nil {
		return fmt.Errorf("proactive: record event: %w", err)
	}
	return nil
}

// recentEvents lists a municipality's latest events with the resident's
// name, newest first.
func (s *store) recentEvents(ctx context.Context, tenantID string, limit int) ([]EventRecord, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT e.id, e.external_id, e.type, e.resident_id, e.occurred_on, e.source, e.offers, e.received_ms, r.full_name
		FROM proactive_events e JOIN proactive_residents r ON r.id = e.resident_id
		WHERE e.tenant_id = $1 ORDER BY e.received_ms DESC, e.id DESC LIMIT $2`, tenantID, limit)
	if err != nil {
		return nil, fmt.Errorf("proactive: events: %w", err)
	}
	defer rows.Close()
	var out []EventRecord
	for rows.Next() {
		var e EventRecord
		var ms int64
		if err := rows.Scan(&e.ID, &e.ExternalID, &e.Type, &e.ResidentID, &e.OccurredOn, &e.Source, &e.Offers, &ms, &e.ResidentName); err != nil {
			return nil, err
		}
		e.Received = db.Time(ms)
		out = append(out, e)
	}
	return out, rows.Err()
}

const ruleCols = `id, tenant_id, code, name, name_en, event_type, per_child, cond, service_code, prefill, lifetime_days, active, version, updated_ms`

func scanRule(sc interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var cond, prefill string
	var perChild, active int
	var ms int64
	if err := sc.Scan(&r.ID, &r.TenantID, &r.Code, &r.Name, &r.NameEN, &r.EventType, &perChild, &cond, &r.ServiceCode, &prefill,
		&r.LifetimeDays, &active, &r.Version, &ms); err != nil {
		return r, err
	}
	r.PerChild, r.Active, r.UpdatedAt = perChild == 1, active == 1, db.Time(ms)
	var err error
	if r.When, err = ParseCond(cond); err != nil {
		return r, fmt.Errorf("proactive: rule %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(prefill), &r.Prefill); err != nil {
		return r, fmt.Errorf("proactive: rule %s prefill: %w", r.ID, err)
	}
	return r, nil
}

// rules lists a municipality's rules by name; only active ones when active.
func (s *store) rules(ctx context.Context, tenantID string, active bool) ([]Rule, error) {
	q := `SELECT ` + ruleCols + ` FROM proactive_rules WHERE tenant_id = $1`
	if active {
		q += ` AND active = 1`
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q+` ORDER BY name, id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("proactive: rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) rule(ctx context.Context, tenantID, id string) (Rule, error) {
	r, err := scanRule(s.db.R(ctx).QueryRowContext(ctx, `SELECT `+ruleCols+` FROM proactive_rules WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	return r, err
}

// saveRule inserts or updates r; a code another rule of the tenant holds
// is ErrConflict.
func (s *store) saveRule(ctx context.Context, r Rule) error {
	prefill, _ := json.Marshal(r.Prefill)
	if r.Prefill == nil {
		prefill = []byte("{}")
	}
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_rules (`+ruleCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, name_en = excluded.name_en,
		event_type = excluded.event_type, per_child = excluded.per_child, cond = excluded.cond, service_code = excluded.service_code,
		prefill = excluded.prefill, lifetime_days = excluded.lifetime_days, active = excluded.active, version = excluded.version,
		updated_ms = excluded.updated_ms`,
		r.ID, r.TenantID, r.Code, r.Name, r.NameEN, r.EventType, boolInt(r.PerChild), r.When.String(), r.ServiceCode, string(prefill),
		r.LifetimeDays, boolInt(r.Active), r.Version, db.Millis(r.UpdatedAt))
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "unique") {
		return &RuleError{Fields: map[string]*Msg{"code": msg("proactive.rule.code_taken")}}
	}
	if err != nil {
		return fmt.Errorf("proactive: save rule: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
