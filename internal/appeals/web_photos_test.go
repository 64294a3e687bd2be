package appeals

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
)

// upload is a file of the form's photos input.
type upload struct {
	name string
	data []byte
}

// multipartForm is the submission form with files, as a browser sends it.
func multipartForm(t *testing.T, fields map[string]string, files []upload) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("photos", f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// noisePNG is a PNG that does not compress: size bytes, give or take.
func noisePNG(t *testing.T, side int) []byte {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = uint8(rnd.UintN(256))
	}
	img.Set(0, 0, color.NRGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWebPhotos(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp) // where multipart parsing spills large files
		pot := e.pothole(true)
		// A small photo limit, so that a body past the route's limit is
		// quick to build; the route's limit follows it.
		e.svc = New(Deps{DB: e.d, Audit: audit.New(e.d), Outbox: events.NewOutbox(e.d), Places: newPlaces(),
			PhotoMaxBytes: 1600 << 10, Now: func() time.Time { return e.now }})
		h := testServer(t, e.svc, map[string]*auth.Actor{"r1": auth.From(resident("r1")), "r2": auth.From(resident("r2"))})
		fields := map[string]string{"topic": "report:" + pot.ID, "description": "Глубокая яма у остановки «Школа».",
			"lat": "59.93", "lon": "30.31", "address": "ул. Ленина, 1"}
		jpg, big := jpegWithEXIF(t, 40, 30), noisePNG(t, 600)
		if len(big) < 1<<20 {
			t.Fatalf("the large photo has %d bytes: it would not spill to disk", len(big))
		}
		send := func(files []upload) *httptest.ResponseRecorder {
			t.Helper()
			body, ct := multipartForm(t, fields, files)
			req := httptest.NewRequest("POST", "/m/a/appeals", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("X-Test-Actor", "r1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("temporary files left on disk: %v", left)
			}
			return rec
		}

		for _, tc := range []struct {
			name   string
			files  []upload
			status int
			want   string
		}{
			{"a text file named .jpg", []upload{{"photo.jpg", []byte(strings.Repeat("plain text ", 30))}}, 400, "Принимаются только фотографии JPEG, PNG и WebP."},
			{"six photos", []upload{{"1.jpg", jpg}, {"2.jpg", jpg}, {"3.jpg", jpg}, {"4.jpg", jpg}, {"5.jpg", jpg}, {"6.jpg", jpg}}, 400, "Приложите не больше 5 фотографий."},
			{"a photo over the limit, after a good one", []upload{{"1.jpg", jpg}, {"big.png", append(big, make([]byte, 1600<<10)...)}}, 400, "Фотография больше допустимого размера."},
			{"a body over the route's limit", []upload{{"1.png", big}, {"huge.png", make([]byte, 12<<20)}}, 413, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.counts()
				rec := send(tc.files)
				if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
					t.Fatalf("status %d, want %d with %q: %.600s", rec.Code, tc.status, tc.want, rec.Body.String())
				}
				if tc.status == 400 && !strings.Contains(rec.Body.String(), `id="photos-error"`) {
					t.Error("the message is not at the photos field")
				}
				if after := e.counts(); !maps.Equal(before, after) {
					t.Errorf("bad photos wrote: %v -> %v", before, after)
				}
			})
		}

		// Two good photos, one of them large enough to wait on disk.
		rec := send([]upload{{"pothole.jpg", jpg}, {"wide.png", big}})
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/appeals/") {
			t.Fatalf("status %d, location %q: %.600s", rec.Code, loc, rec.Body.String())
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/appeals/"), "?sent=1")
		get := func(path, actor string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("X-Test-Actor", actor)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		if page := get("/appeals/"+id, "r1"); !strings.Contains(page.Body.String(), `src="/appeals/`+id+`/photos/2"`) {
			t.Errorf("the item's page does not show its photos: %.400s", page.Body.String())
		}
		// A report's photos are public and cleaned of their metadata.
		photo := get("/appeals/"+id+"/photos/1", "")
		if photo.Code != 200 || photo.Header().Get("Content-Type") != TypeJPEG || bytes.Contains(photo.Body.Bytes(), []byte(secret)) {
			t.Errorf("public photo: %d %q", photo.Code, photo.Header().Get("Content-Type"))
		}
		if _, _, err := image.Decode(photo.Body); err != nil {
			t.Errorf("served photo does not decode: %v", err)
		}
		for _, p := range []string{"/photos/3", "/photos/x", "/photos/0"} {
			if rec := get("/appeals/"+id+p, ""); rec.Code != 404 {
				t.Errorf("%s: %d", p, rec.Code)
			}
		}
		// A formal appeal's photo is not public.
		ap := must[Appeal](t)(e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
			Description: "Во дворе дома 5 не вывозят мусор.", AuthorName: "Иван Петров", Photos: []PhotoUpload{{jpg}}}))
		for actor, want := range map[string]int{"": 404, "r2": 404, "r1": 200} {
			if rec := get("/appeals/"+ap.ID+"/photos/1", actor); rec.Code != want {
				t.Errorf("appeal photo to %q: %d, want %d", actor, rec.Code, want)
			}
		}
		if cc := get("/appeals/"+ap.ID+"/photos/1", "r1").Header().Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("an appeal's photo may be cached: %q", cc)
		}
	})
}

func TestAPIPhotos(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(true)
		h := testServer(t, e.svc, map[string]*auth.Actor{"r1": auth.From(resident("r1"))})
		post := func(photos ...string) *httptest.ResponseRecorder {
			body := `{"regime":"report","category_id":"` + pot.ID + `","description":"Глубокая яма у остановки.","address":"ул. Ленина, 1","photos":[` +
				strings.Join(photos, ",") + `]}`
			req := httptest.NewRequest("POST", "/api/v1/municipalities/a/appeals", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Test-Actor", "r1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		b64 := func(b []byte) string { return `{"data":"` + base64.StdEncoding.EncodeToString(b) + `"}` }
		// Past the 64 KB every other route of the test server takes.
		jpg := jpegWithEXIF(t, 40, 30)
		for _, tc := range []struct {
			name   string
			photos []string
			status int
			field  string
		}{
			{"not base64", []string{`{"data":"%%%"}`}, 400, ""},
			{"not an image", []string{b64([]byte(strings.Repeat("text ", 40)))}, 400, "appeals.photo.type"},
			{"six photos", []string{b64(jpg), b64(jpg), b64(jpg), b64(jpg), b64(jpg), b64(jpg)}, 400, "appeals.photo.too_many"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.counts()
				rec := post(tc.photos...)
				var p struct {
					Errors map[string]string `json:"errors"`
				}
				_ = json.Unmarshal(rec.Body.Bytes(), &p)
				if rec.Code != tc.status || (tc.field != "" && p.Errors["photos"] == "") {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				if after := e.counts(); !maps.Equal(before, after) {
					t.Errorf("wrote: %v -> %v", before, after)
				}
			})
		}
		rec := post(b64(jpg), b64(webpWithEXIF()), b64(noisePNG(t, 600)))
		var a Appeal
		if err := json.Unmarshal(rec.Body.Bytes(), &a); rec.Code != 201 || err != nil {
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
		if len(a.Photos) != 3 || a.Photos[1].ContentType != TypeWebP || a.Photos[2].Width != 600 {
			t.Errorf("photos %+v", a.Photos)
		}
	})
}
