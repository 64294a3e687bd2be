package monitoring

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	federal := c.Set("607")
	// The items 1–40 of the Decree 1317 report form, some with sub-items
	// (wages, culture, housing, land, energy): every number is present
	// except 12, which the form excludes.
	seen := map[string]bool{}
	for _, i := range federal {
		n, _, _ := strings.Cut(strings.TrimPrefix(i.Code, "607."), ".")
		seen[n] = true
		if i.UnitRU == "" || i.UnitEN == "" || i.Section == "" {
			t.Errorf("%s: unit or section missing", i.Code)
		}
	}
	for n := 1; n <= 41; n++ {
		if want := n != 12 && n != 41; seen[strconv.Itoa(n)] != want {
			t.Errorf("Decree 607 item %d: present %v, want %v", n, seen[strconv.Itoa(n)], want)
		}
	}
	if i, _ := c.Indicator(CodeNoBusService); !strings.Contains(i.NameRU, "не имеющих регулярного автобусного и (или) железнодорожного сообщения с административным центром") {
		t.Errorf("item 7 is %q", i.NameRU)
	}
	for _, code := range []string{"P.APPEALS.MEDIAN", "P.APPEALS.OVERDUE", "P.TRANSPORT.ONTIME", "P.METERING.LOSS.WATER", CodeNoBusService} {
		if i, ok := c.Indicator(code); !ok || i.Source != Computed {
			t.Errorf("%s: want a computed indicator, got %+v %v", code, i, ok)
		}
	}
	if i, _ := c.Indicator("607.6"); i.Better != Lower {
		t.Errorf("roads not meeting the standards: lower is better, got %s", i.Better)
	}
}

func TestParseCatalogRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"duplicate": "X;s;a;А;A;ед;u;higher;manual\nX;s;a;Б;B;ед;u;higher;manual\n",
		"direction": "X;s;a;А;A;ед;u;up;manual\n",
		"source":    "X;s;a;А;A;ед;u;higher;guessed\n",
		"no name":   "X;s;a;;A;ед;u;higher;manual\n",
		"columns":   "X;s;a;А;A\n",
		"bad code":  "a b;s;a;А;A;ед;u;higher;manual\n",
	} {
		if _, err := ParseCatalog(strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	for _, c := range []struct {
		in, canon, grain string
		from, to         time.Time
	}{
		{"2025", "2025", "year", time.Date(2025, 1, 1, 0, 0, 0, 0, msk), time.Date(2026, 1, 1, 0, 0, 0, 0, msk)},
		{"2025-Q4", "2025-Q4", "quarter", time.Date(2025, 10, 1, 0, 0, 0, 0, msk), time.Date(2026, 1, 1, 0, 0, 0, 0, msk)},
		{"2024-02", "2024-02", "month", time.Date(2024, 2, 1, 0, 0, 0, 0, msk), time.Date(2024, 3, 1, 0, 0, 0, 0, msk)},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		from, to := p.Range(msk)
		if p.String() != c.canon || p.Grain() != c.grain || !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%s: got %s %s %v–%v", c.in, p, p.Grain(), from, to)
		}
	}
	for _, bad := range []string{"", "25", "2025-Q5", "2025-13", "2025-00", "1800", "2025Q1", "2025-1", "abcd"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"12,5": 12.5, " 1 234.75 ": 1234.75, "-3": -3, "0": 0} {
		if v, ok := parseNumber(in); !ok || v != want {
			t.Errorf("%q: got %v %v", in, v, ok)
		}
	}
	for _, bad := range []string{"", "abc", "NaN", "Inf", "1,2,3"} {
		if _, ok := parseNumber(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRankAndCompare(t *testing.T) {
	rows := []RegionRow{{Municipality: muniA, Value: f(5)}, {Municipality: muniB}, {Municipality: muniC, Value: f(7)}, {Municipality: Municipality{Name: "Дельта"}, Value: f(5)}}
	rank(rows, Lower)
	if rows[0].Rank != 1 || rows[1].Rank != 1 || rows[2].Rank != 3 || rows[2].Municipality.ID != muniC.ID || rows[3].Rank != 0 {
		t.Errorf("lower is better: %+v", rows)
	}
	rank(rows, Higher)
	if rows[0].Municipality.ID != muniC.ID || rows[0].Rank != 1 || rows[1].Rank != 2 || rows[2].Rank != 2 {
		t.Errorf("higher is better: %+v", rows)
	}
	if compare(Higher, f(2), f(1), "good", "bad") != "good" || compare(Lower, f(2), f(1), "good", "bad") != "bad" ||
		compare(None, f(2), f(1), "good", "bad") != "" || compare(Higher, nil, f(1), "good", "bad") != "" {
		t.Error("compare")
	}
	if !peer(40000, 60000) || peer(40000, 500000) || peer(0, 10) {
		t.Error("peer")
	}
}

func TestNumbers(t *testing.T) {
	var n numbers
	if got := n.Num(f(1234.5), "ru"); got != "1234,5" {
		t.Errorf("ru: %s", got)
	}
	if got := n.Num(f(2), "en"); got != "2" {
		t.Errorf("en: %s", got)
	}
	if n.Num(nil, "ru") != "—" || n.Days(-1, "ru") != "—" || n.Days(5.84, "ru") != "5,8" || n.Pct(0.6837, "en") != "68.37" {
		t.Error("days or per cent")
	}
}
