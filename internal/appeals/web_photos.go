package appeals

import (
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
)

// photoFile serves one cleaned photo: publicly for an issue report, to
// those who may read it for a formal appeal.
func (h *handler) photoFile(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > MaxPhotos {
		return ErrNotFound
	}
	p, data, err := h.svc.PhotoFile(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", p.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Content-Disposition", "inline")
	// A stored photo never changes, but a formal appeal's must not stay
	// in the cache of a browser that others may use.
	hd.Set("Cache-Control", "private, no-store")
	if p.Public {
		hd.Set("Cache-Control", "private, max-age=3600")
	}
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(data)
	return err
}

// formPhotos reads the files of the form's "photos" input. A file past
// the limit is not read to its end: a little more than the limit is
// enough for validation to refuse it. An empty file input sends one part
// with no name and no bytes, which is no photo.
func formPhotos(r *http.Request, max int64) ([]PhotoUpload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []PhotoUpload
	for _, fh := range r.MultipartForm.File["photos"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if len(out) == MaxPhotos { // one more than allowed is all validation needs
			out = append(out, PhotoUpload{})
			break
		}
		data, err := readPart(fh, max)
		if err != nil {
			return nil, err
		}
		out = append(out, PhotoUpload{Data: data})
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return io.ReadAll(io.LimitReader(f, max+1))
}
