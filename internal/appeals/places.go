package appeals

import (
	"context"
	"encoding/json"
)

// Municipality is what appeals needs of a municipal formation: its scope
// for grants and its time zone for deadlines. The app adapts the
// territory domain to it.
type Municipality struct {
	ID       string
	Path     string // materialised territory path, what grants are scoped to
	Slug     string
	Name     string
	NameEN   string
	TimeZone string // IANA zone deadlines are counted in
	// Boundary is the GeoJSON Polygon or MultiPolygon of the territory,
	// drawn under the submission form's pin; empty when unknown.
	Boundary json.RawMessage
}

// Department is a municipality's department that items are routed to.
type Department struct {
	ID             string
	MunicipalityID string
	Name           string
	NameEN         string
}

// Places reads municipalities and departments; the app adapts the
// territory domain to it. Unknown ids return an error wrapping
// fault.ErrNotFound.
type Places interface {
	Municipality(ctx context.Context, id string) (Municipality, error)
	MunicipalityBySlug(ctx context.Context, slug string) (Municipality, error)
	Department(ctx context.Context, id string) (Department, error)
	Departments(ctx context.Context, municipalityID string) ([]Department, error)
}

// Boundaries is what Places may also do: tell whether a point lies within
// a municipality. known is false when the municipality has no boundary,
// and then any point is accepted.
type Boundaries interface {
	Contains(ctx context.Context, municipalityID string, p Point) (inside, known bool, err error)
}
