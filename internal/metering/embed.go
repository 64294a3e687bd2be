package metering

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

// Migrations is the metering schema. Versions 00001–00019 are the registry
// and the ingest pipeline, 00020–00039 consumption and analytics.
var Migrations = db.Migrations{Domain: "metering", FS: db.Sub(migrationFS, "migrations")}

// Templates are the metering pages.
var Templates = web.Templates{Domain: "metering", FS: web.Sub(templateFS, "templates")}

// Locales are the metering messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// readings API: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
