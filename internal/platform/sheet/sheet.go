// Package sheet writes the one-worksheet XLSX exports the domains offer:
// an optional header row, then the rows, streamed so a large export does
// not sit in memory twice, numbers kept as numbers.
package sheet

import (
	"bytes"
	"io"
	"iter"
	"maps"
	"net/http"
	"slices"

	"github.com/xuri/excelize/v2"
)

// ContentType is the media type of an XLSX file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Sheet describes one worksheet.
type Sheet struct {
	Name   string          // the worksheet's name
	Head   []string        // the header row; none when nil
	Widths map[int]float64 // column (1-based) -> width; default widths elsewhere
}

// Write writes the workbook with the sheet's header and rows to w.
func (s Sheet) Write(w io.Writer, rows iter.Seq[[]any]) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", s.Name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	for _, col := range slices.Sorted(maps.Keys(s.Widths)) { // Excel wants them in order
		if err := sw.SetColWidth(col, col, s.Widths[col]); err != nil {
			return err
		}
	}
	n := 1
	if s.Head != nil {
		row := make([]any, len(s.Head))
		for i, h := range s.Head {
			row[i] = h
		}
		if err := sw.SetRow("A1", row); err != nil {
			return err
		}
		n++
	}
	for row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
		n++
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// Serve sends the workbook as the download name.xlsx. It is built in full
// first, so a failure is reported as an error, not as a broken file.
func (s Sheet) Serve(w http.ResponseWriter, name string, rows iter.Seq[[]any]) error {
	var buf bytes.Buffer
	if err := s.Write(&buf, rows); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	_, err := buf.WriteTo(w)
	return err
}
