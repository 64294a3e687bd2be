package territory

import (
	"net/url"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// The edit page changes a node through the service's rules: the regional
// operator above it may, the municipality's own administrator may not, a
// refused input is shown at its field and changes nothing, and what the
// form does not show (the demo mark) is kept.
func TestAdminNodeEdit(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		demo, err := SeedDemo(platformAdmin(), s)
		if err != nil {
			t.Fatal(err)
		}
		luga := demo.Main
		actors := map[string]*auth.Actor{
			"operator":   {Kind: auth.User, ID: "operator", Grants: []auth.Grant{{Role: auth.RoleRegionalOperator, ScopeID: demo.Region.ID, ScopePath: demo.Region.Path}}},
			"luga-admin": {Kind: auth.User, ID: "luga-admin", Grants: []auth.Grant{{Role: auth.RoleMunicipalAdmin, ScopeID: luga.ID, ScopePath: luga.Path}}},
		}
		h := testServer(t, s, actors)
		edit := "/admin/territory/" + luga.ID + "/edit"
		valid := func() url.Values {
			return url.Values{"kind": {string(luga.Kind)}, "oktmo": {luga.OKTMO}, "name_ru": {"Лужский муниципальный округ"},
				"name_en": {"Luga Municipal Okrug"}, "slug": {"luga"}, "time_zone": {"Europe/Moscow"}, "population": {"52 000"},
				"contacts.phone": {"+7 81372 22222"}, "center_lat": {"58,7373"}, "center_lon": {"29.8465"},
				"boundary": {`{"type":"Polygon","coordinates":[[[29.7,58.6],[30.0,58.6],[30.0,58.9],[29.7,58.9],[29.7,58.6]]]}`}}
		}
		with := func(k, v string) url.Values { f := valid(); f.Set(k, v); return f }
		for _, sc := range []scenario{
			{name: "tree offers the edit link", actor: "operator", method: "GET", path: "/admin/territory?node=" + luga.ID, status: 200,
				want: []string{`href="` + edit + `"`}},
			{name: "the parent's page offers the edit link for each child", actor: "operator", method: "GET", path: "/admin/territory?node=" + demo.Region.ID, status: 200,
				want: []string{`href="` + edit + `"`, "Изменить: Лужский муниципальный округ"}},
			{name: "no edit links on the parent's page for the municipality's own admin", actor: "luga-admin", method: "GET", path: "/admin/territory?node=" + demo.Region.ID, status: 200,
				absent: []string{`/edit"`}},
			{name: "no edit link for the municipality's own admin", actor: "luga-admin", method: "GET", path: "/admin/territory?node=" + luga.ID, status: 200,
				absent: []string{`href="` + edit + `"`}},
			{name: "edit page", actor: "operator", method: "GET", path: edit, status: 200,
				want: []string{`value="41633000"`, `name="boundary"`, `&#34;Polygon&#34;`, `value="luga"`}},
			{name: "edit page refused to the municipality's admin", actor: "luga-admin", method: "GET", path: edit, status: 403},
			{name: "edit refused to the municipality's admin", actor: "luga-admin", method: "POST", path: edit, form: valid(), status: 403},
			{name: "edit unknown node", actor: "operator", method: "GET", path: "/admin/territory/nope/edit", status: 404},
			{name: "bad boundary", actor: "operator", method: "POST", path: edit, form: with("boundary", `{"type":"Point","coordinates":[29,58]}`), status: 422,
				want: []string{"Граница должна быть полигоном", `id="f-boundary-error"`, "81372 22222"}},
			{name: "malformed latitude", actor: "operator", method: "POST", path: edit, form: with("center_lat", "север"), status: 422,
				want: []string{`id="f-center_lat-error"`, "Координаты вне допустимого диапазона."}},
			{name: "latitude out of range", actor: "operator", method: "POST", path: edit, form: with("center_lat", "95"), status: 422,
				want: []string{`id="f-center_lat-error"`}},
			{name: "bad phone", actor: "operator", method: "POST", path: edit, form: with("contacts.phone", "звоните"), status: 422,
				want: []string{`id="f-contacts.phone-error"`}},
			{name: "OKTMO of another region", actor: "operator", method: "POST", path: edit, form: with("oktmo", "47633000"), status: 422,
				want: []string{`id="f-oktmo-error"`}},
			{name: "slug taken", actor: "operator", method: "POST", path: edit, form: with("slug", demo.Neighbours[0].Slug), status: 422,
				want: []string{`id="f-slug-error"`}},
			{name: "save", actor: "operator", method: "POST", path: edit, form: valid(), status: 303, writes: true},
			{name: "saved notice", actor: "operator", method: "GET", path: "/admin/territory?node=" + luga.ID + "&saved=1", status: 200,
				want: []string{"Изменения сохранены."}},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, h, d) })
		}
		n, err := s.Node(platformAdmin(), luga.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Population != 52000 || n.Contacts.Phone != "+7 81372 22222" || n.Center == nil || n.Center.Lat != 58.7373 || !n.Demo {
			t.Fatalf("saved node %+v", n)
		}
		if len(n.Boundary) == 0 {
			t.Fatal("boundary lost")
		}
	})
}
