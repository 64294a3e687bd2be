package monitoring

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// ValueInput is an official's figure for one indicator and period.
type ValueInput struct {
	Code   string
	Period string
	Kind   string // Actual or Target
	Value  string // as typed: "12,5" or "12.5"
	Note   string
}

// MaxImportRows bounds one CSV import.
const MaxImportRows = 5000

// parseNumber reads a decimal with a comma or a point.
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// check validates an input against the registry; bad maps fields to
// message keys.
func (s *Service) check(in ValueInput) (Value, map[string]string) {
	bad := map[string]string{}
	ind, ok := s.catalog.Indicator(strings.TrimSpace(in.Code))
	if !ok {
		bad["code"] = "monitoring.error.code"
	}
	p, err := ParsePeriod(strings.TrimSpace(in.Period))
	if err != nil {
		bad["period"] = "monitoring.error.period"
	}
	if in.Kind != Actual && in.Kind != Target {
		bad["kind"] = "monitoring.error.kind"
	} else if ok && in.Kind == Actual && ind.Source == Computed {
		bad["code"] = "monitoring.error.computed"
	}
	v, num := parseNumber(in.Value)
	if !num {
		bad["value"] = "monitoring.error.value"
	}
	if len([]rune(in.Note)) > 500 {
		bad["note"] = "monitoring.error.note"
	}
	return Value{Code: ind.Code, Kind: in.Kind, Period: p.String(), Value: v, Note: strings.TrimSpace(in.Note)}, bad
}

// SetValue stores an official's figure (a municipal administrator of
// the municipality), replacing the one it had, and audits it.
func (s *Service) SetValue(ctx context.Context, slug string, in ValueInput) (Value, error) {
	m, err := s.staff(ctx, slug, auth.RoleMunicipalAdmin)
	if err != nil {
		return Value{}, err
	}
	v, bad := s.check(in)
	if len(bad) > 0 {
		return Value{}, invalid(bad)
	}
	v.TenantID, v.Source, v.UpdatedBy, v.UpdatedMs = m.ID, Manual, auth.From(ctx).ID, s.now().UnixMilli()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.put(ctx, v); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "monitoring.value.set", ObjectType: "indicator_value",
			ObjectID: v.Code + "/" + v.Kind + "/" + v.Period, TenantID: m.ID,
			Detail: map[string]any{"code": v.Code, "kind": v.Kind, "period": v.Period, "value": v.Value}})
	})
	if err != nil {
		return Value{}, fmt.Errorf("monitoring: set value: %w", err)
	}
	return v, nil
}

// ImportError is one refused line of an import.
type ImportError struct {
	Line   int
	Fields map[string]string
}

// ImportResult is what an import stored, or why it stored nothing.
type ImportResult struct {
	Stored int
	Errors []ImportError
}

// errImportRefused rolls an import with bad lines back.
var errImportRefused = errors.New("monitoring: import refused")

// Import reads a CSV of figures — code;period;value, and optionally
// ;target — with or without a header line, comma or semicolon separated,
// and stores them all or, when any line is wrong, none (the result then
// lists the wrong lines). One audit entry records the import.
func (s *Service) Import(ctx context.Context, slug string, r io.Reader) (ImportResult, error) {
	m, err := s.staff(ctx, slug, auth.RoleMunicipalAdmin)
	if err != nil {
		return ImportResult{}, err
	}
	rows, err := readCSV(r)
	if err != nil {
		return ImportResult{}, invalid(map[string]string{"file": "monitoring.error.file"})
	}
	var res ImportResult
	var vals []Value
	now, who := s.now().UnixMilli(), auth.From(ctx).ID
	for i, rec := range rows {
		if i == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "code") {
			continue // the header
		}
		if len(rec) < 3 || len(rec) > 4 {
			res.Errors = append(res.Errors, ImportError{Line: i + 1, Fields: map[string]string{"file": "monitoring.error.columns"}})
			continue
		}
		pairs := [][2]string{{Actual, rec[2]}}
		if len(rec) == 4 && strings.TrimSpace(rec[3]) != "" {
			pairs = append(pairs, [2]string{Target, rec[3]})
		}
		for _, p := range pairs {
			if p[0] == Actual && strings.TrimSpace(p[1]) == "" && len(pairs) == 2 {
				continue // a target alone
			}
			v, bad := s.check(ValueInput{Code: rec[0], Period: rec[1], Kind: p[0], Value: p[1]})
			if len(bad) > 0 {
				res.Errors = append(res.Errors, ImportError{Line: i + 1, Fields: bad})
				continue
			}
			v.TenantID, v.Source, v.UpdatedBy, v.UpdatedMs = m.ID, Imported, who, now
			vals = append(vals, v)
		}
	}
	if len(res.Errors) == 0 && len(vals) == 0 {
		res.Errors = append(res.Errors, ImportError{Line: 0, Fields: map[string]string{"file": "monitoring.error.empty"}})
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		for _, v := range vals {
			if err := s.st.put(ctx, v); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.Entry{Action: "monitoring.values.import", ObjectType: "indicator_values",
			ObjectID: m.ID, TenantID: m.ID, Detail: map[string]any{"values": len(vals)}})
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("monitoring: import: %w", err)
	}
	res.Stored = len(vals)
	return res, nil
}

