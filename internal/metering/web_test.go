package metering

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// pageServer mounts the pages with the platform's error handling;
// X-Test-Actor picks one of actors.
func pageServer(t *testing.T, s *Service, actors map[string]*auth.Actor) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales}, Templates)
	Routes(srv.Router, srv.Render, s)
	return srv.Handler(actors, 1<<20)
}

func multipartBody(t *testing.T, entity, csv string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("entity", entity)
	fw, _ := mw.CreateFormFile("file", entity+".csv")
	fw.Write([]byte(csv))
	mw.Close()
	return &b, mw.FormDataContentType()
}

func TestPages(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		files := append(registryCSV[:len(registryCSV):len(registryCSV)],
			struct{ entity, body string }{"devices", "serial\nM3\n"},
			struct{ entity, body string }{"installations", "device,point,from\nM3,A1,2026-01-01\n"},
			struct{ entity, body string }{"channels", "device,name,quantity,unit,kind\nM3,v,volume,m3,cumulative\n"},
			struct{ entity, body string }{"devices", "serial\nM9\n"})
		for _, f := range files {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body)); err != nil {
				t.Fatal(err)
			}
		}
		resident := &auth.Actor{Kind: auth.User, ID: "user-1", Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
		stranger := &auth.Actor{Kind: auth.User, ID: "user-2"}
		h := pageServer(t, s, map[string]*auth.Actor{"admin": adminOf(muniA), "op": operatorOf(muniA), "adminB": adminOf(muniB), "resident": resident, "stranger": stranger})
		var apartment string
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT id FROM metering_points WHERE code = 'A1'`).Scan(&apartment); err != nil {
			t.Fatal(err)
		}
		var ch string
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT CAST(c.id AS TEXT) FROM metering_channels c JOIN metering_devices d ON d.id = c.device_id WHERE d.serial = 'M1'`).Scan(&ch); err != nil {
			t.Fatal(err)
		}
		at := c.t.Add(-3 * 3600e9).In(mustZone(muniA.TimeZone)).Format("2006-01-02T15:04")
		swapAt := c.t.Add(-3600e9).In(mustZone(muniA.TimeZone)).Format("2006-01-02T15:04")
		form := "application/x-www-form-urlencoded"
		swap := func(newDevice string) io.Reader {
			return strings.NewReader(url.Values{"swap_device": {"M1"}, "swap_at": {swapAt}, "end_register": {"130,5"}, "new_device": {newDevice}, "start_register": {"0"}}.Encode())
		}
		imp, ctype := multipartBody(t, "objects", "code,kind,name\nB7,building,Дом 7\n")
		bad, badType := multipartBody(t, "objects", "code,kind,name\nB 8,shed,Сарай\n")
		cases := []struct {
			name, actor, method, path, ctype string
			body                             io.Reader
			status                           int
			want                             []string
			readings                         int // readings added
		}{
			{"anonymous goes to login", "", "GET", "/m/alpha/metering", "", nil, 303, nil, 0},
			{"index", "op", "GET", "/metering", "", nil, 200, []string{"/m/alpha/metering"}, 0},
			{"registry for an operator", "op", "GET", "/m/alpha/metering", "", nil, 200, []string{"DMA1", "Кв. 5", "ВСХ-50", "01.03.2031"}, 0},
			{"no import for an operator", "op", "GET", "/m/alpha/metering/import", "", nil, 403, nil, 0},
			{"another municipality's admin", "adminB", "GET", "/m/alpha/metering", "", nil, 403, nil, 0},
			{"import form", "admin", "GET", "/m/alpha/metering/import", "", nil, 200, []string{"zone_points", "serial,model,firmware"}, 0},
			{"import", "admin", "POST", "/m/alpha/metering/import", ctype, imp, 200, []string{"Загружено записей: 1"}, 0},
			{"import refused by line", "admin", "POST", "/m/alpha/metering/import", badType, bad, 422, []string{"Строка 2 · code", "Неизвестный вид объекта."}, 0},
			{"token for an operator", "op", "POST", "/m/alpha/metering/devices/M1/token", "", nil, 403, nil, 0},
			{"token", "admin", "POST", "/m/alpha/metering/devices/M1/token", "", nil, 200, []string{"Новый ключ прибора M1", "mdev_"}, 0},
			{"point", "op", "GET", "/m/alpha/metering/points/IN1", "", nil, 200, []string{"M1 · v", "Внести показание"}, 0},
			{"manual reading", "op", "POST", "/m/alpha/metering/points/IN1/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {ch}, "at": {at}, "value": {"123,5"}, "quality": {"measured"}}.Encode()), 303, nil, 1},
			{"manual reading again is refused", "op", "POST", "/m/alpha/metering/points/IN1/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {ch}, "at": {at}, "value": {"124"}, "quality": {"measured"}}.Encode()), 422, []string{"Показание на это время уже есть."}, 0},
			{"manual reading not a number", "op", "POST", "/m/alpha/metering/points/IN1/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {ch}, "at": {at}, "value": {"много"}, "quality": {"measured"}}.Encode()), 422, []string{"Значение не число."}, 0},
			{"point shows it", "op", "GET", "/m/alpha/metering/points/IN1", "", nil, 200, []string{"123.5", "ввод сотрудником"}, 0},
			{"swap form for an administrator", "admin", "GET", "/m/alpha/metering/points/IN1", "", nil, 200, []string{"Снять или заменить прибор", `name="swap_device"`}, 0},
			{"no swap for an operator", "op", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("M9"), 403, nil, 0},
			{"no swap for another municipality", "adminB", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("M9"), 403, nil, 0},
			{"swap to an unknown meter", "admin", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("NOPE"), 422, []string{`id="new_device-error"`, `value="NOPE"`}, 0},
			{"swap to the same meter", "admin", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("M1"), 422, []string{"Новый прибор совпадает со снимаемым."}, 0},
			{"swap without a time", "admin", "POST", "/m/alpha/metering/points/IN1/swap", form,
				strings.NewReader(url.Values{"swap_device": {"M1"}, "new_device": {"M9"}}.Encode()), 422, []string{`id="swap_at-error"`}, 0},
			{"swap", "admin", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("M9"), 303, nil, 0},
			{"swap again: M1 is gone", "admin", "POST", "/m/alpha/metering/points/IN1/swap", form, swap("M9"), 422, []string{"Прибор сейчас не установлен."}, 0},
			{"registry links the device form", "admin", "GET", "/m/alpha/metering", "", nil, 200, []string{`href="/m/alpha/metering/devices/M1"`}, 0},
			{"device form", "admin", "GET", "/m/alpha/metering/devices/M1", "", nil, 200, []string{"Прибор M1", `value="ВСХ-50"`, `value="2025-03-01"`, `value="72"`}, 0},
			{"no device form for an operator", "op", "GET", "/m/alpha/metering/devices/M1", "", nil, 403, nil, 0},
			{"no device edit for another municipality", "adminB", "POST", "/m/alpha/metering/devices/M1", form,
				strings.NewReader(url.Values{"model": {"X"}}.Encode()), 403, nil, 0},
			{"unknown device", "admin", "GET", "/m/alpha/metering/devices/NOPE", "", nil, 404, nil, 0},
			{"device edit refused", "admin", "POST", "/m/alpha/metering/devices/M1", form,
				strings.NewReader(url.Values{"model": {"ВСХ-50"}, "calibration_months": {"999"}, "interval_s": {"900"}}.Encode()), 422, []string{`id="calibration_months-error"`, `value="999"`}, 0},
			{"device edit", "admin", "POST", "/m/alpha/metering/devices/M1", form,
				strings.NewReader(url.Values{"model": {"ВСХ-50И"}, "seal": {"П-0042"}, "calibrated_on": {"2026-02-01"}, "calibration_months": {"72"}, "interval_s": {"3600"}}.Encode()), 303, nil, 0},
			{"device form shows it", "admin", "GET", "/m/alpha/metering/devices/M1?saved=1", "", nil, 200, []string{"Прибор сохранён.", `value="ВСХ-50И"`, `value="П-0042"`, `value="2026-02-01"`, `value="3600"`}, 0},
			{"resident's meters", "resident", "GET", "/metering/mine", "", nil, 200, []string{"Кв. 5", "/metering/mine/" + apartment + "/readings"}, 0},
			{"resident submits", "resident", "POST", "/metering/mine/" + apartment + "/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {chanOf(t, d, "M3")}, "value": {"17.25"}}.Encode()), 303, nil, 1},
			{"resident submits rubbish", "resident", "POST", "/metering/mine/" + apartment + "/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {chanOf(t, d, "M3")}, "value": {"NaN"}}.Encode()), 422, []string{"Значение бесконечно"}, 0},
			{"another's point", "stranger", "POST", "/metering/mine/" + apartment + "/readings", "application/x-www-form-urlencoded",
				strings.NewReader(url.Values{"channel": {chanOf(t, d, "M3")}, "value": {"18"}}.Encode()), 404, nil, 0},
			{"a stranger has no meters", "stranger", "GET", "/metering/mine", "", nil, 200, []string{"не привязано ни одного прибора"}, 0},
		}
		installAudits := func() int {
			var n int
			if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('metering.installation.end', 'metering.installation.create')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		swapsBefore := installAudits()
		for _, tc := range cases {
			before := countReadings(t, d)
			if _, ok := servePage(t, h, tc.name, tc.actor, "ru", tc.method, tc.path, tc.ctype, tc.body, tc.status, tc.want...); !ok {
				continue
			}
			if got := countReadings(t, d) - before; got != tc.readings {
				t.Errorf("%s: %d readings added, want %d", tc.name, got, tc.readings)
			}
		}
		if swaps := installAudits(); swaps != swapsBefore+2 {
			t.Errorf("%d audit entries for the swap, want the removal and the installation", swaps-swapsBefore)
		}
		var edits int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'metering.device.update'`).Scan(&edits); err != nil || edits != 1 {
			t.Errorf("%d audit entries for the device edit (%v), want 1", edits, err)
		}
		var on string
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT d.serial FROM metering_installations i JOIN metering_devices d ON d.id = i.device_id
			JOIN metering_points p ON p.id = i.point_id WHERE p.code = 'IN1' AND i.to_ms IS NULL`).Scan(&on); err != nil || on != "M9" {
			t.Errorf("IN1 has %q installed (%v), want M9", on, err)
		}
		var n int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('metering.reading.manual', 'metering.reading.resident')`).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d audit entries for the two web readings (%v)", n, err)
		}
	})
}

func chanOf(t *testing.T, d *db.DB, serial string) string {
	t.Helper()
	var id string
	if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT CAST(c.id AS TEXT) FROM metering_channels c JOIN metering_devices d ON d.id = c.device_id WHERE d.serial = $1`, serial).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// servePage sends one request to the pages as actor in lang and checks
// its status and that the body holds each of want; ok is false when the
// status was not the one expected.
func servePage(t *testing.T, h http.Handler, name, actor, lang, method, path, ctype string, body io.Reader, status int, want ...string) (string, bool) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept-Language", lang)
	req.Header.Set("X-Test-Actor", actor)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != status {
		t.Errorf("%s: status %d, want %d\n%.600s", name, rec.Code, status, rec.Body)
		return "", false
	}
	for _, w := range want {
		if !strings.Contains(rec.Body.String(), w) {
			t.Errorf("%s: body lacks %q", name, w)
		}
	}
	return rec.Body.String(), true
}
