package territory

import (
	"encoding/json"
	"testing"
)

func TestCheckOKTMO(t *testing.T) {
	tests := []struct {
		name       string
		code       string
		kind       Kind
		parentKind Kind
		parentCode string
		want       string
	}{
		{"subject", "41000000", KindSubject, "", "", ""},
		{"autonomous okrug inside an oblast", "71800000", KindSubject, "", "", ""},
		{"subject with district digits", "41633000", KindSubject, "", "", "territory.oktmo.subject"},
		{"subject of 11 digits", "41000000000", KindSubject, "", "", "territory.oktmo.subject"},
		{"letters", "4163300A", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.format"},
		{"injection", "'; DROP TABLE territory_nodes; --", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.format"},
		{"9 digits", "416330000", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.format"},
		{"empty", "", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.format"},
		{"okrug in its subject", "41633000", KindMunicipalOkrug, KindSubject, "41000000", ""},
		{"okrug in another subject", "47633000", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.prefix"},
		{"okrug equal to subject", "41000000", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.same_as_parent"},
		{"okrug with settlement digits", "41633101", KindMunicipalOkrug, KindSubject, "41000000", "territory.oktmo.municipal_suffix"},
		{"okrug of 11 digits", "41633000001", KindUrbanOkrug, KindSubject, "41000000", "territory.oktmo.municipal_length"},
		{"urban okrug of an autonomous okrug", "71871000", KindUrbanOkrug, KindSubject, "71800000", ""},
		{"district of the oblast, not the okrug", "71816000", KindMunicipalDistrict, KindSubject, "71000000", ""},
		{"urban okrug outside the autonomous okrug", "71701000", KindUrbanOkrug, KindSubject, "71800000", "territory.oktmo.prefix"},
		{"settlement in its district", "41633101", KindUrbanSettlement, KindMunicipalDistrict, "41633000", ""},
		{"settlement in another district", "41618101", KindUrbanSettlement, KindMunicipalDistrict, "41633000", "territory.oktmo.prefix"},
		{"settlement ending 000", "41633000", KindRuralSettlement, KindMunicipalDistrict, "41633000", "territory.oktmo.settlement_suffix"},
		{"locality in a settlement", "41633101001", KindLocality, KindUrbanSettlement, "41633101", ""},
		{"locality outside the settlement", "41633154051", KindLocality, KindUrbanSettlement, "41633101", "territory.oktmo.prefix"},
		{"locality in a municipal okrug", "41633154051", KindLocality, KindMunicipalOkrug, "41633000", ""},
		{"locality in an urban okrug", "79701000001", KindLocality, KindUrbanOkrug, "79701000", ""},
		{"locality outside the urban okrug", "79703000001", KindLocality, KindUrbanOkrug, "79701000", "territory.oktmo.prefix"},
		{"locality of 8 digits", "41633101", KindLocality, KindMunicipalOkrug, "41633000", "territory.oktmo.locality_length"},
		{"locality ending 000", "41633101000", KindLocality, KindMunicipalOkrug, "41633000", "territory.oktmo.locality_suffix"},
		{"intracity district of an urban okrug", "36701305", KindIntracityTerritory, KindUrbanOkrug, "36701000", ""},
		{"intracity territory of a federal city", "40301000", KindIntracityTerritory, KindSubject, "40000000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckOKTMO(tt.code, tt.kind, tt.parentKind, tt.parentCode); got != tt.want {
				t.Errorf("CheckOKTMO(%q, %s, %s, %q) = %q, want %q", tt.code, tt.kind, tt.parentKind, tt.parentCode, got, tt.want)
			}
		})
	}
}

func TestCheckParent(t *testing.T) {
	tests := []struct {
		child, parent Kind
		want          string
	}{
		{KindSubject, "", ""},
		{KindSubject, KindSubject, "territory.kind.subject_root"},
		{KindMunicipalOkrug, KindSubject, ""},
		{KindMunicipalOkrug, KindMunicipalDistrict, "territory.kind.parent"},
		{KindUrbanSettlement, KindMunicipalDistrict, ""},
		{KindRuralSettlement, KindSubject, "territory.kind.parent"},
		{KindIntracityTerritory, KindUrbanOkrug, ""},
		{KindLocality, KindMunicipalOkrug, ""},
		{KindLocality, KindSubject, "territory.kind.parent"},
		{KindLocality, KindLocality, "territory.kind.parent"},
		{KindUrbanOkrug, "", "territory.kind.parent"},
		{"village", KindSubject, "territory.kind.unknown"},
	}
	for _, tt := range tests {
		if got := CheckParent(tt.child, tt.parent); got != tt.want {
			t.Errorf("CheckParent(%s, %s) = %q, want %q", tt.child, tt.parent, got, tt.want)
		}
	}
	if got := ChildKinds(KindLocality); len(got) != 0 {
		t.Errorf("a locality has children kinds %v", got)
	}
}

func TestSlugs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Луга", "luga"},
		{"Ленинградская область", "leningradskaya-oblast"},
		{"Лужский муниципальный район", "luzhskiy-munitsipalnyy-rayon"},
		{"Толмачёво", "tolmachevo"},
		{"Щёлково", "shchelkovo"},
		{"Ханты-Мансийск", "khanty-mansiysk"},
		{"  Saint Petersburg!! ", "saint-petersburg"},
		{"'; DROP TABLE x; --", "drop-table-x"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Transliterate("Лужский район"); got != "Luzhskiy rayon" {
		t.Errorf("Transliterate = %q", got)
	}
	for s, want := range map[string]string{"luga": "", "luga-2": "", "Luga": "territory.slug.format", "l": "territory.slug.format",
		"luga--x": "territory.slug.format", "-luga": "territory.slug.format", "луга": "territory.slug.format"} {
		if got := CheckSlug(s); got != want {
			t.Errorf("CheckSlug(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestTimeZones(t *testing.T) {
	for off, want := range map[string]string{"UTC+3": "Europe/Moscow", "UTC+5": "Asia/Yekaterinburg", "UTC+2": "Europe/Kaliningrad",
		"UTC+12": "Asia/Kamchatka", " UTC+7 ": "Asia/Novosibirsk", "UTC+13": "", "": ""} {
		if got := ZoneForOffset(off); got != want {
			t.Errorf("ZoneForOffset(%q) = %q, want %q", off, got, want)
		}
		if want != "" && CheckTimeZone(want) != "" {
			t.Errorf("zone %s does not load", want)
		}
	}
	for _, bad := range []string{"", "Local", "UTC", "Mars/Olympus", "Europe/Moscow'--", "../../etc/passwd"} {
		if CheckTimeZone(bad) == "" {
			t.Errorf("CheckTimeZone(%q) accepted", bad)
		}
	}
}

func TestBoundaries(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[29,58],[30,58],[30,59],[29,59],[29,58]]]}`
	tests := []struct{ name, in, want string }{
		{"none", ``, ""},
		{"polygon", square, ""},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[29,58],[30,58],[30,59],[29,58]]]]}`, ""},
		{"feature", `{"type":"Feature","properties":{},"geometry":` + square + `}`, ""},
		{"point", `{"type":"Point","coordinates":[29,58]}`, "territory.boundary.type"},
		{"open ring", `{"type":"Polygon","coordinates":[[[29,58],[30,58],[30,59],[29,59]]]}`, "territory.boundary.ring"},
		{"out of range", `{"type":"Polygon","coordinates":[[[29,58],[300,58],[30,59],[29,58]]]}`, "territory.boundary.range"},
		{"not json", `'; DROP TABLE`, "territory.boundary.invalid"},
		{"string", `"polygon"`, "territory.boundary.invalid"},
	}
	for _, tt := range tests {
		_, got := NormalizeBoundary(json.RawMessage(tt.in))
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	ring := SquareAround(Point{Lat: 58.7374, Lon: 29.8466}, 10, nil)
	if b, key := NormalizeBoundary(mustGeometry(ring)); key != "" || len(b) == 0 {
		t.Errorf("synthetic square refused: %s", key)
	}
}

func TestDepartmentValidation(t *testing.T) {
	ok := DepartmentInput{Code: "housing", NameRU: "Комитет ЖКХ", Email: "zhkh@luga.example", Phone: "+7 (81372) 2-00-02"}
	tests := []struct {
		name  string
		edit  func(*DepartmentInput)
		field string
		want  string
	}{
		{"valid", func(*DepartmentInput) {}, "", ""},
		{"no name", func(d *DepartmentInput) { d.NameRU = "  " }, "name_ru", "territory.field.required"},
		{"long name", func(d *DepartmentInput) { d.NameRU = string(make([]rune, 201)) }, "name_ru", "territory.field.too_long"},
		{"code with spaces", func(d *DepartmentInput) { d.Code = "жкх отдел" }, "code", "territory.department.code.invalid"},
		{"injection code", func(d *DepartmentInput) { d.Code = "x'; DROP TABLE territory_departments; --" }, "code", "territory.department.code.invalid"},
		{"email with name", func(d *DepartmentInput) { d.Email = "ЖКХ <zhkh@luga.example>" }, "email", "territory.email.invalid"},
		{"phone letters", func(d *DepartmentInput) { d.Phone = "call us" }, "phone", "territory.phone.invalid"},
		{"control chars", func(d *DepartmentInput) { d.NameEN = "bad\x00name" }, "name_en", "territory.field.control"},
	}
	for _, tt := range tests {
		in := ok
		tt.edit(&in)
		in.normalize()
		bad := in.validate()
		if tt.field == "" {
			if len(bad) != 0 {
				t.Errorf("%s: refused %v", tt.name, bad)
			}
			continue
		}
		if bad[tt.field] != tt.want {
			t.Errorf("%s: %s = %q, want %q (all: %v)", tt.name, tt.field, bad[tt.field], tt.want, bad)
		}
	}
}

func TestZoneOffsets(t *testing.T) {
	for _, c := range []struct {
		tz   string
		want ZoneOffsets
	}{
		{"Europe/Moscow", ZoneOffsets{UTC: "+3", MSK: ""}},
		{"Asia/Yekaterinburg", ZoneOffsets{UTC: "+5", MSK: "+2"}},
		{"Europe/Kaliningrad", ZoneOffsets{UTC: "+2", MSK: "−1"}},
		{"Asia/Kolkata", ZoneOffsets{UTC: "+5:30", MSK: "+2:30"}},
		{"", ZoneOffsets{}},
		{"Nowhere/Town", ZoneOffsets{}},
	} {
		if got := (Node{TimeZone: c.tz}).Offsets(); got != c.want {
			t.Errorf("%q: %+v, want %+v", c.tz, got, c.want)
		}
	}
}
