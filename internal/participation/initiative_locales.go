package participation

import "embed"

//go:embed initiative_locales/locales/*.json
var initiativeLocaleFS embed.FS

// InitiativeLocales are the messages of initiative projects, kept apart
// from locales/ so several people can edit them at once; load them like
// Locales (Catalog.Load(InitiativeLocales, "locales")).
var InitiativeLocales = mustSub(initiativeLocaleFS, "initiative_locales")
