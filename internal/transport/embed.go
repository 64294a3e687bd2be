package transport

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

// Migrations is the transport schema (versions 00001–00099).
var Migrations = db.Migrations{Domain: "transport", FS: db.Sub(migrationFS, "migrations")}

// Templates are the transport pages.
var Templates = web.Templates{Domain: "transport", FS: web.Sub(templateFS, "templates")}

// Locales are the transport messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// transport routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
