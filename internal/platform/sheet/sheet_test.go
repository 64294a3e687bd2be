package sheet

import (
	"bytes"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWrite(t *testing.T) {
	s := Sheet{Name: "Реестр", Head: []string{"Номер", "Сумма"}, Widths: map[int]float64{2: 20, 1: 30}}
	rows := [][]any{{"1-П", 12.5}, {"2-П", 7}}
	w := httptest.NewRecorder()
	if err := s.Serve(w, "register", slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	if got := w.Header().Get("Content-Type"); got != ContentType {
		t.Fatalf("Content-Type %q", got)
	}
	if got := w.Header().Get("Content-Disposition"); got != `attachment; filename="register.xlsx"` {
		t.Fatalf("Content-Disposition %q", got)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if names := f.GetSheetList(); len(names) != 1 || names[0] != "Реестр" {
		t.Fatalf("sheets %v", names)
	}
	got, err := f.GetRows("Реестр")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Номер", "Сумма"}, {"1-П", "12.5"}, {"2-П", "7"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if typ, _ := f.GetCellType("Реестр", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("B2 is stored as %v, want a number", typ)
	}
	if width, _ := f.GetColWidth("Реестр", "A"); width != 30 {
		t.Fatalf("column A width %v", width)
	}

	// Without a header the rows start at the top.
	var buf bytes.Buffer
	if err := (Sheet{Name: "Card"}).Write(&buf, slices.Values(rows[:1])); err != nil {
		t.Fatal(err)
	}
	f2, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if v, _ := f2.GetCellValue("Card", "A1"); v != "1-П" {
		t.Fatalf("A1 = %q", v)
	}
}
