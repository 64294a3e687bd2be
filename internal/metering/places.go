package metering

import "context"

// Municipality is what metering needs of a municipal formation.
type Municipality struct {
	ID       string
	Path     string // materialised path, what grants cover
	Slug     string
	OKTMO    string
	Name     string
	NameEN   string
	TimeZone string
}

// Places finds municipalities; the app adapts the territory domain to it.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
	MunicipalityByOKTMO(ctx context.Context, code string) (Municipality, error)
}
