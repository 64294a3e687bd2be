package appeals

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// secret stands for what metadata gives away: where and with what a
// photo was taken.
const secret = "GPS 59.9386N 30.3141E Camera-Serial-123"

func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), 90, 255})
		}
	}
	return img
}

// jpegWithEXIF is a JPEG whose APP1 segment carries EXIF text.
func jpegWithEXIF(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), secret...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

// pngWithText is a PNG with a tEXt chunk before its image data.
func pngWithText(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(20, 10)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	data := append([]byte("Comment\x00"), secret...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	at := 8 + 25 // signature, IHDR
	return append(append(append([]byte{}, b[:at]...), chunk...), b[at:]...)
}

// webpLossless1x1 is a one-pixel lossless WebP image (VP8L chunk).
const webpVP8L = "VP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"

// webpWithEXIF is the extended format: VP8X announcing EXIF, the image,
// then an EXIF and an XMP chunk.
func webpWithEXIF() []byte {
	body := []byte("WEBP")
	body = append(body, "VP8X\x0a\x00\x00\x00"...)
	body = append(body, 0x10|0x08|0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	body = append(body, webpVP8L...)
	for _, c := range []string{"EXIF", "XMP "} {
		body = append(body, c...)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(secret)))
		body = append(body, secret...)
		if len(secret)%2 == 1 {
			body = append(body, 0)
		}
	}
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

func TestCleanUploadRemovesMetadata(t *testing.T) {
	for _, tc := range []struct {
		name, ct string
		data     []byte
		w, h     int
	}{
		{"jpeg", TypeJPEG, jpegWithEXIF(t, 32, 24), 32, 24},
		{"png", TypePNG, pngWithText(t), 20, 10},
		{"webp", TypeWebP, webpWithEXIF(), 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(tc.data, []byte(secret)) {
				t.Fatal("the sample carries no metadata")
			}
			p, key := cleanUpload(tc.data, DefaultPhotoMaxBytes)
			if key != "" {
				t.Fatalf("refused: %s", key)
			}
			if p.ContentType != tc.ct || p.Width != tc.w || p.Height != tc.h || p.Size != len(p.data) {
				t.Errorf("photo %+v", p.Photo)
			}
			if bytes.Contains(p.data, []byte(secret)) || bytes.Contains(p.data, []byte("Exif")) {
				t.Error("metadata survived")
			}
			img, _, err := image.Decode(bytes.NewReader(p.data))
			if err != nil || img.Bounds().Dx() != tc.w {
				t.Errorf("cleaned image does not decode: %v", err)
			}
		})
	}
	if cfg, err := webp.DecodeConfig(bytes.NewReader(must[[]byte](t)(stripWebP(webpWithEXIF())))); err != nil || cfg.Width != 1 {
		t.Errorf("stripped webp: %v %+v", err, cfg)
	}
}

func TestCleanUploadRefuses(t *testing.T) {
	good := jpegWithEXIF(t, 8, 8)
	huge := must[[]byte](t)(func() ([]byte, error) {
		var buf bytes.Buffer
		// A tiny file claiming 10,000 × 10,000 pixels: refused before decoding.
		err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10000, 10000)))
		return buf.Bytes(), err
	}())
	for _, tc := range []struct {
		name string
		data []byte
		max  int64
		key  string
	}{
		{"empty", nil, DefaultPhotoMaxBytes, "appeals.photo.empty"},
		{"over the limit", good, int64(len(good) - 1), "appeals.photo.too_large"},
		{"text named .jpg", []byte("not a photo at all, just some text"), DefaultPhotoMaxBytes, "appeals.photo.type"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), DefaultPhotoMaxBytes, "appeals.photo.type"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), DefaultPhotoMaxBytes, "appeals.photo.type"},
		{"truncated jpeg", good[:len(good)/2], DefaultPhotoMaxBytes, "appeals.photo.broken"},
		{"broken webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00abcd"), DefaultPhotoMaxBytes, "appeals.photo.broken"},
		{"decompression bomb", huge, DefaultPhotoMaxBytes, "appeals.photo.dimensions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, key := cleanUpload(tc.data, tc.max); key != tc.key {
				t.Errorf("key %q, want %q", key, tc.key)
			}
		})
	}
}

func TestSubmitWithPhotos(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(true)
		photo := jpegWithEXIF(t, 16, 12)
		in := SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID, Description: "Глубокая яма у остановки.",
			Point: &Point{Lat: 59.9, Lon: 30.3}, Photos: []PhotoUpload{{photo}, {pngWithText(t)}}}
		r := must[Appeal](t)(e.svc.Submit(resident("r1"), in))
		if len(r.Photos) != 2 || r.Photos[0].N != 1 || r.Photos[1].ContentType != TypePNG {
			t.Fatalf("photos %+v", r.Photos)
		}
		if got := must[Appeal](t)(e.svc.Appeal(resident("r1"), r.ID)); len(got.Photos) != 2 || got.Photos[0].Width != 16 {
			t.Errorf("read back %+v", got.Photos)
		}
		// A report's photos are public, cleaned.
		p, data, err := e.svc.PhotoFile(context.Background(), r.ID, 1)
		if err != nil || p.ContentType != TypeJPEG || bytes.Contains(data, []byte(secret)) || len(data) != p.Size {
			t.Errorf("public photo: %v %+v", err, p)
		}
		if _, _, err := e.svc.PhotoFile(context.Background(), r.ID, 3); !errors.Is(err, ErrNotFound) {
			t.Errorf("photo 3: %v", err)
		}
		// A formal appeal's photos: its author and the officials over it only.
		ap := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
			Description: "Во дворе дома 5 не вывозят мусор.", AuthorName: "Иван Петров", Photos: []PhotoUpload{{photo}}}))
		for name, ctx := range map[string]context.Context{"author": resident("r1"), "official": official("op-a", auth.RoleOperator, muniA, "")} {
			if _, _, err := e.svc.PhotoFile(ctx, ap.ID, 1); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		for name, ctx := range map[string]context.Context{"visitor": context.Background(), "another resident": resident("r2"),
			"another municipality's official": official("op-b", auth.RoleMunicipalAdmin, muniB, "")} {
			if _, _, err := e.svc.PhotoFile(ctx, ap.ID, 1); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestSubmitBadPhotosWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		good := PhotoUpload{jpegWithEXIF(t, 8, 8)}
		for _, tc := range []struct {
			name   string
			photos []PhotoUpload
			key    string
		}{
			{"six photos", []PhotoUpload{good, good, good, good, good, good}, "appeals.photo.too_many"},
			{"a good photo and a text file", []PhotoUpload{good, {[]byte(strings.Repeat("text ", 20))}}, "appeals.photo.type"},
			{"a good photo and a truncated one", []PhotoUpload{good, {good.Data[:len(good.Data)/2]}}, "appeals.photo.broken"},
			{"over 5 MB", []PhotoUpload{{append(append([]byte{}, good.Data...), make([]byte, DefaultPhotoMaxBytes)...)}}, "appeals.photo.too_large"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.counts()
				_, err := e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
					Description: "Глубокая яма у остановки.", Point: &Point{Lat: 59.9, Lon: 30.3}, Photos: tc.photos})
				fe, ok := fault.As(err)
				if !errors.Is(err, fault.ErrInvalid) || !ok || fe.Fields["photos"] != tc.key {
					t.Fatalf("err = %v, want photos %s", err, tc.key)
				}
				if after := e.counts(); !maps.Equal(before, after) {
					t.Errorf("bad photos wrote: %v -> %v", before, after)
				}
			})
		}
	})
}
