package appeals

import (
	"bytes"
	"context"
	"image/jpeg"
	"net/http/httptest"
	"strings"
	"testing"
)

// Public reports carry their first photo (and a thumbnail) into the list,
// the map's data and Open311's media_url; formal appeals and items held
// by moderation never do.
func TestPublicPhotos(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(true)
		photo := []PhotoUpload{{Data: jpegWithEXIF(t, 800, 600)}}
		rep := must[Appeal](t)(e.svc.Submit(resident("u1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: cat.ID,
			Description: "Яма у остановки", Point: &Point{Lat: 59.93, Lon: 30.31}, Photos: photo}))
		plain := e.report(resident("u2"), cat)
		held := must[Appeal](t)(e.svc.Submit(resident("u3"), SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: cat.ID,
			Description: "Мудаки, засыпьте яму", Point: &Point{Lat: 59.93, Lon: 30.31}, Photos: photo}))
		formal := must[Appeal](t)(e.svc.Submit(resident("u4"), SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
			Description: "Жалоба на состояние дороги у дома 5", AuthorName: "Иван Петров", Photos: photo}))
		items := must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, PublicFilter{Limit: 10}))
		byID := map[string]PublicReport{}
		for _, it := range items {
			byID[it.ID] = it
		}
		if got := byID[rep.ID]; got.Photo != "/appeals/"+rep.ID+"/photos/1" || got.Thumb != got.Photo+"/thumb" {
			t.Errorf("report with a photo: %+v", got)
		}
		if got := byID[plain.ID]; got.Photo != "" || got.Thumb != "" {
			t.Errorf("report without a photo: %+v", got)
		}
		if _, ok := byID[held.ID]; ok {
			t.Error("a held report is listed")
		}
		p, data := must2(t)(e.svc.PhotoThumb(context.Background(), rep.ID, 1))
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil || p.ContentType != "image/jpeg" || img.Bounds().Dx() != ThumbSide || img.Bounds().Dy() != 240 || !p.Public {
			t.Fatalf("thumbnail %+v %v %v", p, img.Bounds(), err)
		}
		if bytes.Contains(data, []byte("Exif")) {
			t.Error("the thumbnail carries EXIF")
		}
		for _, id := range []string{held.ID, formal.ID} {
			if _, _, err := e.svc.PhotoThumb(context.Background(), id, 1); err == nil {
				t.Errorf("anyone gets the thumbnail of %s", id)
			}
		}
		if _, _, err := e.svc.PhotoThumb(resident("u4"), formal.ID, 1); err != nil {
			t.Errorf("the author cannot see their own photo's thumbnail: %v", err)
		}

		h := testServer(t, e.svc, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://muni.example/open311/v2/requests.json?jurisdiction_id=a", nil))
		body := rec.Body.String()
		if !strings.Contains(body, `"media_url":"http://muni.example/appeals/`+rep.ID+`/photos/1"`) || strings.Contains(body, held.ID) {
			t.Errorf("Open311: %.600s", body)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/a/reports", nil))
		if !strings.Contains(rec.Body.String(), `src="/appeals/`+rep.ID+`/photos/1/thumb"`) {
			t.Errorf("the public list lacks the thumbnail")
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/appeals/"+rep.ID+"/photos/1/thumb", nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/jpeg" {
			t.Errorf("thumbnail over HTTP: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/appeals/"+held.ID+"/photos/1/thumb", nil))
		if rec.Code == 200 {
			t.Error("a held report's thumbnail is served to anyone")
		}
	})
}

func must2(t *testing.T) func(p Photo, b []byte, err error) (Photo, []byte) {
	return func(p Photo, b []byte, err error) (Photo, []byte) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p, b
	}
}
