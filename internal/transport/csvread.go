package transport

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// sniffSize is how much of a file is looked at to tell its encoding.
const sniffSize = 64 << 10

// table reads one GTFS file row by row: never the whole file in memory.
// It strips a UTF-8 byte order mark, reads a Windows-1251 file as such
// (with a notice), and reports structural problems as notices.
type table struct {
	file    string
	csv     *csv.Reader
	cols    map[string]int
	width   int
	row     int // CSV row number of the current record; the header is 1
	ns      *Notices
	checkUT bool // fields may hold invalid UTF-8 and are checked one by one
	failed  bool
}

// openTable reads the header of file from r. known lists the columns the
// importer understands; others get unknown_column. It returns nil when the
// file has no header (empty_file has then been noted).
func openTable(file string, r io.Reader, known []string, ns *Notices) *table {
	br := bufio.NewReaderSize(r, sniffSize)
	if bom, _ := br.Peek(3); len(bom) == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF {
		br.Discard(3)
	}
	var src io.Reader = br
	t := &table{file: file, ns: ns}
	head, _ := br.Peek(sniffSize)
	if !validPrefix(head) {
		if looksCP1251(head) {
			ns.Add(Notice{Code: CodeLegacyEncoding, File: file, Value: "windows-1251"})
			src = charmap.Windows1251.NewDecoder().Reader(br)
		} else {
			t.checkUT = true
		}
	} else if len(head) == sniffSize {
		t.checkUT = true // only the start was seen
	}
	t.csv = csv.NewReader(src)
	t.csv.FieldsPerRecord = -1
	t.csv.ReuseRecord = true
	header, err := t.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			ns.Add(Notice{Code: CodeEmptyFile, File: file})
		case errors.As(err, &pe):
			ns.Add(Notice{Code: CodeCSVParsingFailed, File: file, Row: 1, Value: err.Error()})
		default:
			ns.Add(Notice{Code: CodeIOError, File: file, Value: err.Error()})
		}
		return nil
	}
	t.row = 1
	t.width = len(header)
	t.cols = make(map[string]int, len(header))
	isKnown := make(map[string]bool, len(known))
	for _, k := range known {
		isKnown[k] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(t.clean(h, ""))
		if _, dup := t.cols[h]; dup {
			ns.Add(Notice{Code: CodeDuplicatedColumn, File: file, Row: 1, Field: h})
			continue
		}
		t.cols[h] = i
		if !isKnown[h] {
			ns.Add(Notice{Code: CodeUnknownColumn, File: file, Row: 1, Field: h})
		}
	}
	return t
}

// requireColumns notes every required column the header lacks and
// reports whether all are there.
func (t *table) requireColumns(cols ...string) bool {
	ok := true
	for _, c := range cols {
		if _, has := t.cols[c]; !has {
			t.ns.Add(Notice{Code: CodeMissingRequiredColumn, File: t.file, Row: 1, Field: c})
			ok = false
		}
	}
	return ok
}

// record is one data row of a table.
type record struct {
	t      *table
	fields []string
}

// next returns the next well-formed row; rows of the wrong length are
// noted and skipped, and a CSV syntax error ends the file.
func (t *table) next() (record, bool) {
	for !t.failed {
		fields, err := t.csv.Read()
		if errors.Is(err, io.EOF) {
			return record{}, false
		}
		t.row++
		if err != nil {
			code := CodeCSVParsingFailed
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				code = CodeIOError // the archive or the disk failed, not the text
			}
			t.ns.Add(Notice{Code: code, File: t.file, Row: t.row, Value: err.Error()})
			t.failed = true
			return record{}, false
		}
		if len(fields) != t.width {
			if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
				continue // a blank line of spaces
			}
			t.ns.Add(Notice{Code: CodeInvalidRowLength, File: t.file, Row: t.row, Value: strconv.Itoa(len(fields))})
			continue
		}
		return record{t: t, fields: fields}, true
	}
	return record{}, false
}

// get is the trimmed value of col, "" when the column is absent.
func (r record) get(col string) string {
	i, ok := r.t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.t.clean(r.fields[i], col))
}

// clean replaces invalid UTF-8 (which PostgreSQL would refuse) and notes it.
func (t *table) clean(s, col string) string {
	if !t.checkUT || utf8.ValidString(s) {
		return s
	}
	t.ns.Add(Notice{Code: CodeInvalidCharacters, File: t.file, Row: t.row, Field: col})
	return strings.ToValidUTF8(s, "\uFFFD")
}

// validPrefix reports whether b is valid UTF-8, allowing a rune cut at
// the end of the sniffed window.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// looksCP1251 reports whether text that is not UTF-8 reads as Russian in
// Windows-1251: most of its high bytes are Cyrillic letters (0xC0–0xFF,
// Ё 0xA8, ё 0xB8).
func looksCP1251(b []byte) bool {
	high, cyr := 0, 0
	for _, c := range b {
		if c < 0x80 {
			continue
		}
		high++
		if c >= 0xC0 || c == 0xA8 || c == 0xB8 {
			cyr++
		}
	}
	return high > 0 && cyr*10 >= high*8
}
