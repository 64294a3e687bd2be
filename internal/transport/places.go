package transport

import "context"

// Municipality is what transport needs of a municipal formation.
type Municipality struct {
	ID       string
	Path     string // materialised path, what grants cover
	Slug     string
	Name     string
	NameEN   string
	TimeZone string // IANA zone residents read times in
}

// Places finds municipalities; the app adapts the territory domain to it.
// Unknown ones return an error wrapping fault.ErrNotFound.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
}
