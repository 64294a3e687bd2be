package monitoring

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

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
	return i18n.Pick(lang, m.Name, m.NameEN)
}

// Places finds municipalities; the app adapts the territory domain to it.
// Unknown ones return an error wrapping fault.ErrNotFound.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
	// Region lists the municipalities of the region m belongs to, m too.
	Region(ctx context.Context, m Municipality) ([]Municipality, error)
}
