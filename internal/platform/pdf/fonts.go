package pdf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// Fonts holds the TrueType faces read from disk, shared by every document
// built with them (documents copy nothing; fpdf subsets on output).
type Fonts struct {
	regular, bold []byte
}

// LoadFonts reads the regular and bold faces from dir; an empty dir means
// DefaultFontDir. The error names the missing file and the package that
// provides it, so an operator knows what to install.
func LoadFonts(dir string) (*Fonts, error) {
	if dir == "" {
		dir = DefaultFontDir
	}
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%w: %s in %s (install fonts-dejavu-core or set MUNI_FONT_DIR): %v", ErrNoFonts, name, dir, err)
		}
		return b, nil
	}
	reg, err := read(RegularFile)
	if err != nil {
		return nil, err
	}
	bold, err := read(BoldFile)
	if err != nil {
		return nil, err
	}
	return &Fonts{regular: reg, bold: bold}, nil
}
