package pdf

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// family is the name fpdf knows the loaded faces by.
const family = "muni"

// Layout in millimetres on A4 portrait.
const (
	margin    = 20.0
	lineH     = 5.5
	bodySize  = 11.0
	titleSize = 16.0
	keyShare  = 0.38 // share of the text width taken by a table's key column
)

// Row is one line of a key/value table.
type Row struct {
	Key, Value string
}

// block is one piece of the document body, drawn in order.
type block struct {
	kind int // blockHeading, blockParagraph, blockTable
	text string
	rows []Row
}

const (
	blockHeading = iota
	blockParagraph
	blockTable
)

// Document is a document being composed. Its methods append content; Bytes
// renders it. A Document is not safe for concurrent use.
type Document struct {
	fonts    *Fonts
	title    string
	subtitle string
	author   string
	blocks   []block
	number   string
	date     time.Time
	label    string
}

// New starts an empty document set in the given fonts.
func New(fonts *Fonts) *Document {
	return &Document{fonts: fonts}
}

// Title sets the document's title (drawn large at the top and stored in the
// PDF metadata) and an optional subtitle drawn under it.
func (d *Document) Title(title, subtitle string) *Document {
	d.title, d.subtitle = title, subtitle
	return d
}

// Author sets the issuing body, stored in the PDF metadata.
func (d *Document) Author(author string) *Document {
	d.author = author
	return d
}

// Heading appends a bold section heading.
func (d *Document) Heading(text string) *Document {
	d.blocks = append(d.blocks, block{kind: blockHeading, text: text})
	return d
}

// Paragraph appends a paragraph of wrapped text.
func (d *Document) Paragraph(text string) *Document {
	d.blocks = append(d.blocks, block{kind: blockParagraph, text: text})
	return d
}

// Table appends a two-column key/value table; long values wrap.
func (d *Document) Table(rows ...Row) *Document {
	d.blocks = append(d.blocks, block{kind: blockTable, rows: rows})
	return d
}

// Footer sets what every page's footer shows: a label such as "Документ",
// the document's number and its date (dd.mm.yyyy), with "page/pages" on the
// right.
func (d *Document) Footer(label, number string, date time.Time) *Document {
	d.label, d.number, d.date = label, number, date
	return d
}

// Bytes renders the document. The creation date in the metadata is the
// footer date, so the same document renders to the same bytes.
func (d *Document) Bytes() ([]byte, error) {
	if d.fonts == nil {
		return nil, ErrNoFonts
	}
	faces, err := d.fonts.faces()
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+5)
	f.AddUTF8FontFromBytes(family, "", faces[0])
	f.AddUTF8FontFromBytes(family, "B", faces[1])
	f.SetTitle(d.title, true)
	f.SetAuthor(d.author, true)
	f.SetCreator("muni", true)
	f.SetCatalogSort(true) // resources in a fixed order: the same document, the same bytes
	if !d.date.IsZero() {
		f.SetCreationDate(d.date)
		f.SetModificationDate(d.date)
	}
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() { d.drawFooter(f) })
	f.AddPage()
	d.drawTitle(f)
	for _, b := range d.blocks {
		switch b.kind {
		case blockHeading:
			f.Ln(2)
			f.SetFont(family, "B", bodySize+1)
			f.MultiCell(0, lineH+1, b.text, "", "L", false)
			f.Ln(1)
		case blockParagraph:
			f.SetFont(family, "", bodySize)
			f.MultiCell(0, lineH, b.text, "", "J", false)
			f.Ln(2)
		case blockTable:
			drawTable(f, b.rows)
			f.Ln(2)
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: render: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *Document) drawTitle(f *fpdf.Fpdf) {
	if d.title == "" {
		return
	}
	f.SetFont(family, "B", titleSize)
	f.MultiCell(0, 8, d.title, "", "C", false)
	if d.subtitle != "" {
		f.SetFont(family, "", bodySize)
		f.SetTextColor(80, 80, 80)
		f.MultiCell(0, lineH, d.subtitle, "", "C", false)
		f.SetTextColor(0, 0, 0)
	}
	f.Ln(4)
}

func (d *Document) drawFooter(f *fpdf.Fpdf) {
	w, h := f.GetPageSize()
	f.SetY(h - margin)
	f.SetDrawColor(160, 160, 160)
	f.Line(margin, f.GetY(), w-margin, f.GetY())
	f.SetFont(family, "", 8)
	f.SetTextColor(80, 80, 80)
	left := d.label
	if d.number != "" {
		left += " № " + d.number
	}
	if !d.date.IsZero() {
		left += " · " + d.date.Format("02.01.2006")
	}
	text := (w - 2*margin) / 2
	f.CellFormat(text, 6, left, "", 0, "L", false, 0, "")
	f.CellFormat(text, 6, fmt.Sprintf("%d/{nb}", f.PageNo()), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// drawTable draws rows as bordered two-column cells whose height is that of
// the taller wrapped column; a row never splits across pages.
func drawTable(f *fpdf.Fpdf, rows []Row) {
	w, h := f.GetPageSize()
	width := w - 2*margin
	keyW := width * keyShare
	valW := width - keyW
	const pad = 1.5
	f.SetDrawColor(180, 180, 180)
	for _, r := range rows {
		f.SetFont(family, "B", bodySize-1)
		keyLines := f.SplitText(r.Key, keyW-2*pad)
		f.SetFont(family, "", bodySize-1)
		valLines := f.SplitText(r.Value, valW-2*pad)
		n := max(len(keyLines), len(valLines), 1)
		rowH := float64(n)*lineH + 2*pad
		if f.GetY()+rowH > h-margin-5 {
			f.AddPage()
		}
		x, y := f.GetX(), f.GetY()
		f.SetFillColor(242, 242, 242)
		f.Rect(x, y, keyW, rowH, "FD")
		f.Rect(x+keyW, y, valW, rowH, "D")
		f.SetFont(family, "B", bodySize-1)
		for i, l := range keyLines {
			f.SetXY(x+pad, y+pad+float64(i)*lineH)
			f.CellFormat(keyW-2*pad, lineH, l, "", 0, "L", false, 0, "")
		}
		f.SetFont(family, "", bodySize-1)
		for i, l := range valLines {
			f.SetXY(x+keyW+pad, y+pad+float64(i)*lineH)
			f.CellFormat(valW-2*pad, lineH, l, "", 0, "L", false, 0, "")
		}
		f.SetXY(x, y+rowH)
	}
}
