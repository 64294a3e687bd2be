package appeals

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

// Templates are the appeals pages.
var Templates = web.Templates{Domain: "appeals", FS: web.Sub(templateFS, "templates")}

// Locales are the appeals messages, locales/ru.json and locales/en.json.
var Locales = localeFS

// OpenAPI is the fragment of the API document that describes the appeals
// routes: "paths" and "components.schemas".
//
//go:embed openapi.json
var OpenAPI []byte