// readCSV reads up to MaxImportRows records separated by ';' or ','
// (whichever the first line uses).
func readCSV(r io.Reader) ([][]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(string(b), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma, cr.FieldsPerRecord, cr.TrimLeadingSpace = ',', -1, true
	if strings.Contains(first, ";") {
		cr.Comma = ';'
	}
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) > MaxImportRows {
		return nil, fmt.Errorf("monitoring: more than %d lines", MaxImportRows)
	}
	return recs, nil
}

// Compute works out every computed indicator of the period for the
// municipality from the platform's data and stores the figures it could
// compute (an indicator without data, such as losses where no zone is
// metered, is left out). A municipal administrator runs it; the demo and
// the scheduler run it as the system.
func (s *Service) Compute(ctx context.Context, slug, period string) ([]Value, error) {
	m, err := s.staff(ctx, slug, auth.RoleMunicipalAdmin)
	if err != nil {
		return nil, err
	}
	p, err := ParsePeriod(period)
	if err != nil {
		return nil, invalid(map[string]string{"period": "monitoring.error.period"})
	}
	vals, err := s.computeAll(ctx, m, p)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		for _, v := range vals {
			if err := s.st.put(ctx, v); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.Entry{Action: "monitoring.values.compute", ObjectType: "indicator_values",
			ObjectID: m.ID, TenantID: m.ID, Detail: map[string]any{"period": p.String(), "values": len(vals)}})
	})
	if err != nil {
		return nil, fmt.Errorf("monitoring: compute: %w", err)
	}
	return vals, nil
}

// computeAll computes the registry's computed indicators of p.
func (s *Service) computeAll(ctx context.Context, m Municipality, p Period) ([]Value, error) {
	from, to := p.Range(zoneOf(m))
	if now := s.now(); to.After(now) {
		to = now // a period under way counts up to now
	}
	var out []Value
	for _, ind := range s.catalog.All() {
		if ind.Source != Computed {
			continue
		}
		v, ok, err := s.compute(ctx, m, ind.Code, from, to)
		if err != nil {
			return nil, fmt.Errorf("monitoring: compute %s: %w", ind.Code, err)
		}
		if ok {
			out = append(out, Value{TenantID: m.ID, Code: ind.Code, Kind: Actual, Period: p.String(), Value: v,
				Source: Computed, UpdatedBy: auth.From(ctx).ID, UpdatedMs: s.now().UnixMilli()})
		}
	}
	return out, nil
}

// compute is one computed indicator over [from, to); ok is false when
// its source is not connected or has no data for the span.
func (s *Service) compute(ctx context.Context, m Municipality, code string, from, to time.Time) (float64, bool, error) {
	if !from.Before(to) {
		return 0, false, nil
	}
	switch code {
	case "P.APPEALS.MEDIAN", "P.APPEALS.OVERDUE", "P.APPEALS.FIX":
		if s.src.Appeals == nil {
			return 0, false, nil
		}
		f, err := s.src.Appeals.Figures(ctx, m.ID, from, to)
		if err != nil || f.Received == 0 {
			return 0, false, err
		}
		switch code {
		case "P.APPEALS.MEDIAN":
			return round(f.MedianAnswer, 2), f.MedianAnswer >= 0, nil
		case "P.APPEALS.FIX":
			return round(f.MedianFix, 2), f.MedianFix >= 0, nil
		}
		return round(f.OverdueShare*100, 2), true, nil
	case "P.TRANSPORT.ONTIME":
		if s.src.Transport == nil {
			return 0, false, nil
		}
		p, err := s.src.Transport.Punctuality(ctx, m.ID, from, to, false)
		if err != nil || p.Observed == 0 {
			return 0, false, err
		}
		return round(p.OnTimeShare()*100, 2), true, nil
	}
	if code == CodeNoBusService {
		// Measured on the timetable in force, so only for the period
		// under way: last year's network is not the one imported now.
		now := s.now()
		if s.src.CentreAccess == nil || now.Before(from) || now.Sub(to) > time.Minute {
			return 0, false, nil
		}
		v, ok, err := s.src.CentreAccess.UnservedShare(ctx, m.ID, now)
		return round(v*100, 2), ok, err
	}
	if res, ok := strings.CutPrefix(code, "P.METERING.LOSS."); ok {
		if s.src.Losses == nil {
			return 0, false, nil
		}
		v, ok, err := s.src.Losses.Losses(ctx, m.ID, strings.ToLower(res), from, to)
		return round(v, 2), ok, err
	}
	return 0, false, nil
}

// CodeNoBusService is Decree 607's item 7: the share of the population
// without regular bus or rail service to the administrative centre.
const CodeNoBusService = "607.7"

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
