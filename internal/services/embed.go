package services

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed migrations
var migrationFS embed.FS

// Migrations is the services schema.
var Migrations = db.Migrations{Domain: "services", FS: db.Sub(migrationFS, "migrations")}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

// Templates are the services pages.
var Templates = web.Templates{Domain: "services", FS: web.Sub(templateFS, "templates")}

// Locales are the services messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the services
// routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
