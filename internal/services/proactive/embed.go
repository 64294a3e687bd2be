package proactive

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

// Migrations is the proactive schema.
var Migrations = db.Migrations{Domain: "proactive", FS: db.Sub(migrationFS, "migrations")}

// Templates are the proactive pages.
var Templates = web.Templates{Domain: "proactive", FS: web.Sub(templateFS, "templates")}

// Locales are the proactive messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// life-events route: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
