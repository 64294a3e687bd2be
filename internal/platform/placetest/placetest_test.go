package placetest

import (
	"context"
	"errors"
	"testing"
)

type muni struct{ ID, Slug, Name string }

var errMissing = errors.New("missing")

func TestLookups(t *testing.T) {
	ctx := context.Background()
	a, b := muni{"id-a", "alpha", "Альфа"}, muni{"id-b", "beta", "Бета"}
	p := New(func(m muni) (string, string) { return m.ID, m.Slug }, func() error { return errMissing }, a, b)
	if m, err := p.Municipality(ctx, "id-b"); err != nil || m != b {
		t.Fatalf("by id: %v %v", m, err)
	}
	if m, err := p.MunicipalityBySlug(ctx, "alpha"); err != nil || m != a {
		t.Fatalf("by slug: %v %v", m, err)
	}
	if _, err := p.Municipality(ctx, "alpha"); !errors.Is(err, errMissing) {
		t.Fatalf("a slug found by id: %v", err)
	}
	if _, err := p.MunicipalityBySlug(ctx, "id-a"); !errors.Is(err, errMissing) {
		t.Fatalf("an id found by slug: %v", err)
	}
	if got := p.All(); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("all: %v", got)
	}
}
