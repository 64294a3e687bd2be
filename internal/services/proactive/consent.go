package proactive

import (
	"embed"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/textdoc"
)

// CurrentConsent is the version of the consent text residents give now.
// A new text gets a new version and file pair; consents given to an older
// version no longer count, so residents are asked again.
const CurrentConsent = 1

//go:embed consent/*.txt
var consentFS embed.FS

// ConsentText is one version of the consent in one language.
type ConsentText struct {
	Version int
	Lang    string
	Title   string
	Body    []string // paragraphs
	Hash    string   // SHA-256 of the file, kept with each consent
}

// ConsentDocument returns the text of version in lang (Russian unless "en").
func ConsentDocument(version int, lang string) (ConsentText, error) {
	if lang != "en" {
		lang = "ru"
	}
	d, err := textdoc.Read(consentFS, fmt.Sprintf("consent/v%d.%s.txt", version, lang))
	if err != nil {
		return ConsentText{}, notFound()
	}
	return ConsentText{Version: version, Lang: lang, Title: d.Title, Body: d.Body, Hash: d.Hash}, nil
}

// Consent is one recorded consent to proactive processing.
type Consent struct {
	ID        string     `json:"id"`
	Version   int        `json:"version"`
	Lang      string     `json:"lang"`
	TextHash  string     `json:"text_sha256"`
	Given     time.Time  `json:"given_at"`
	Withdrawn *time.Time `json:"withdrawn_at,omitempty"`
}

// InForce reports whether the consent counts: not withdrawn, and given to
// the current text.
func (c Consent) InForce() bool { return c.Withdrawn == nil && c.Version == CurrentConsent }
