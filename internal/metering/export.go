package metering

import (
	"context"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/sheet"
)

// MonthlyRow is one building's consumption of one resource in a month.
type MonthlyRow struct {
	Code, Name, Address string
	Resource            Resource
	Unit                string
	Month               string // YYYY-MM, the municipality's local month
	Value               float64
	Days                int  // local days with a rollup
	Estimated           bool // some day's value was estimated or suspect
}

// MonthlyConsumption returns every building's consumption per resource
// in the local calendar month containing month, for the export files.
func (w *Watch) MonthlyConsumption(ctx context.Context, a *auth.Actor, muniID string, month time.Time) ([]MonthlyRow, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return nil, err
	}
	loc := locationOf(m)
	mt := month.In(loc)
	from := time.Date(mt.Year(), mt.Month(), 1, 0, 0, 0, 0, loc)
	rows, err := w.st.db.R(ctx).QueryContext(ctx, `SELECT o.code, o.name, o.address, n.resource, SUM(d.value), COUNT(DISTINCT d.day_ms), MAX(d.quality) `+objectUseSQL+`
		WHERE o.tenant_id = $1 AND d.day_ms >= $2 AND d.day_ms < $3
		GROUP BY o.code, o.name, o.address, n.resource ORDER BY o.code, n.resource`, m.ID, db.Millis(from), db.Millis(from.AddDate(0, 1, 0)))
	if err != nil {
		return nil, wrap("monthly consumption", err)
	}
	defer rows.Close()
	var out []MonthlyRow
	for rows.Next() {
		r := MonthlyRow{Month: from.Format("2006-01")}
		var q Quality
		if err := rows.Scan(&r.Code, &r.Name, &r.Address, &r.Resource, &r.Value, &r.Days, &q); err != nil {
			return nil, wrap("monthly consumption", err)
		}
		r.Unit, r.Estimated = unitOf(r.Resource), q != Measured && q != Edited
		out = append(out, r)
	}
	return out, wrap("monthly consumption", rows.Err())
}

// exportRecord is a row as text, in the header's order.
func exportRecord(r MonthlyRow) []string {
	est := "0"
	if r.Estimated {
		est = "1"
	}
	return []string{r.Code, r.Name, r.Address, string(r.Resource), r.Unit, r.Month,
		strconv.FormatFloat(round3(r.Value), 'f', -1, 64), strconv.Itoa(r.Days), est}
}

// round3 keeps three decimals: litres of a cubic metre, a kWh's
// thousandth, what meters resolve.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// WriteCSV writes the rows as CSV (UTF-8, comma-separated) under the
// given column headings.
func WriteCSV(w io.Writer, header []string, rows []MonthlyRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(exportRecord(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the rows as one XLSX sheet, numbers as numbers,
// streamed so a large municipality does not sit in memory twice.
func WriteXLSX(w io.Writer, name string, header []string, rows []MonthlyRow) error {
	return sheet.Sheet{Name: name, Head: header}.Write(w, func(yield func([]any) bool) {
		for _, r := range rows {
			if !yield([]any{r.Code, r.Name, r.Address, string(r.Resource), r.Unit, r.Month, round3(r.Value), r.Days, r.Estimated}) {
				return
			}
		}
	})
}
