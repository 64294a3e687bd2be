package identity

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed migrations
var migrationsFS embed.FS

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed locales/*.json
var localesFS embed.FS

// OpenAPI is the OpenAPI 3.1 fragment ("paths" and "components") of
// identity's JSON API, merged by the app into /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

// Migrations is identity's schema.
var Migrations = db.Migrations{Domain: "identity", FS: db.Sub(migrationsFS, "migrations")}

// Templates are identity's pages, named "identity/<file>".
var Templates = web.Templates{Domain: "identity", FS: web.Sub(templatesFS, "templates")}

// Locales holds locales/ru.json and locales/en.json for the catalog.
var Locales = localesFS
