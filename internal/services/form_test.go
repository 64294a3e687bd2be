package services

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"
)

func num(f float64) *float64 { return &f }

// testForm has one field of every kind and check.
var testForm = Form{
	{Code: "name", Kind: KindText, LabelRU: "ФИО", Required: true, Min: num(3), Max: num(100)},
	{Code: "snils", Kind: KindText, LabelRU: "СНИЛС", Check: CheckSNILS},
	{Code: "inn", Kind: KindText, LabelRU: "ИНН", Check: CheckINN},
	{Code: "ogrn", Kind: KindText, LabelRU: "ОГРН", Check: CheckOGRN},
	{Code: "cadastre", Kind: KindText, LabelRU: "Кадастровый номер", Pattern: `\d{2}:\d{2}:\d{6,7}:\d+`},
	{Code: "area", Kind: KindNumber, LabelRU: "Площадь", Min: num(1), Max: num(10000)},
	{Code: "born", Kind: KindDate, LabelRU: "Дата рождения ребёнка", MinDate: "-8y", MaxDate: "today"},
	{Code: "start", Kind: KindDate, LabelRU: "Начало работ", MinDate: "2026-01-01", MaxDate: "+1y"},
	{Code: "kind", Kind: KindSelect, LabelRU: "Вид", Options: []Option{{Value: "a", RU: "А"}, {Value: "b", RU: "Б"}}},
	{Code: "consent", Kind: KindCheckbox, LabelRU: "Согласие", Required: true},
	{Code: "plan", Kind: KindFile, LabelRU: "Схема", Required: true},
}

func TestFormValidate(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	good := Values{"name": "Иванова Мария", "consent": "on", "plan": "plan.pdf"}
	for _, tc := range []struct {
		name  string
		set   Values
		field string // "" means valid
		key   string
	}{
		{"minimal valid", nil, "", ""},
		{"missing required", Values{"name": ""}, "name", "services.field.required"},
		{"too short", Values{"name": "Ия"}, "name", "services.field.too_short"},
		{"unticked consent", Values{"consent": ""}, "consent", "services.field.must_tick"},
		{"missing file", Values{"plan": ""}, "plan", "services.field.required"},
		{"snils valid", Values{"snils": "112-233-445 95"}, "", ""},
		{"snils checksum wrong", Values{"snils": "112-233-445 94"}, "snils", "services.field.snils"},
		{"inn 10 valid", Values{"inn": "7707083893"}, "", ""},
		{"inn 12 valid", Values{"inn": "500100732259"}, "", ""},
		{"inn 10 checksum wrong", Values{"inn": "7707083890"}, "inn", "services.field.inn"},
		{"inn 12 checksum wrong", Values{"inn": "500100732250"}, "inn", "services.field.inn"},
		{"ogrn valid", Values{"ogrn": "1027700132195"}, "", ""},
		{"ogrn checksum wrong", Values{"ogrn": "1027700132190"}, "ogrn", "services.field.ogrn"},
		{"pattern ok", Values{"cadastre": "47:29:0103004:57"}, "", ""},
		{"pattern wrong", Values{"cadastre": "47-29-0103004"}, "cadastre", "services.field.pattern"},
		{"number ok with comma", Values{"area": "12,5"}, "", ""},
		{"not a number", Values{"area": "много"}, "area", "services.field.number"},
		{"number too small", Values{"area": "0.5"}, "area", "services.field.too_small"},
		{"number too big", Values{"area": "20000"}, "area", "services.field.too_big"},
		{"date in range", Values{"born": "2022-03-01"}, "", ""},
		{"date in the future", Values{"born": "2026-06-16"}, "born", "services.field.date_late"},
		{"date too early", Values{"born": "2018-06-14"}, "born", "services.field.date_early"},
		{"absolute min date", Values{"start": "2025-12-31"}, "start", "services.field.date_early"},
		{"relative max date", Values{"start": "2027-06-16"}, "start", "services.field.date_late"},
		{"not a date", Values{"start": "15.06.2026"}, "start", "services.field.date"},
		{"known option", Values{"kind": "b"}, "", ""},
		{"unknown option", Values{"kind": "c"}, "kind", "services.field.option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Values{}
			for k, x := range good {
				v[k] = x
			}
			for k, x := range tc.set {
				v[k] = x
			}
			errs := testForm.Validate(v, now)
			if tc.field == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if errs[tc.field] != tc.key || len(errs) != 1 {
				t.Fatalf("errors = %v, want only %s: %s", errs, tc.field, tc.key)
			}
		})
	}
}

