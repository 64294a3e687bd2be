package monitoring

import (
	"context"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestPDFReport: the report's PDF (two columns, which the text
// extraction interleaves) carries the indicators' Russian names
// and their figures, with the target and the plan.
func TestPDFReport(t *testing.T) {
	fonts := pdftest.Fonts(t)
	cat := i18n.New()
	if err := cat.Load(Locales, "locales"); err != nil {
		t.Fatal(err)
	}
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{})
		admin := as(grant(muniA, auth.RoleMunicipalAdmin))
		for _, in := range []ValueInput{{Code: "607.37", Period: "2025", Kind: Actual, Value: "57,3"}, {Code: "607.37", Period: "2026", Kind: Target, Value: "63"}} {
			if _, err := s.SetValue(admin, muniA.Slug, in); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := s.Report(context.Background(), muniA.Slug, 2025, "607")
		if err != nil {
			t.Fatal(err)
		}
		b, err := PDFReport{Fonts: fonts, Catalog: cat}.Render(rep, "ru")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, b)), " ")
		for _, want := range []string{"Альфа: показатели эффективности, 2025", "Организация муниципального управления",
			"607.37 Удовлетворенность", "2025: 57,3", "2026: 63", "Указ Президента РФ от 28.04.2008 № 607"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q", want)
			}
		}
	})
}
