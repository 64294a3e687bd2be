package services

import (
	"bytes"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode"
)

// The file types a form accepts unless its field says otherwise.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// DefaultFileMaxBytes is the largest file a field accepts unless it says.
const DefaultFileMaxBytes = 5 << 20

// Upload is one file as the applicant sent it for a file field.
type Upload struct {
	Field string
	Name  string
	Data  []byte
}

// File is a stored file of an application.
type File struct {
	Field       string `json:"field"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	data        []byte
}

// accepts is the field's list of allowed content types.
func (f Field) accepts() []string {
	if len(f.Accept) > 0 {
		return f.Accept
	}
	return []string{TypePDF, TypeJPEG, TypePNG}
}

// maxBytes is the field's size limit.
func (f Field) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultFileMaxBytes
}

// checkUpload tells a file by its content, never by its name: it must be
// one of the field's types (a PDF whole from header to end marker) and no
// larger than its limit. It returns the stored file or a message key.
func checkUpload(f Field, u Upload) (File, string) {
	switch {
	case len(u.Data) == 0:
		return File{}, "services.file.empty"
	case int64(len(u.Data)) > f.maxBytes():
		return File{}, "services.file.too_large"
	}
	ct := http.DetectContentType(u.Data)
	if !slices.Contains(f.accepts(), ct) {
		return File{}, "services.file.type"
	}
	if ct == TypePDF && !wholePDF(u.Data) {
		return File{}, "services.file.broken"
	}
	return File{Field: f.Code, Name: fileName(u.Name, ct), ContentType: ct, Size: len(u.Data), data: u.Data}, ""
}

// wholePDF reports whether data looks like a complete PDF: the header
// and, near the end, the end-of-file marker.
func wholePDF(data []byte) bool {
	tail := data[max(0, len(data)-1024):]
	return bytes.HasPrefix(data, []byte("%PDF-")) && bytes.Contains(tail, []byte("%%EOF"))
}

// fileName keeps a safe base name of what the applicant called the file,
// with the extension of its real type.
func fileName(name, ct string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == ' ' {
			return r
		}
		return '_'
	}, base)
	if r := []rune(strings.TrimSpace(base)); len(r) > 80 {
		base = string(r[:80])
	}
	if strings.TrimSpace(base) == "" || base == "." {
		base = "document"
	}
	ext := map[string]string{TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png"}[ct]
	return base + ext
}
