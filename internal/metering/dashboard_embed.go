package metering

import (
	"embed"

	"github.com/muni-platform/muni/internal/platform/db"
)

//go:embed watch/locales/*.json
var watchLocaleFS embed.FS

// WatchLocales are the messages of the dashboard, alarms, outage notices
// and the interruption ledger (watch/locales/ru.json and en.json), kept
// apart from the registry's; the app loads both.
var WatchLocales = db.Sub(watchLocaleFS, "watch")

// WatchOpenAPI is the fragment of the API document that describes the
// public outage notices.
//
//go:embed watch/openapi.json
var WatchOpenAPI []byte
