package appeals

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// jpegOriented is a w×h JPEG, red at its top-left corner, whose EXIF
// says to show it turned by orientation o.
func jpegOriented(t *testing.T, w, h, o int, order binary.AppendByteOrder) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{0, 0, 255, 255})
		}
	}
	for y := range 8 {
		for x := range 8 {
			img.Set(x, y, color.RGBA{255, 0, 0, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("MM")
	if order == binary.AppendByteOrder(binary.LittleEndian) {
		tiff = []byte("II")
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8)
	tiff = order.AppendUint16(tiff, 2) // two entries: something else, then the orientation
	tiff = order.AppendUint16(tiff, 0x010F)
	tiff = order.AppendUint16(tiff, 2)
	tiff = order.AppendUint32(tiff, 4)
	tiff = append(tiff, "Cam\x00"...)
	tiff = order.AppendUint16(tiff, 0x0112)
	tiff = order.AppendUint16(tiff, 3)
	tiff = order.AppendUint32(tiff, 1)
	tiff = order.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

func TestCleanUploadTurnsJPEGUpright(t *testing.T) {
	// Where the red corner (top-left as stored) ends up, per orientation.
	for _, tc := range []struct {
		o     int
		order binary.AppendByteOrder
		w, h  int
		red   image.Point
	}{
		{1, binary.BigEndian, 64, 48, image.Pt(0, 0)},
		{3, binary.LittleEndian, 64, 48, image.Pt(63, 47)},
		{6, binary.BigEndian, 48, 64, image.Pt(47, 0)},
		{8, binary.LittleEndian, 48, 64, image.Pt(0, 63)},
		{2, binary.BigEndian, 64, 48, image.Pt(63, 0)},
		{5, binary.BigEndian, 48, 64, image.Pt(0, 0)},
	} {
		data := jpegOriented(t, 64, 48, tc.o, tc.order)
		if got := jpegOrientation(data); got != tc.o {
			t.Fatalf("orientation %d read as %d", tc.o, got)
		}
		p, key := cleanUpload(data, DefaultPhotoMaxBytes)
		if key != "" {
			t.Fatal(key)
		}
		img, err := jpeg.Decode(bytes.NewReader(p.data))
		if err != nil {
			t.Fatal(err)
		}
		if p.Width != tc.w || p.Height != tc.h || img.Bounds().Dx() != tc.w {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tc.o, p.Width, p.Height, tc.w, tc.h)
		}
		if r, _, b, _ := img.At(tc.red.X, tc.red.Y).RGBA(); r < 0xC000 || b > 0x4000 {
			t.Errorf("orientation %d: the red corner is not at %v", tc.o, tc.red)
		}
	}
	if jpegOrientation([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00}) != 1 || jpegOrientation(nil) != 1 {
		t.Error("a truncated file has an orientation")
	}
}

// BenchmarkOrient12MP turns a 12-megapixel phone photo (EXIF orientation
// 6): the cost a resident waits for when a sideways photo is uploaded.
// A benchmark, not a timed test, so a loaded machine cannot fail it.
func BenchmarkOrient12MP(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for b.Loop() {
		if out := orient(img, 6); out.Bounds().Dx() != 3000 {
			b.Fatal(out.Bounds())
		}
	}
}
