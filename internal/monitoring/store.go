package monitoring

import (
	"context"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Value kinds.
const (
	Actual = "actual"
	Target = "target"
)

// Value is one stored figure of an indicator.
type Value struct {
	TenantID  string  `json:"tenant_id"`
	Code      string  `json:"code"`
	Kind      string  `json:"kind"`
	Period    string  `json:"period"`
	Value     float64 `json:"value"`
	Source    Source  `json:"source"`
	Note      string  `json:"note,omitempty"`
	UpdatedBy string  `json:"-"`
	UpdatedMs int64   `json:"updated_ms"`
}

type store struct{ db *db.DB }

func (s *store) put(ctx context.Context, v Value) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO monitoring_values
		(tenant_id, code, kind, period, value, source, note, updated_by, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, code, kind, period) DO UPDATE SET value = excluded.value, source = excluded.source,
		note = excluded.note, updated_by = excluded.updated_by, updated_ms = excluded.updated_ms`,
		v.TenantID, v.Code, v.Kind, v.Period, v.Value, string(v.Source), v.Note, v.UpdatedBy, v.UpdatedMs)
	return err
}

const valueCols = `tenant_id, code, kind, period, value, source, note, updated_by, updated_ms`

func scanValues(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]Value, error) {
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		var src string
		if err := rows.Scan(&v.TenantID, &v.Code, &v.Kind, &v.Period, &v.Value, &src, &v.Note, &v.UpdatedBy, &v.UpdatedMs); err != nil {
			return nil, err
		}
		v.Source = Source(src)
		out = append(out, v)
	}
	return out, rows.Err()
}

// values lists a municipality's figures of periods (all when none).
func (s *store) values(ctx context.Context, tenantID string, periods ...string) ([]Value, error) {
	q := `SELECT ` + valueCols + ` FROM monitoring_values WHERE tenant_id = $1`
	args := []any{tenantID}
	if len(periods) > 0 {
		ph := make([]string, len(periods))
		for i, p := range periods {
			args = append(args, p)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		q += ` AND period IN (` + strings.Join(ph, ", ") + `)`
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q+` ORDER BY code, kind, period`, args...)
	if err != nil {
		return nil, err
	}
	return scanValues(rows)
}

// across lists one indicator's actual figures of the given tenants, every period.
func (s *store) across(ctx context.Context, code string, tenants []string) ([]Value, error) {
	sub, arg := s.db.InJSON("$2", tenants)
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT `+valueCols+` FROM monitoring_values
		WHERE code = $1 AND kind = 'actual' AND tenant_id IN (`+sub+`) ORDER BY period, tenant_id`, code, arg)
	if err != nil {
		return nil, err
	}
	return scanValues(rows)
}
