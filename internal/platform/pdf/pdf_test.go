package pdf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/pdf/pdftest"
)

func TestDocumentCyrillicText(t *testing.T) {
	fonts := pdftest.Fonts(t)
	date := time.Date(2026, 12, 30, 10, 0, 0, 0, time.UTC)
	doc := pdf.New(fonts).
		Title("Разрешение на осуществление земляных работ", "Администрация городского округа Лужский").
		Author("Администрация").
		Heading("Сведения о заявителе").
		Table(
			pdf.Row{Key: "Заявитель", Value: "Иванова Мария Сергеевна"},
			pdf.Row{Key: "Адрес", Value: strings.Repeat("улица Советская, дом 12, ", 8)},
		).
		Paragraph("Разрешение выдано на основании Федерального закона от 06.10.2003 № 131-ФЗ.").
		Footer("Документ", "ЗР-2026-000017", date)
	b, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{
		"Разрешение на осуществление земляных работ",
		"Иванова Мария Сергеевна",
		"Сведения о заявителе",
		"№ ЗР-2026-000017",
		"30.12.2026",
		"1/1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("extracted text lacks %q:\n%s", want, text)
		}
	}
	again, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("the same document rendered to different bytes")
	}
}

func TestDocumentManyRowsBreakPages(t *testing.T) {
	fonts := pdftest.Fonts(t)
	doc := pdf.New(fonts).Title("Выписка", "")
	var rows []pdf.Row
	for i := range 80 {
		rows = append(rows, pdf.Row{Key: "Поле " + string(rune('А'+i%32)), Value: "значение"})
	}
	b, err := doc.Table(rows...).Footer("Выписка", "1", time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b)
	if !strings.Contains(text, "2/") || !strings.Contains(text, "1/") {
		t.Errorf("80 rows should span several numbered pages:\n%s", text)
	}
}

func TestLoadFontsMissing(t *testing.T) {
	_, err := pdf.LoadFonts(t.TempDir())
	if !errors.Is(err, pdf.ErrNoFonts) {
		t.Fatalf("err = %v, want ErrNoFonts", err)
	}
	if !strings.Contains(err.Error(), "MUNI_FONT_DIR") {
		t.Errorf("error should tell the operator what to set: %v", err)
	}
	if _, err := pdf.New(nil).Bytes(); !errors.Is(err, pdf.ErrNoFonts) {
		t.Errorf("nil fonts: err = %v", err)
	}
}
