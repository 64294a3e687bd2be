package participation

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

// Migrations is the participation schema.
var Migrations = db.Migrations{Domain: "participation", FS: db.Sub(migrationFS, "migrations")}

// Templates are the participation pages.
var Templates = web.Templates{Domain: "participation", FS: web.Sub(templateFS, "templates")}

// Locales are the participation messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// participation routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
