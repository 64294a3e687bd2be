package pdf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// DefaultFontDir is where Debian's fonts-dejavu-core installs DejaVu Sans.
const DefaultFontDir = "/usr/share/fonts/truetype/dejavu"

// Font file names looked up in the font directory: the regular and the bold
// face of one family with Cyrillic glyphs.
const (
	RegularFile = "DejaVuSans.ttf"
	BoldFile    = "DejaVuSans-Bold.ttf"
)

// ErrNoFonts is returned when the font directory lacks the needed faces.
var ErrNoFonts = errors.New("pdf: fonts not found")

// Fonts holds the TrueType faces of a directory, shared by every document
// built with them (documents copy nothing; fpdf subsets on output). The
// faces (about 1.4 MB) are read when the first document is rendered, not
// when the server starts: most processes never make a PDF.
type Fonts struct {
	faces func() ([2][]byte, error)
}

// LoadFonts checks that dir (empty means DefaultFontDir) holds the regular
// and the bold face and returns them, to be read on first use. The error
// names the missing file and the package that provides it, so an operator
// knows what to install.
func LoadFonts(dir string) (*Fonts, error) {
	if dir == "" {
		dir = DefaultFontDir
	}
	missing := func(name string, err error) error {
		return fmt.Errorf("%w: %s in %s (install fonts-dejavu-core or set MUNI_FONT_DIR): %v", ErrNoFonts, name, dir, err)
	}
	for _, name := range []string{RegularFile, BoldFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return nil, missing(name, err)
		}
	}
	return &Fonts{faces: sync.OnceValues(func() ([2][]byte, error) {
		var faces [2][]byte
		for i, name := range []string{RegularFile, BoldFile} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return faces, missing(name, err)
			}
			faces[i] = b
		}
		return faces, nil
	})}, nil
}
