package monitoring

import "context"

// Municipality is what monitoring needs of a municipal formation.
type Municipality struct {
	ID         string
	Path       string // materialised path, what grants cover
	Slug       string
	Name       string
	NameEN     string
	TimeZone   string
	Population int64
	RegionID   string
	RegionName string
}

// Title is the municipality's name in lang.
func (m Municipality) Title(lang string) string {
	if lang == "en" && m.NameEN != "" {
		return m.NameEN
	}
	return m.Name
}

// Places finds municipalities; the app adapts the territory domain to it.
// Unknown ones return an error wrapping fault.ErrNotFound.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
	// Region lists the municipalities of the region m belongs to, m too.
	Region(ctx context.Context, m Municipality) ([]Municipality, error)
}
