package territory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// tree builds Leningrad oblast with two municipal okrugs.
func tree(t *testing.T, s *Service) (region, luga, gatchina Node) {
	t.Helper()
	ctx := platformAdmin()
	n := must[Node](t)
	region = n(s.CreateNode(ctx, NodeInput{Kind: KindSubject, OKTMO: "41000000", NameRU: "Ленинградская область", TimeZone: "Europe/Moscow"}))
	luga = n(s.CreateNode(ctx, NodeInput{ParentID: region.ID, Kind: KindMunicipalOkrug, OKTMO: "41633000",
		NameRU: "Лужский муниципальный округ", Slug: "luga", TimeZone: "Europe/Moscow"}))
	gatchina = n(s.CreateNode(ctx, NodeInput{ParentID: region.ID, Kind: KindMunicipalOkrug, OKTMO: "41618000",
		NameRU: "Гатчинский муниципальный округ", Slug: "gatchina", TimeZone: "Europe/Moscow"}))
	return
}

func TestCreateNode(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		region, luga, _ := tree(t, s)
		if region.Path != "/"+region.ID+"/" || luga.Path != region.Path+luga.ID+"/" {
			t.Fatalf("paths %q %q", region.Path, luga.Path)
		}
		if region.TenantID != "" || luga.TenantID != luga.ID {
			t.Fatalf("tenants %q %q", region.TenantID, luga.TenantID)
		}
		town, err := s.CreateNode(actorOn("reg", auth.RoleRegionalOperator, region), NodeInput{ParentID: luga.ID,
			Kind: KindLocality, OKTMO: "41633101001", NameRU: "Луга", TimeZone: "Europe/Moscow", Population: 36409,
			Center: &Point{Lat: 58.7374, Lon: 29.8466}, Boundary: mustGeometry(SquareAround(Point{Lat: 58.7374, Lon: 29.8466}, 8, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if town.TenantID != luga.ID || town.Slug != "luga-41633101001" {
			t.Fatalf("locality %+v: the okrug holds the slug luga, so the derived one takes the code", town)
		}
		got := must[Node](t)(s.NodeByOKTMO(context.Background(), "41633101001"))
		if got.TenantID != luga.ID || got.Center == nil || got.Center.Lat != 58.7374 || len(got.Boundary) == 0 || got.Population != 36409 {
			t.Fatalf("stored locality %+v", got)
		}
		if id, _ := s.TenantID(context.Background(), got.ID); id != luga.ID {
			t.Fatalf("TenantID = %q", id)
		}
		up := must[[]Node](t)(s.Ancestors(context.Background(), got))
		if len(up) != 2 || up[0].ID != region.ID || up[1].ID != luga.ID {
			t.Fatalf("ancestors %v", up)
		}
		sub := must[[]Node](t)(s.Subtree(context.Background(), luga.Path))
		if len(sub) != 2 {
			t.Fatalf("subtree of luga has %d nodes", len(sub))
		}
		var actions []string
		rows, err := d.Writer().Query(`SELECT action FROM audit_log ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		if len(actions) != 4 || actions[3] != "territory.node.create" {
			t.Fatalf("audit %v", actions)
		}
		if c := counts(t, d); c["event_outbox"] != 4 {
			t.Fatalf("outbox %v", c)
		}
	})
}

func TestCreateNodeRefusals(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		region, luga, gatchina := tree(t, s)
		valid := NodeInput{ParentID: luga.ID, Kind: KindLocality, OKTMO: "41633154051", NameRU: "Толмачёво", TimeZone: "Europe/Moscow"}
		tests := []struct {
			name  string
			ctx   context.Context
			edit  func(*NodeInput)
			kind  error
			field string
			key   string
		}{
			{"anonymous", context.Background(), func(*NodeInput) {}, fault.ErrUnauthorized, "", ""},
			{"municipal admin", actorOn("adm", auth.RoleMunicipalAdmin, luga), func(*NodeInput) {}, fault.ErrForbidden, "", ""},
			{"regional operator of another region", actorOn("reg", auth.RoleRegionalOperator, Node{Path: "/other/"}), func(*NodeInput) {}, fault.ErrForbidden, "", ""},
			{"regional operator adds a subject", actorOn("reg", auth.RoleRegionalOperator, region), func(in *NodeInput) {
				*in = NodeInput{Kind: KindSubject, OKTMO: "47000000", NameRU: "Мурманская область", TimeZone: "Europe/Moscow"}
			}, fault.ErrForbidden, "", ""},
			{"bad OKTMO", platformAdmin(), func(in *NodeInput) { in.OKTMO = "4163315405" }, fault.ErrInvalid, "oktmo", "territory.oktmo.format"},
			{"OKTMO of another okrug", platformAdmin(), func(in *NodeInput) { in.OKTMO = "41618101001" }, fault.ErrInvalid, "oktmo", "territory.oktmo.prefix"},
			{"injection OKTMO", platformAdmin(), func(in *NodeInput) { in.OKTMO = "1'; DROP TABLE territory_nodes; --" }, fault.ErrInvalid, "oktmo", "territory.oktmo.format"},
			{"taken OKTMO", platformAdmin(), func(in *NodeInput) {
				*in = NodeInput{ParentID: region.ID, Kind: KindMunicipalOkrug, OKTMO: gatchina.OKTMO, NameRU: "Копия", TimeZone: "Europe/Moscow"}
			}, fault.ErrConflict, "oktmo", "territory.oktmo.taken"},
			{"taken slug", platformAdmin(), func(in *NodeInput) { in.Slug = "gatchina" }, fault.ErrConflict, "slug", "territory.slug.taken"},
			{"bad slug", platformAdmin(), func(in *NodeInput) { in.Slug = "Луга!" }, fault.ErrInvalid, "slug", "territory.slug.format"},
			{"unknown parent", platformAdmin(), func(in *NodeInput) { in.ParentID = "nope" }, fault.ErrInvalid, "parent_id", "territory.parent.not_found"},
			{"locality under a subject", platformAdmin(), func(in *NodeInput) { in.ParentID = region.ID }, fault.ErrInvalid, "kind", "territory.kind.parent"},
			{"no parent", platformAdmin(), func(in *NodeInput) { in.ParentID = "" }, fault.ErrInvalid, "parent_id", "territory.parent.required"},
			{"unknown kind", platformAdmin(), func(in *NodeInput) { in.Kind = "village" }, fault.ErrInvalid, "kind", "territory.kind.unknown"},
			{"oversized name", platformAdmin(), func(in *NodeInput) { in.NameRU = strings.Repeat("Я", 201) }, fault.ErrInvalid, "name_ru", "territory.field.too_long"},
			{"bad zone", platformAdmin(), func(in *NodeInput) { in.TimeZone = "UTC+3" }, fault.ErrInvalid, "time_zone", "territory.timezone.invalid"},
			{"negative population", platformAdmin(), func(in *NodeInput) { in.Population = -5 }, fault.ErrInvalid, "population", "territory.population.invalid"},
			{"point boundary", platformAdmin(), func(in *NodeInput) { in.Boundary = []byte(`{"type":"Point","coordinates":[1,2]}`) }, fault.ErrInvalid, "boundary", "territory.boundary.type"},
			{"bad centre", platformAdmin(), func(in *NodeInput) { in.Center = &Point{Lat: 91} }, fault.ErrInvalid, "center", "territory.center.invalid"},
			{"bad website", platformAdmin(), func(in *NodeInput) { in.Contacts.Website = "javascript:alert(1)" }, fault.ErrInvalid, "contacts.website", "territory.website.invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := counts(t, d)
				in := valid
				tt.edit(&in)
				_, err := s.CreateNode(tt.ctx, in)
				if !errors.Is(err, tt.kind) {
					t.Fatalf("err = %v, want %v", err, tt.kind)
				}
				if tt.field != "" {
					f, ok := fault.As(err)
					if !ok || f.Fields[tt.field] != tt.key {
						t.Fatalf("fields = %v, want %s: %s", f, tt.field, tt.key)
					}
				}
				if after := counts(t, d); after != nil && !sameCounts(before, after) {
					t.Fatalf("refused input wrote: %v → %v", before, after)
				}
			})
		}
	})
}

func sameCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestUpdateNode(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		region, luga, _ := tree(t, s)
		ctx := actorOn("reg", auth.RoleRegionalOperator, region)
		in := NodeInput{Kind: KindMunicipalOkrug, OKTMO: luga.OKTMO, NameRU: luga.NameRU, NameEN: "Luga Municipal Okrug",
			Slug: "luga", TimeZone: "Europe/Moscow", Population: 70000, Contacts: Contacts{Phone: "+7 81372 20000"}}
		got, err := s.UpdateNode(ctx, luga.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameEN != "Luga Municipal Okrug" || got.Population != 70000 || got.Path != luga.Path || got.ParentID != region.ID {
			t.Fatalf("updated %+v", got)
		}
		if _, err := s.UpdateNode(actorOn("adm", auth.RoleMunicipalAdmin, luga), luga.ID, in); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("municipal admin edited its own node: %v", err)
		}
		must[Node](t)(s.CreateNode(ctx, NodeInput{ParentID: luga.ID, Kind: KindLocality, OKTMO: "41633154051", NameRU: "Толмачёво", TimeZone: "Europe/Moscow"}))
		in.Kind = KindUrbanOkrug // an urban okrug's localities repeat all 8 digits: Толмачёво would no longer fit
		if _, err := s.UpdateNode(ctx, luga.ID, in); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("kind change stranding children: %v", err)
		}
	})
}

func TestDepartments(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		_, luga, _ := tree(t, s)
		ctx := actorOn("adm", auth.RoleMunicipalAdmin, luga)
		dep, err := s.CreateDepartment(ctx, luga.ID, DepartmentInput{Code: " Housing ", NameRU: "Комитет ЖКХ", NameEN: "Housing",
			Email: "zhkh@luga.example", Phone: "+7 81372 20002"})
		if err != nil {
			t.Fatal(err)
		}
		if dep.Code != "housing" || dep.MuniID != luga.ID {
			t.Fatalf("created %+v", dep)
		}
		_, err = s.CreateDepartment(ctx, luga.ID, DepartmentInput{Code: "housing", NameRU: "Другой"})
		if f, _ := fault.As(err); !errors.Is(err, fault.ErrConflict) || f.Fields["code"] != "territory.department.code.taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		_, err = s.CreateDepartment(ctx, luga.ID, DepartmentInput{Code: "zhkh2", NameRU: "комитет жкх"})
		if f, _ := fault.As(err); !errors.Is(err, fault.ErrConflict) || f.Fields["name_ru"] != "territory.department.name.taken" {
			t.Fatalf("duplicate name: %v", err)
		}
		name := "Комитет жилищно-коммунального хозяйства"
		upd, err := s.UpdateDepartment(ctx, dep.ID, DepartmentPatch{NameRU: &name})
		if err != nil || upd.NameRU != name || upd.Email != "zhkh@luga.example" {
			t.Fatalf("update: %+v %v", upd, err)
		}
		before := counts(t, d)
		if same, err := s.UpdateDepartment(ctx, dep.ID, DepartmentPatch{NameRU: &name}); err != nil || same.NameRU != name {
			t.Fatalf("no-op update: %+v %v", same, err)
		}
		if !sameCounts(before, counts(t, d)) {
			t.Fatal("an update that changes nothing wrote")
		}
		bad := "not an email"
		if _, err := s.UpdateDepartment(ctx, dep.ID, DepartmentPatch{Email: &bad}); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bad email accepted: %v", err)
		}
		if !sameCounts(before, counts(t, d)) || must[Department](t)(s.Department(ctx, dep.ID)).Email != "zhkh@luga.example" {
			t.Fatal("refused update wrote")
		}
		list := must[[]Department](t)(s.Departments(context.Background(), luga.ID))
		if len(list) != 1 {
			t.Fatalf("list %v", list)
		}
		if err := s.DeleteDepartment(ctx, dep.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Department(ctx, dep.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("deleted department still there: %v", err)
		}
		var audit int
		d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE object_id = $1`, dep.ID).Scan(&audit)
		var events int
		d.Writer().QueryRow(`SELECT COUNT(*) FROM event_outbox WHERE type LIKE 'territory.department.%'`).Scan(&events)
		if audit != 3 || events != 3 {
			t.Fatalf("audit %d events %d, want 3 each", audit, events)
		}
		var detail string
		d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE object_id = $1 ORDER BY seq LIMIT 1`, dep.ID).Scan(&detail)
		if strings.Contains(detail, "@") {
			t.Fatalf("audit detail holds contact data: %s", detail)
		}
	})
}

// TestTenantIsolation: an administrator of Гатчина cannot create, change
// or delete Луга's departments.
func TestTenantIsolation(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		_, luga, gatchina := tree(t, s)
		lugaAdmin := actorOn("luga-admin", auth.RoleMunicipalAdmin, luga)
		dep := must[Department](t)(s.CreateDepartment(lugaAdmin, luga.ID, DepartmentInput{Code: "roads", NameRU: "Отдел дорог"}))
		intruder := actorOn("gatchina-admin", auth.RoleMunicipalAdmin, gatchina)
		before := counts(t, d)
		if _, err := s.CreateDepartment(intruder, luga.ID, DepartmentInput{Code: "spy", NameRU: "Чужой отдел"}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("create in another municipality: %v", err)
		}
		name := "Захвачено"
		if _, err := s.UpdateDepartment(intruder, dep.ID, DepartmentPatch{NameRU: &name}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("update in another municipality: %v", err)
		}
		if err := s.DeleteDepartment(intruder, dep.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("delete in another municipality: %v", err)
		}
		if err := s.DeleteDepartment(actorOn("op", auth.RoleOperator, luga), dep.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator deleted a department: %v", err)
		}
		if !sameCounts(before, counts(t, d)) {
			t.Fatal("refused changes wrote")
		}
		if got := must[Department](t)(s.Department(context.Background(), dep.ID)); got.NameRU != "Отдел дорог" {
			t.Fatalf("department changed: %+v", got)
		}
	})
}
