package monitoring

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/sheet"
	"github.com/muni-platform/muni/internal/platform/web"
)

// WriteXLSX writes the report as one worksheet: code, indicator, unit,
// the actual years, the target of the year, the plan years.
func WriteXLSX(w io.Writer, rep Report, l *i18n.Localizer, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("monitoring.xlsx.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := l.T("monitoring.report.heading", "Name", rep.Municipality.Title(lang), "Year", rep.Year)
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	head := []any{l.T("monitoring.col.code"), l.T("monitoring.col.name"), l.T("monitoring.col.unit")}
	for _, y := range rep.Years {
		head = append(head, strconv.Itoa(y))
	}
	head = append(head, l.T("monitoring.col.target", "Year", rep.Year))
	for _, y := range rep.PlanYears {
		head = append(head, l.T("monitoring.col.plan", "Year", y))
	}
	if err := f.SetSheetRow(sheet, "A3", &head); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(head), 3)
	if err := f.SetCellStyle(sheet, "A1", end, bold); err != nil {
		return err
	}
	for i, row := range rep.Rows {
		line := []any{row.Indicator.Code, row.Indicator.Name(lang), row.Indicator.Unit(lang)}
		for _, v := range row.Actual {
			line = append(line, cell(v))
		}
		line = append(line, cell(row.Target))
		for _, v := range row.Plan {
			line = append(line, cell(v))
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+4), &line); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "B", "B", 80); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "C", "C", 24); err != nil {
		return err
	}
	foot := fmt.Sprintf("A%d", len(rep.Rows)+5)
	if err := f.SetCellStr(sheet, foot, l.T("monitoring.source_note")); err != nil {
		return err
	}
	return f.Write(w)
}

// cell is a figure or an empty cell.
func cell(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func (h *handler) xlsx(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	w.Header().Set("Content-Type", sheet.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="indicators-%s-%d.xlsx"`, rep.Municipality.Slug, rep.Year))
	return WriteXLSX(w, rep, h.cat.Localizer(lang), lang)
}

func (h *handler) pdfReport(w http.ResponseWriter, r *http.Request) error {
	if h.pdf == nil {
		return notFound()
	}
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	return h.pdf.Report(w, r, rep, web.Lang(r.Context()))
}
