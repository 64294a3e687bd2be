package metering

import (
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestEntryPages edits, re-zones and retires registry entries through the
// pages, as an administrator would, in Russian and English.
func TestEntryPages(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, f := range registryCSV {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body)); err != nil {
				t.Fatal(err)
			}
		}
		h := pageServer(t, s, map[string]*auth.Actor{"admin": adminOf(muniA), "op": operatorOf(muniA), "adminB": adminOf(muniB)})
		form := func(v url.Values) io.Reader { return strings.NewReader(v.Encode()) }
		cases := []struct {
			name, actor, lang, method, path string
			body                            io.Reader
			status                          int
			want                            []string
		}{
			{"registry links every entry's form", "admin", "ru", "GET", "/m/alpha/metering", nil, 200, []string{
				`href="/m/alpha/metering/edit/network/W"`, `href="/m/alpha/metering/edit/zone/DMA1"`, `href="/m/alpha/metering/edit/object/B1"`, `href="/m/alpha/metering/edit/point/C1"`}},
			{"no edit links for an operator", "op", "ru", "GET", "/m/alpha/metering", nil, 200, nil},
			{"no form for an operator", "op", "ru", "GET", "/m/alpha/metering/edit/point/C1", nil, 403, nil},
			{"no form for another municipality", "adminB", "ru", "GET", "/m/alpha/metering/edit/point/C1", nil, 403, nil},
			{"unknown kind", "admin", "ru", "GET", "/m/alpha/metering/edit/device/M1", nil, 404, nil},
			{"unknown code", "admin", "ru", "GET", "/m/alpha/metering/edit/zone/NOPE", nil, 404, nil},
			{"object form", "admin", "ru", "GET", "/m/alpha/metering/edit/object/B1", nil, 200, []string{"Объект B1", `value="ул. Ленина, 1"`, `value="58.74"`, "Вывести из эксплуатации"}},
			{"object form in English", "admin", "en", "GET", "/m/alpha/metering/edit/object/B1", nil, 200, []string{"Object B1", "Latitude", "Retire"}},
			{"object edit refused", "admin", "ru", "POST", "/m/alpha/metering/edit/object/B1", form(url.Values{"name": {"Дом 1"}, "kind": {"building"}, "lat": {"123"}, "lon": {"29"}}), 422,
				[]string{`id="lat-error"`, `value="123"`}},
			{"object edit", "admin", "ru", "POST", "/m/alpha/metering/edit/object/B1", form(url.Values{"name": {"Дом 1, корпус 2"}, "kind": {"building"}, "address": {"ул. Ленина, 1к2"}, "lat": {"58.741"}, "lon": {"29.84"}}), 303, nil},
			{"object form shows it", "admin", "ru", "GET", "/m/alpha/metering/edit/object/B1?saved=1", nil, 200, []string{"Изменения сохранены.", `value="Дом 1, корпус 2"`, `value="58.741"`}},
			{"no edit by an operator", "op", "ru", "POST", "/m/alpha/metering/edit/network/W", form(url.Values{"name": {"X"}}), 403, nil},
			{"network edit", "admin", "ru", "POST", "/m/alpha/metering/edit/network/W", form(url.Values{"name": {"Холодная вода"}}), 303, nil},
			{"zone form lists its balance", "admin", "ru", "GET", "/m/alpha/metering/edit/zone/DMA1", nil, 200, []string{"Точки баланса", "IN1", "приток", "C1", "потребитель внутри", `<option value="A1">`}},
			{"point of another network refused", "admin", "ru", "POST", "/m/alpha/metering/edit/zone/DMA1/boundary", form(url.Values{"point": {"NOPE"}, "sign": {"1"}}), 422, []string{`id="point-error"`}},
			{"add a point to the balance", "admin", "ru", "POST", "/m/alpha/metering/edit/zone/DMA1/boundary", form(url.Values{"point": {"A1"}, "sign": {"-1"}}), 303, nil},
			{"remove a point from the balance", "admin", "ru", "POST", "/m/alpha/metering/edit/zone/DMA1/boundary/C1/remove", nil, 303, nil},
			{"zone shows the change", "admin", "ru", "GET", "/m/alpha/metering/edit/zone/DMA1?saved=boundary", nil, 200, []string{"Точки баланса зоны сохранены.", "− отток", `<option value="C1">`}},
			{"network in use is not retired", "admin", "ru", "POST", "/m/alpha/metering/edit/network/W/retire", nil, 422, []string{"Сначала выведите из эксплуатации"}},
			{"point edit", "admin", "ru", "POST", "/m/alpha/metering/edit/point/C1", form(url.Values{"name": {"Дом 1, ввод"}, "role": {"consumer"}, "object": {"B1"}}), 303, nil},
			{"retire a point", "admin", "ru", "POST", "/m/alpha/metering/edit/point/C1/retire", nil, 303, nil},
			{"retired point's form", "admin", "ru", "GET", "/m/alpha/metering/edit/point/C1?saved=retired", nil, 200, []string{"История сохранена.", "Выведено из эксплуатации", `href="/m/alpha/metering/points/C1"`}},
			{"retired point's history stays", "op", "ru", "GET", "/m/alpha/metering/points/C1", nil, 200, []string{"Дом 1, ввод"}},
			{"registry lists it as retired", "admin", "en", "GET", "/m/alpha/metering", nil, 200, []string{"Retired", `href="/m/alpha/metering/points/C1">C1</a></th><td>Дом 1, ввод</td><td>Metering point`}},
		}
		for _, tc := range cases {
			ctype := ""
			if tc.body != nil {
				ctype = "application/x-www-form-urlencoded"
			}
			body, ok := servePage(t, h, tc.name, tc.actor, tc.lang, tc.method, tc.path, ctype, tc.body, tc.status, tc.want...)
			if !ok {
				continue
			}
			if tc.name == "no edit links for an operator" && strings.Contains(body, "/metering/edit/") {
				t.Errorf("%s: an operator sees edit links", tc.name)
			}
		}
		for action, want := range map[string]int{"metering.object.update": 1, "metering.network.update": 1, "metering.point.update": 1, "metering.point.retire": 1,
			"metering.zone.point": 3, "metering.zone.point.remove": 1, "metering.network.retire": 0} {
			if n := auditCount(t, d, action); n != want {
				t.Errorf("%d %s audit entries, want %d", n, action, want)
			}
		}
	})
}
