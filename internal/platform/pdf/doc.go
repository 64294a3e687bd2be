// Package pdf builds simple official documents (a title, paragraphs, a
// key/value table and a numbered, dated footer) as PDF with embedded
// Cyrillic fonts. Fonts are read once from a directory of TrueType files
// (MUNI_FONT_DIR, by default Debian's fonts-dejavu-core directory) and never
// shipped with the code.
package pdf
