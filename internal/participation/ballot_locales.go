package participation

import (
	"embed"
	"io/fs"
)

//go:embed ballot_locales/locales/*.json
var ballotLocaleFS embed.FS

// BallotLocales are the messages of budgets and ballots, kept apart from
// locales/ so two people can edit them at once; load them like Locales
// (Catalog.Load(BallotLocales, "locales")).
var BallotLocales = mustSub(ballotLocaleFS, "ballot_locales")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant embedded above
	}
	return s
}
