package appeals

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// MaxAttachments is how many files one answer may carry.
const MaxAttachments = 5

// TypePDF is the one document type an answer may carry besides JPEG and PNG.
const TypePDF = "application/pdf"

// AttachmentUpload is one file as an official sent it with an answer.
type AttachmentUpload struct {
	Name string
	Data []byte
}

// Attachment describes a file attached to an answer.
type Attachment struct {
	N           int       `json:"n"` // 1-based, served at /appeals/{id}/attachments/{n}
	Step        int       `json:"step"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	At          time.Time `json:"at"`
}

type cleanAttachment struct {
	Attachment
	data []byte
}

// attachSteps are the answering steps that may carry files.
var attachSteps = []Action{ActAnswer, ActFix, ActCloseNotFixed}

// checkAttachments tells each file by its content: a PDF must look like
// one from its header to its end marker and is kept as sent; JPEG and PNG
// go through the photos' cleaning (decoded, encoded again, metadata gone).
// Anything else — WebP included — is refused, whatever its name says.
func checkAttachments(ups []AttachmentUpload, max int64) ([]cleanAttachment, string) {
	if len(ups) > MaxAttachments {
		return nil, "appeals.attachment.count"
	}
	out := make([]cleanAttachment, 0, len(ups))
	for i, u := range ups {
		var c cleanAttachment
		switch ct := http.DetectContentType(u.Data); {
		case len(u.Data) == 0:
			return nil, "appeals.attachment.empty"
		case int64(len(u.Data)) > max:
			return nil, "appeals.attachment.too_large"
		case ct == TypePDF:
			if !wholePDF(u.Data) {
				return nil, "appeals.attachment.broken"
			}
			c = cleanAttachment{Attachment: Attachment{ContentType: TypePDF, Size: len(u.Data)}, data: u.Data}
		case ct == TypeJPEG || ct == TypePNG:
			p, bad := cleanUpload(u.Data, max)
			if bad != "" {
				return nil, strings.Replace(bad, "appeals.photo.", "appeals.attachment.", 1)
			}
			c = cleanAttachment{Attachment: Attachment{ContentType: p.ContentType, Size: p.Size}, data: p.data}
		default:
			return nil, "appeals.attachment.type"
		}
		c.N, c.Name = i+1, attachmentName(u.Name, c.ContentType, i+1)
		out = append(out, c)
	}
	return out, ""
}

// wholePDF checks a PDF's header and that its end marker is near its end:
// a cut-off upload is refused rather than stored.
func wholePDF(b []byte) bool {
	tail := b[max(0, len(b)-1024):]
	return bytes.HasPrefix(b, []byte("%PDF-")) && bytes.Contains(tail, []byte("%%EOF"))
}

var extensions = map[string]string{TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png"}

// attachmentName keeps the base of the name a file was sent under, in
// printable characters, at most 100, with the extension its content
// proved; a name with nothing left becomes "attachment-N".
func attachmentName(name, ct string, n int) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"/\<>:|?*`, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" || name == "." || name == ".." {
		name = "attachment-" + string(rune('0'+n))
	}
	return name + extensions[ct]
}

// Attached runs step — an answering step of item id (Answer, Fix,
// CloseNotFixed) — and stores files with the history step it adds, in
// one transaction: the answer and its files are there together or not at
// all. Bad files refuse the step before it runs.
func (s *Service) Attached(ctx context.Context, id string, files []AttachmentUpload, step func(ctx context.Context) (Appeal, error)) (Appeal, error) {
	if len(files) == 0 {
		return step(ctx)
	}
	clean, bad := checkAttachments(files, s.photoMax)
	if bad != "" {
		return Appeal{}, invalid("attachments-invalid", map[string]string{"files": bad})
	}
	var out Appeal
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		a, err := step(ctx)
		if err != nil {
			return err
		}
		last := a.History[len(a.History)-1]
		if !isAttachStep(last.Action) {
			return invalid("attachments-invalid", map[string]string{"files": "appeals.attachment.step"})
		}
		var have int
		if err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals_attachments WHERE appeal_id = $1`, a.ID).Scan(&have); err != nil {
			return err
		}
		now := db.Millis(s.now())
		for _, c := range clean {
			if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_attachments (appeal_id, n, step_seq, name, content_type,
				size, data, author_id, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				a.ID, have+c.N, last.Seq, c.Name, c.ContentType, c.Size, c.data, auth.From(ctx).ID, now); err != nil {
				return err
			}
		}
		out = a
		return s.log.Record(ctx, audit.Entry{Action: "appeals.appeal.attach", ObjectType: "appeal", ObjectID: a.ID, TenantID: a.TenantID,
			Detail: map[string]any{"step": last.Seq, "files": len(clean)}})
	})
	return out, wrap("attach", err)
}

func isAttachStep(act Action) bool {
	for _, a := range attachSteps {
		if a == act {
			return true
		}
	}
	return false
}

// Attachments lists an item's attachments to its author and the
// officials over it.
func (s *Service) Attachments(ctx context.Context, id string) ([]Attachment, error) {
	if _, err := s.readable(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT n, step_seq, name, content_type, size, at_ms FROM appeals_attachments
		WHERE appeal_id = $1 ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		var a Attachment
		var at int64
		if err := rows.Scan(&a.N, &a.Step, &a.Name, &a.ContentType, &a.Size, &at); err != nil {
			return nil, err
		}
		a.At = db.Time(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentFile returns attachment n of an item with its bytes, to its
// author and the officials over it; to anyone else it does not exist.
func (s *Service) AttachmentFile(ctx context.Context, id string, n int) (Attachment, []byte, error) {
	if _, err := s.readable(ctx, id); err != nil {
		return Attachment{}, nil, err
	}
	a := Attachment{N: n}
	var data []byte
	var at int64
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT step_seq, name, content_type, size, at_ms, data FROM appeals_attachments
		WHERE appeal_id = $1 AND n = $2`, id, n).Scan(&a.Step, &a.Name, &a.ContentType, &a.Size, &at, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	a.At = db.Time(at)
	return a, data, err
}

// readable reads an item the actor may read (author or official over it).
func (s *Service) readable(ctx context.Context, id string) (Appeal, error) {
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return a, err
	}
	if !canRead(auth.From(ctx), a) {
		return a, ErrNotFound
	}
	return a, nil
}

// KB is the file's size in kilobytes, rounded up, for people.
func (a Attachment) KB() int { return (a.Size + 1023) / 1024 }
