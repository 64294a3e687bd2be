package participation

import "embed"

//go:embed result_locales/locales/*.json
var resultLocaleFS embed.FS

// ResultLocales are the messages of accountability and open data, kept
// apart like BallotLocales; load them with Catalog.Load(ResultLocales, "locales").
var ResultLocales = mustSub(resultLocaleFS, "result_locales")
