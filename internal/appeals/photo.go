package appeals

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/webp"
)

// Photo limits: how many an item may carry, the default largest file
// (Deps.PhotoMaxBytes overrides it) and the most pixels one may decode
// to, so a small file cannot expand into gigabytes of memory.
const (
	MaxPhotos            = 5
	DefaultPhotoMaxBytes = 5 << 20
	MaxPhotoPixels       = 40_000_000
)

// Photo media types accepted, told by the file's content, never its name.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
)

// PhotoUpload is one photo as a person sends it: the file's bytes
// (base64 in JSON).
type PhotoUpload struct {
	Data []byte `json:"data"`
}

// Photo describes a stored photo; its bytes are read with PhotoFile.
type Photo struct {
	N           int    `json:"n"` // 1-based position on the item
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int    `json:"size"`
	Public      bool   `json:"-"` // an issue report's: anyone may see it
}

// cleanPhoto is a photo ready to store: its description and the bytes the
// public will see.
type cleanPhoto struct {
	Photo
	data []byte
}

// precheckPhotos refuses, cheaply and before anything is decoded, too
// many files and files that are empty, too large or no photo by their
// first bytes; the message key is for the "photos" field.
func precheckPhotos(ups []PhotoUpload, max int64) string {
	if len(ups) > MaxPhotos {
		return "appeals.photo.too_many"
	}
	for _, up := range ups {
		switch {
		case len(up.Data) == 0:
			return "appeals.photo.empty"
		case int64(len(up.Data)) > max:
			return "appeals.photo.too_large"
		}
		if dec, _ := codec(http.DetectContentType(up.Data)); dec == nil {
			return "appeals.photo.type"
		}
	}
	return ""
}

// checkPhotos cleans each upload; the first refusal is the message key
// for the "photos" field.
func checkPhotos(ups []PhotoUpload, max int64) ([]cleanPhoto, string) {
	if len(ups) > MaxPhotos {
		return nil, "appeals.photo.too_many"
	}
	out := make([]cleanPhoto, 0, len(ups))
	for i, up := range ups {
		p, key := cleanUpload(up.Data, max)
		if key != "" {
			return nil, key
		}
		p.N = i + 1
		out = append(out, p)
	}
	return out, ""
}

// cleanUpload checks one file and removes its metadata: JPEG and PNG are
// decoded and encoded again (which keeps only pixels: no EXIF, GPS,
// camera or comments; a JPEG is first turned upright as its EXIF
// orientation says); WebP, which the standard library cannot encode,
// keeps its image chunks and loses every metadata chunk, and is decoded
// again to prove it is still whole.
func cleanUpload(data []byte, max int64) (cleanPhoto, string) {
	switch {
	case len(data) == 0:
		return cleanPhoto{}, "appeals.photo.empty"
	case int64(len(data)) > max:
		return cleanPhoto{}, "appeals.photo.too_large"
	}
	ct := http.DetectContentType(data)
	decode, decodeConfig := codec(ct)
	if decode == nil {
		return cleanPhoto{}, "appeals.photo.type"
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return cleanPhoto{}, "appeals.photo.broken"
	}
	if cfg.Width*cfg.Height > MaxPhotoPixels {
		return cleanPhoto{}, "appeals.photo.dimensions"
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return cleanPhoto{}, "appeals.photo.broken"
	}
	if ct == TypeJPEG {
		img = orient(img, jpegOrientation(data))
	}
	clean, err := reencode(ct, img, data)
	if err != nil {
		return cleanPhoto{}, "appeals.photo.broken"
	}
	b := img.Bounds()
	return cleanPhoto{Photo: Photo{ContentType: ct, Width: b.Dx(), Height: b.Dy(), Size: len(clean)}, data: clean}, ""
}

// codec is the decoder pair for a sniffed media type; nil for any other.
func codec(ct string) (func(r *bytes.Reader) (image.Image, error), func(r *bytes.Reader) (image.Config, error)) {
	switch ct {
	case TypeJPEG:
		return func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) },
			func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }
	case TypePNG:
		return func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) },
			func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }
	case TypeWebP:
		return func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) },
			func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) }
	}
	return nil, nil
}

// reencode writes img again in its own format, without metadata.
func reencode(ct string, img image.Image, orig []byte) ([]byte, error) {
	var buf bytes.Buffer
	switch ct {
	case TypeJPEG:
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
			return nil, err
		}
	case TypePNG:
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return nil, err
		}
	case TypeWebP:
		clean, err := stripWebP(orig)
		if err != nil {
			return nil, err
		}
		if _, err := webp.Decode(bytes.NewReader(clean)); err != nil {
			return nil, err
		}
		return clean, nil
	}
	return buf.Bytes(), nil
}

// webpKeep are the RIFF chunks a still WebP image needs; EXIF, XMP, ICCP
// and anything unknown are dropped.
var webpKeep = map[string]bool{"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true}

// VP8X flags that announce the chunks stripWebP drops.
const webpMetaFlags = 0x20 | 0x08 | 0x04 // ICC profile, EXIF, XMP

var errWebP = errors.New("appeals: malformed webp")

// stripWebP rewrites a WebP file with its image chunks only.
func stripWebP(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, errWebP
	}
	out := append([]byte(nil), b[:12]...)
	for rest := b[12:]; len(rest) > 0; {
		if len(rest) < 8 {
			return nil, errWebP
		}
		n := int64(binary.LittleEndian.Uint32(rest[4:8]))
		end := 8 + n + n%2 // chunks are padded to an even size
		if end > int64(len(rest)) {
			if 8+n != int64(len(rest)) { // a missing final pad byte is tolerated
				return nil, errWebP
			}
			end = 8 + n
		}
		fourCC := string(rest[:4])
		if webpKeep[fourCC] {
			chunk := append([]byte(nil), rest[:end]...)
			if fourCC == "VP8X" && len(chunk) > 8 {
				chunk[8] &^= webpMetaFlags
			}
			out = append(out, chunk...)
			if len(chunk)%2 == 1 {
				out = append(out, 0)
			}
		}
		rest = rest[end:]
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}