func TestFormCleanIgnoresUnknownAndFiles(t *testing.T) {
	v, dropped := testForm.Clean(map[string]string{"name": "  Иван  ", "plan": "evil.pdf", "salary": "1", "consent": "true", "kind": ""})
	if v["name"] != "Иван" || v["consent"] != "on" || len(v) != 2 {
		t.Errorf("cleaned = %v", v)
	}
	if strings.Join(sortedCopy(dropped), ",") != "plan,salary" {
		t.Errorf("dropped = %v", dropped)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestParseFormRejects(t *testing.T) {
	for name, def := range map[string]string{
		"not json":      `{`,
		"bad code":      `[{"code":"Bad Code","kind":"text","label_ru":"x"}]`,
		"twice":         `[{"code":"a","kind":"text","label_ru":"x"},{"code":"a","kind":"text","label_ru":"y"}]`,
		"unknown kind":  `[{"code":"a","kind":"colour","label_ru":"x"}]`,
		"no label":      `[{"code":"a","kind":"text"}]`,
		"empty select":  `[{"code":"a","kind":"select","label_ru":"x"}]`,
		"bad pattern":   `[{"code":"a","kind":"text","label_ru":"x","pattern":"("}]`,
		"bad date":      `[{"code":"a","kind":"date","label_ru":"x","min_date":"yesterday"}]`,
		"unknown check": `[{"code":"a","kind":"text","label_ru":"x","check":"iban"}]`,
	} {
		if _, err := ParseForm([]byte(def)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseForm([]byte(`[{"code":"a","kind":"date","label_ru":"x","min_date":"-18y","max_date":"today"}]`)); err != nil {
		t.Errorf("valid form refused: %v", err)
	}
}

// pngBytes is a small real PNG.
func pngBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfBytes is a minimal whole PDF.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func TestCheckUpload(t *testing.T) {
	plan := Field{Code: "plan", Kind: KindFile, LabelRU: "Схема", MaxBytes: 1000}
	photoOnly := Field{Code: "photo", Kind: KindFile, LabelRU: "Фото", Accept: []string{TypePNG, TypeJPEG}}
	for _, tc := range []struct {
		name  string
		field Field
		up    Upload
		key   string
	}{
		{"pdf", plan, Upload{Name: "схема.pdf", Data: pdfBytes}, ""},
		{"png", plan, Upload{Name: "plan.png", Data: pngBytes(t)}, ""},
		{"empty", plan, Upload{Name: "plan.pdf"}, "services.file.empty"},
		{"oversized", plan, Upload{Name: "plan.pdf", Data: append(append([]byte{}, pdfBytes...), make([]byte, 1000)...)}, "services.file.too_large"},
		{"text named pdf", plan, Upload{Name: "plan.pdf", Data: []byte("just text pretending to be a PDF")}, "services.file.type"},
		{"executable", plan, Upload{Name: "plan.pdf", Data: []byte("MZ\x90\x00\x03\x00\x00\x00")}, "services.file.type"},
		{"truncated pdf", plan, Upload{Name: "plan.pdf", Data: []byte("%PDF-1.4\n1 0 obj<<>>")}, "services.file.broken"},
		{"pdf where only photos go", photoOnly, Upload{Name: "x.pdf", Data: pdfBytes}, "services.file.type"},
	} {
		f, key := checkUpload(tc.field, tc.up)
		if key != tc.key {
			t.Errorf("%s: key = %q, want %q", tc.name, key, tc.key)
		}
		if key == "" && (f.Size != len(tc.up.Data) || f.ContentType == "") {
			t.Errorf("%s: stored %+v", tc.name, f)
		}
	}
	if got := fileName("../../etc/passwd.exe", TypePDF); got != "passwd.pdf" {
		t.Errorf("file name = %q", got)
	}
}

func TestFieldDisplay(t *testing.T) {
	if got := testForm[6].Display("2022-03-01", "ru"); got != "01.03.2022" {
		t.Errorf("date %q", got)
	}
	if got := testForm[8].Display("b", "ru"); got != "Б" {
		t.Errorf("option %q", got)
	}
	if got := testForm[0].Display("Иван", "en"); got != "Иван" {
		t.Errorf("text %q", got)
	}
}
