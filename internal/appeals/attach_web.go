package appeals

import (
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/web"
)

// answerFiles reads the "files" input of an answering step's form; other
// steps carry none. The cleanup removes what the parser spilled to disk.
func (h *handler) answerFiles(r *http.Request, act Action) ([]AttachmentUpload, func(), error) {
	cleanup, err := web.ParseForm(r)
	if err != nil || !slices.Contains(attachSteps, act) || r.MultipartForm == nil {
		return nil, cleanup, err
	}
	var out []AttachmentUpload
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // an empty file input
		}
		if len(out) == MaxAttachments { // one more than allowed is all validation needs
			out = append(out, AttachmentUpload{Name: fh.Filename})
			break
		}
		data, err := readPart(fh, h.svc.photoMax)
		if err != nil {
			return nil, cleanup, err
		}
		out = append(out, AttachmentUpload{Name: fh.Filename, Data: data})
	}
	return out, cleanup, nil
}

// attachmentFile serves one attachment as a download, never cached.
func (h *handler) attachmentFile(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return ErrNotFound
	}
	a, data, err := h.svc.AttachmentFile(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(data)
	return err
}

// Attachable reports whether the form of step act takes files.
func (p showPage) Attachable(act string) bool { return slices.Contains(attachSteps, Action(act)) }

// attachmentList fills the item's attachments for its page.
func (h *handler) attachmentList(ctx context.Context, p *showPage) error {
	var err error
	p.Attachments, err = h.svc.Attachments(ctx, p.Appeal.ID)
	return err
}
