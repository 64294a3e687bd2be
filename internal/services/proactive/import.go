package proactive

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ImportResult is what a CSV import did.
type ImportResult struct {
	Rows       int `json:"rows"`
	Recorded   int `json:"recorded"`
	Duplicates int `json:"duplicates"`
	Offers     int `json:"offers"`
}

// RowError is one refused row of an import.
type RowError struct {
	Row    int               // the line in the file, the header being 1
	Fields map[string]string // field -> message key
}

// ImportError refuses a whole file: nothing of it was recorded.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string { return fmt.Sprintf("proactive: %d rows refused", len(e.Rows)) }

// Unwrap makes the error an invalid-input one.
func (e *ImportError) Unwrap() error { return ErrInvalid }

// CSVColumns are the columns of an event import, in any order; data holds
// the event's data as name=value pairs separated by "|".
var CSVColumns = []string{"id", "type", "occurred_on", "snils", "email", "full_name", "birth_date", "sex", "address", "data"}

// MaxImportRows bounds one import file.
const MaxImportRows = 50000

// maxRowErrors is how many refused rows an import reports.
const maxRowErrors = 50

// ImportCSV records the events of a CSV file (CSVColumns, UTF-8, comma
// or semicolon separated; data as name=value pairs separated by "|")
// in one transaction: every row is recorded or,
// when any row is refused, none, and the refused rows are reported.
func (s *Service) ImportCSV(ctx context.Context, muniID string, r io.Reader) (ImportResult, error) {
	m, err := s.municipality(ctx, muniID, auth.RoleOperator)
	if err != nil {
		return ImportResult{}, err
	}
	events, err := readEvents(r)
	if err != nil {
		return ImportResult{}, err
	}
	codes, types, err := s.eventTypeCodes(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		var bad []RowError
		for i, e := range events {
			rec, err := s.recordEvent(ctx, m, SourceCSV, e, codes, types)
			if fe, ok := fault.As(err); ok && errors.Is(err, fault.ErrInvalid) {
				if len(bad) < maxRowErrors {
					bad = append(bad, RowError{Row: i + 2, Fields: fe.Fields})
				}
				continue
			}
			if err != nil {
				return err
			}
			res.Rows++
			if rec.Duplicate {
				res.Duplicates++
			} else {
				res.Recorded++
				res.Offers += rec.Offers
			}
		}
		if len(bad) > 0 {
			return &ImportError{Rows: bad}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// readEvents parses the file into events.
func readEvents(r io.Reader) ([]Event, error) {
	head := make([]byte, 4096)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	sep := ','
	if line, _, _ := strings.Cut(string(head), "\n"); strings.Count(line, ";") > strings.Count(line, ",") {
		sep = ';'
	}
	cr := csv.NewReader(io.MultiReader(strings.NewReader(strings.TrimPrefix(string(head), "\ufeff")), r))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, invalid("proactive-import-invalid", map[string]string{"file": "proactive.import.empty"})
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"id", "type", "occurred_on", "snils"} {
		if _, ok := col[need]; !ok {
			return nil, invalid("proactive-import-invalid", map[string]string{"file": "proactive.import.columns"})
		}
	}
	var out []Event
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid("proactive-import-invalid", map[string]string{"file": "proactive.import.broken"})
		}
		if len(out) >= MaxImportRows {
			return nil, invalid("proactive-import-invalid", map[string]string{"file": "proactive.import.too_many"})
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := Event{ID: get("id"), Type: get("type"), OccurredOn: get("occurred_on"),
			Person: Person{SNILS: get("snils"), Email: get("email"), FullName: get("full_name"), BirthDate: get("birth_date"), Sex: get("sex"), Address: get("address")}}
		if d := get("data"); d != "" {
			e.Data = map[string]string{}
			for _, pair := range strings.Split(d, "|") {
				k, v, _ := strings.Cut(pair, "=")
				e.Data[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, invalid("proactive-import-invalid", map[string]string{"file": "proactive.import.empty"})
	}
	return out, nil
}

// csvHeader is the header line of the import template.
func csvHeader() string { return strings.Join(slices.Clone(CSVColumns), ",") }
