package participation

import (
	"slices"
	"testing"
)

func TestStems(t *testing.T) {
	got := stems("Отремонтировать дорогу до школы и дороги для школ №5")
	for _, s := range []string{"дорог", "школ", "отрем"} {
		if !slices.Contains(got, s) {
			t.Errorf("stems %v lack %q", got, s)
		}
	}
	if slices.Contains(got, "для") || slices.Contains(got, "и") || slices.Contains(got, "до") {
		t.Errorf("stop and short words kept: %v", got)
	}
	if c := slices.Compact(slices.Clone(got)); len(c) != len(got) {
		t.Errorf("duplicates: %v", got)
	}
}

func TestSimilarity(t *testing.T) {
	cases := []struct {
		a, b     string
		min, max float64
	}{
		{"Детская площадка во дворе", "Детская площадка во дворе", 1, 1},
		{"Детская площадка во дворе", "детская площадка в нашем дворе", 0.5, 0.99},
		{"Отремонтировать дорогу к школе", "Ремонт дороги у школы", 0.2, 0.7},
		{"Детская площадка во дворе", "Освещение на набережной", 0, 0.1},
		{"", "Освещение", 0, 0},
	}
	for _, c := range cases {
		s := Similarity(c.a, c.b)
		if s < c.min || s > c.max {
			t.Errorf("Similarity(%q, %q) = %.2f, want %.2f..%.2f", c.a, c.b, s, c.min, c.max)
		}
		if s != Similarity(c.b, c.a) {
			t.Errorf("not symmetric for %q, %q", c.a, c.b)
		}
	}
}
