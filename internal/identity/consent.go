package identity

import (
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/textdoc"
)

// CurrentConsent is the version of the personal-data consent new
// accounts accept. A new text gets a new version and a new file pair;
// old versions stay so that what each person agreed to can be shown.
const CurrentConsent = "v1"

//go:embed consent/*.txt
var consentFS embed.FS

// Document is one version of the consent text in one language.
type Document struct {
	Version string
	Lang    string
	Title   string
	Body    []string // paragraphs
	Hash    string   // SHA-256 of the file, recorded with each consent
}

// ConsentDocument returns the consent text of version in lang.
func ConsentDocument(version, lang string) (Document, error) {
	if lang != "en" {
		lang = "ru"
	}
	if strings.ContainsAny(version, "/.\\") || version == "" {
		return Document{}, ErrNotFound
	}
	d, err := textdoc.Read(consentFS, "consent/"+version+"."+lang+".txt")
	if err != nil {
		return Document{}, fmt.Errorf("consent %s: %w", version, ErrNotFound)
	}
	return Document{Version: version, Lang: lang, Title: d.Title, Body: d.Body, Hash: d.Hash}, nil
}

// Consent is one recorded consent: given at Accepted, withdrawn at
// Withdrawn (zero while in force).
type Consent struct {
	ID        string     `json:"id"`
	Version   string     `json:"version"`
	Lang      string     `json:"lang"`
	TextHash  string     `json:"text_sha256"`
	Accepted  time.Time  `json:"accepted_at"`
	IP        string     `json:"accepted_ip"`
	Withdrawn *time.Time `json:"withdrawn_at,omitempty"`
}

// Active reports whether the consent is in force.
func (c Consent) Active() bool { return c.Withdrawn == nil }
