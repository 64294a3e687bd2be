package territory

import (
	"strconv"
	"strings"
)

// cityRow is one line of the cities CSV, reduced to what the tree needs.
type cityRow struct {
	Line       int
	RegionType string
	Region     string
	AreaType   string
	Area       string
	CityType   string
	City       string
	Capital    string // "2" marks a region's capital, "0" none
	OKTMO      string
	TimeZone   string // IANA, mapped from "UTC+3"
	Center     *Point
	Population int64
}

// csvColumns are the columns Import needs, named as in the header.
var csvColumns = []string{"region_type", "region", "area_type", "area", "city_type", "city", "capital_marker",
	"settlement", "oktmo", "timezone", "geo_lat", "geo_lon", "population"}

// parseRow reads one record; the second result is the i18n key of the
// reason the row is unusable, or "".
func parseRow(line int, rec []string, col map[string]int) (cityRow, string) {
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	r := cityRow{Line: line, RegionType: get("region_type"), Region: get("region"), AreaType: get("area_type"),
		Area: get("area"), CityType: get("city_type"), City: get("city"), Capital: get("capital_marker"), OKTMO: get("oktmo")}
	switch {
	case r.City == "" && get("settlement") != "":
		r.CityType, r.City = get("settlement_type"), get("settlement")
	case r.City == "" && r.AreaType == "г":
		r.CityType, r.City = "г", r.Area
	case r.City == "" && r.RegionType == "г":
		r.CityType, r.City = "г", r.Region
	}
	if !allDigits(r.OKTMO) || (len(r.OKTMO) != 8 && len(r.OKTMO) != 11) {
		return r, "territory.oktmo.format"
	}
	if r.Region == "" || r.City == "" {
		return r, "territory.import.name"
	}
	if r.TimeZone = ZoneForOffset(get("timezone")); r.TimeZone == "" {
		return r, "territory.timezone.invalid"
	}
	if lat, lon := get("geo_lat"), get("geo_lon"); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		p := Point{Lat: la, Lon: lo}
		if err1 != nil || err2 != nil || CheckPoint(p) != "" {
			return r, "territory.center.invalid"
		}
		r.Center = &p
	}
	if s := get("population"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return r, "territory.population.invalid"
		}
		r.Population = n
	}
	return r, ""
}

// subjectCode is the code of the row's federal subject: two digits and
// zeros, or three for an autonomous okrug inside a kray or oblast.
func (r cityRow) subjectCode() string {
	if r.RegionType == "АО" && (r.OKTMO[2] == '8' || r.OKTMO[2] == '9') {
		return r.OKTMO[:3] + "00000"
	}
	return r.OKTMO[:2] + "000000"
}

// isSubject reports whether the row is a city that is itself a subject
// (Moscow, Saint Petersburg, Sevastopol).
func (r cityRow) isSubject() bool { return len(r.OKTMO) == 8 && r.OKTMO == r.subjectCode() }

// link is one node of the chain from a row's subject down to the row's
// own node.
type link struct {
	Kind Kind
	Code string
}

// chain derives the nodes between the subject and the row's city, top
// down: its municipal formation (kind from the classifier digit after the
// subject's prefix), a settlement when the code names one, and the city
// as a locality when it has an 11-digit code of its own. The second result
// is the i18n key of the reason no chain fits, or "".
func (r cityRow) chain() ([]link, string) {
	p := len(SubjectPrefix(r.subjectCode()))
	var k Kind
	switch d := r.OKTMO[p]; {
	case p == 3 && (r.AreaType == "р-н" || d < '5'):
		k = KindMunicipalDistrict
	case p == 3 && d >= '5':
		k = KindUrbanOkrug
	case d == '5':
		k = KindMunicipalOkrug
	case d == '6':
		k = KindMunicipalDistrict
	case d == '7' || d == '8':
		k = KindUrbanOkrug
	default:
		return nil, "territory.import.formation"
	}
	code8 := r.OKTMO[:8]
	var out []link
	switch {
	case k == KindUrbanOkrug && code8[5:] != "000":
		return nil, "territory.import.formation"
	case k == KindUrbanOkrug:
		out = append(out, link{k, code8})
	case code8[5:] == "000":
		out = append(out, link{k, code8[:5] + "000"})
	case k == KindMunicipalDistrict && len(r.OKTMO) == 8:
		settlement := KindRuralSettlement
		if code8[5] == '1' {
			settlement = KindUrbanSettlement
		}
		out = append(out, link{k, code8[:5] + "000"}, link{settlement, code8})
	default:
		out = append(out, link{k, code8[:5] + "000"})
	}
	if len(r.OKTMO) == 11 {
		out = append(out, link{KindLocality, r.OKTMO})
	}
	return out, ""
}

// subjectNames spells the subject's full Russian and English names.
func (r cityRow) subjectNames() (ru, en string) {
	ru, en = r.spellSubject()
	if known, ok := subjectsEN[r.Region]; ok {
		en = known
	}
	return ru, en
}

func (r cityRow) spellSubject() (ru, en string) {
	base, tr := r.Region, Transliterate(r.Region)
	switch r.RegionType {
	case "обл":
		if strings.Contains(base, "область") {
			return base, strings.ReplaceAll(tr, "oblast", "Oblast")
		}
		return base + " область", tr + " Oblast"
	case "край":
		return base + " край", tr + " Krai"
	case "Респ":
		base = strings.NewReplacer(" /", " (", "/", ")").Replace(base)
		tr = Transliterate(base)
		if strings.HasSuffix(base, "ская") || strings.HasSuffix(base, "ая") {
			return base + " Республика", tr + " Republic"
		}
		return "Республика " + base, "Republic of " + tr
	case "АО":
		if strings.Contains(strings.ToLower(base), "округ") {
			return base, tr
		}
		return base + " автономный округ", tr + " Autonomous Okrug"
	case "Аобл":
		return base + " автономная область", tr + " Autonomous Oblast"
	}
	return base, tr
}

// formationNames spells the formation's names and its slug.
func (r cityRow) formationNames(k Kind) (ru, en, slug string) {
	city, cityEN := r.City, Transliterate(r.City)
	switch {
	case k == KindUrbanOkrug:
		return "Городской округ " + city, cityEN + " Urban Okrug", Slugify(city)
	case r.Area != "" && k == KindMunicipalOkrug:
		return r.Area + " муниципальный округ", Transliterate(r.Area) + " Municipal Okrug", Slugify(r.Area + " okrug")
	case r.Area != "" && r.AreaType == "у":
		return r.Area + " улус", Transliterate(r.Area) + " Ulus", Slugify(r.Area + " ulus")
	case r.Area != "":
		return r.Area + " муниципальный район", Transliterate(r.Area) + " Municipal District", Slugify(r.Area + " rayon")
	case k == KindUrbanSettlement:
		return "Городское поселение " + city, cityEN + " Urban Settlement", Slugify("городское поселение " + city)
	case k == KindRuralSettlement:
		return "Сельское поселение " + city, cityEN + " Rural Settlement", Slugify("сельское поселение " + city)
	case k == KindMunicipalOkrug:
		return "Муниципальный округ " + city, cityEN + " Municipal Okrug", Slugify(city + " okrug")
	}
	return "Муниципальный район " + city, cityEN + " Municipal District", Slugify(city + " rayon")
}

// localitySlug is "gorod-luga": the type keeps a town apart from the
// formation named after it.
func (r cityRow) localitySlug() string {
	t := r.CityType
	if t == "г" || t == "" {
		t = "gorod"
	}
	return Slugify(t + " " + r.City)
}
