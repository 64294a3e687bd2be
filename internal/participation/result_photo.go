package participation

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Limits on result photos.
const (
	MaxPhotoBytes  = 8 << 20    // an upload
	maxPhotoPixels = 40_000_000 // width × height, checked before decoding
	maxPhotos      = 30         // per result
	maxCaption     = 300
)

// cleanImage checks an upload is a JPEG or PNG by its content (not its
// name or declared type), within the size limits, and re-encodes it with
// the standard library so no metadata (EXIF, GPS, comments) survives.
func cleanImage(data []byte) (out []byte, contentType string, w, h int, field string) {
	if len(data) == 0 {
		return nil, "", 0, 0, "participation.result.field.photo_empty"
	}
	if len(data) > MaxPhotoBytes {
		return nil, "", 0, 0, "participation.result.field.photo_large"
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return nil, "", 0, 0, "participation.result.field.photo_type"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != ct {
		return nil, "", 0, 0, "participation.result.field.photo_type"
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPhotoPixels {
		return nil, "", 0, 0, "participation.result.field.photo_large"
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", 0, 0, "participation.result.field.photo_type"
	}
	var buf bytes.Buffer
	if ct == "image/png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return nil, "", 0, 0, "participation.result.field.photo_type"
	}
	b := img.Bounds()
	return buf.Bytes(), ct, b.Dx(), b.Dy(), ""
}

// AddPhoto attaches a photo to a result: JPEG or PNG, recognised by its
// content, re-encoded to drop its metadata.
func (s *Service) AddPhoto(ctx context.Context, resultID string, data []byte, caption string) (Photo, error) {
	r, err := s.officialResult(ctx, resultID)
	if err != nil {
		return Photo{}, err
	}
	bad := map[string]string{}
	caption = strings.TrimSpace(caption)
	checkText(bad, "caption", caption, maxCaption, false)
	if len(r.Photos) >= maxPhotos {
		bad["photo"] = "participation.result.field.too_many"
	}
	clean, ct, w, h, why := cleanImage(data)
	if why != "" {
		bad["photo"] = why
	}
	if len(bad) > 0 {
		return Photo{}, invalid("photo-invalid", bad)
	}
	p := Photo{ID: db.NewID(), ResultID: r.ID, ContentType: ct, Width: w, Height: h, Caption: caption, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.createPhoto(ctx, p, clean); err != nil {
			return err
		}
		if err := s.st.touchResult(ctx, r.ID, db.Millis(p.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "participation.result.photo.add", ObjectType: "result", ObjectID: r.ID,
			TenantID: r.TenantID, Detail: map[string]any{"photo_id": p.ID, "bytes": len(clean), "content_type": ct}},
			"participation.result.updated", map[string]string{"id": r.ID, "status": string(r.Status), "tenant_id": r.TenantID})
	})
	return p, wrap("add photo", err)
}

// Photo reads a result photo and its bytes; anyone may.
func (s *Service) Photo(ctx context.Context, id string) (Photo, []byte, error) {
	return s.st.photo(ctx, id)
}
