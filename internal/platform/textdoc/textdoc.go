// Package textdoc reads the plain-text documents domains embed, such as
// the versioned consent texts a person agrees to: the first line is the
// title, blank lines part the paragraphs, and the SHA-256 of the file is
// kept with what the person agreed to.
package textdoc

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
)

// Doc is a parsed document.
type Doc struct {
	Title string
	Body  []string // paragraphs
	Hash  string   // hex SHA-256 of the file as stored
}

// Parse splits raw into its title and paragraphs and hashes it.
func Parse(raw []byte) Doc {
	sum := sha256.Sum256(raw)
	title, rest, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	var body []string
	for _, p := range strings.Split(rest, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			body = append(body, p)
		}
	}
	return Doc{Title: strings.TrimSpace(title), Body: body, Hash: hex.EncodeToString(sum[:])}
}

// Read parses the file name of fsys.
func Read(fsys fs.FS, name string) (Doc, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Doc{}, err
	}
	return Parse(raw), nil
}
