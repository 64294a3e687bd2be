package territory

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed migrations
var migrationFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

//go:embed data/russian-cities.csv
var citiesCSV []byte

// Templates are the territory pages.
var Templates = web.Templates{Domain: "territory", FS: web.Sub(templateFS, "templates")}

// Locales are the territory messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the
// territory routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
