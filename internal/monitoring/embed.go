package monitoring

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

//go:embed data/indicators.csv
var indicatorsCSV []byte

// Migrations is the monitoring schema.
var Migrations = db.Migrations{Domain: "monitoring", FS: db.Sub(migrationFS, "migrations")}

// Templates are the monitoring pages.
var Templates = web.Templates{Domain: "monitoring", FS: web.Sub(templateFS, "templates")}

// Locales are the monitoring messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// monitoring routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
