package identity

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
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
	raw, err := consentFS.ReadFile("consent/" + version + "." + lang + ".txt")
	if err != nil {
		return Document{}, fmt.Errorf("consent %s: %w", version, ErrNotFound)
	}
	sum := sha256.Sum256(raw)
	title, rest, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	var body []string
	for _, p := range strings.Split(rest, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			body = append(body, p)
		}
	}
	return Document{Version: version, Lang: lang, Title: strings.TrimSpace(title), Body: body, Hash: hex.EncodeToString(sum[:])}, nil
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
