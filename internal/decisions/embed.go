package decisions

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed migrations
var migrationFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

// Migrations is the decisions schema.
var Migrations = db.Migrations{Domain: "decisions", FS: db.Sub(migrationFS, "migrations")}

// Templates are the decisions pages.
var Templates = web.Templates{Domain: "decisions", FS: web.Sub(templateFS, "templates")}

// Locales are the decisions messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// decisions routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
