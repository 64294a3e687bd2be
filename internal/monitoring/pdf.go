package monitoring

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/pdf"
)

// PDFReport writes indicator reports with the platform's PDF writer.
type PDFReport struct {
	Fonts   *pdf.Fonts
	Catalog *i18n.Catalog
}

// Render builds the report as a PDF: the title, then each indicator with
// a line of its figures, its target and its plan, then the sources.
func (p PDFReport) Render(rep Report, lang string) ([]byte, error) {
	l := p.Catalog.Localizer(lang)
	var n numbers
	doc := pdf.New(p.Fonts).Title(l.T("monitoring.report.heading", "Name", rep.Municipality.Title(lang), "Year", rep.Year),
		l.T("monitoring.indicators.filled", "Filled", rep.Filled, "Total", len(rep.Rows), "Year", rep.Year)).
		Author(rep.Municipality.Title(lang))
	section := ""
	var rows []pdf.Row
	flush := func() {
		if len(rows) > 0 {
			doc.Table(rows...)
			rows = nil
		}
	}
	for _, r := range rep.Rows {
		if r.Indicator.Set+"/"+r.Indicator.Section != section {
			flush()
			section = r.Indicator.Set + "/" + r.Indicator.Section
			doc.Heading(l.T("monitoring.section." + r.Indicator.Section))
		}
		var parts []string
		for i, y := range rep.Years {
			parts = append(parts, strconv.Itoa(y)+": "+n.Num(r.Actual[i], lang))
		}
		parts = append(parts, l.T("monitoring.col.target", "Year", rep.Year)+": "+n.Num(r.Target, lang))
		for i, y := range rep.PlanYears {
			parts = append(parts, l.T("monitoring.col.plan", "Year", y)+": "+n.Num(r.Plan[i], lang))
		}
		rows = append(rows, pdf.Row{Key: r.Indicator.Code + " " + r.Indicator.Name(lang) + " (" + r.Indicator.Unit(lang) + ")",
			Value: strings.Join(parts, "; ")})
	}
	flush()
	doc.Paragraph(l.T("monitoring.source_note"))
	return doc.Bytes()
}

// Report writes the PDF to the response.
func (p PDFReport) Report(w http.ResponseWriter, r *http.Request, rep Report, lang string) error {
	b, err := p.Render(rep, lang)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="indicators-%s-%d.pdf"`, rep.Municipality.Slug, rep.Year))
	_, err = w.Write(b)
	return err
}
