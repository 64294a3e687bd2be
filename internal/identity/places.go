package identity

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Place is a territory node as identity needs it.
type Place struct {
	ID       string
	Path     string // materialised path, "/region/municipality/"
	TenantID string // the municipality the node belongs to ("" above municipalities)
	Slug     string
	Name     string // Russian
	NameEN   string // English, "" when the territory has none
}

// Title is the node's name in lang, Russian when English is missing.
func (p Place) Title(lang string) string {
	return i18n.Pick(lang, p.Name, p.NameEN)
}

// Places is identity's window on the territory tree; the app adapts the
// territory domain to it.
type Places interface {
	// Place returns one node; an unknown id is an error wrapping fault.ErrNotFound.
	Place(ctx context.Context, id string) (Place, error)
	// Municipalities lists the nodes a resident may choose as home.
	Municipalities(ctx context.Context) ([]Place, error)
	// Covered lists the node at path and every node below it.
	Covered(ctx context.Context, path string) ([]Place, error)
}

// Department is a structural unit of a municipality's administration.
type Department struct {
	ID             string
	MunicipalityID string
	Name           string // Russian
	NameEN         string // English, "" when none
}

// Title is the department's name in lang, Russian when English is missing.
func (d Department) Title(lang string) string {
	return i18n.Pick(lang, d.Name, d.NameEN)
}

// Departments looks departments up, so grants for heads and operators can
// name theirs. Optional: without it, grants carry no department.
type Departments interface {
	// Department returns one department; unknown ids wrap fault.ErrNotFound.
	Department(ctx context.Context, id string) (Department, error)
	// DepartmentsOf lists the departments of one municipality.
	DepartmentsOf(ctx context.Context, municipalityID string) ([]Department, error)
}

// Exporter contributes another domain's section to a person's data export.
type Exporter interface {
	ExportUser(ctx context.Context, userID string) (section string, data any, err error)
}
