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

func TestSeedDemo(t *testing.T) {
	t.Parallel() // long: a full import per engine
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		ctx := platformAdmin()
		demo, err := SeedDemo(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		checkDemo(t, s, demo)
		before := counts(t, d)
		again, err := SeedDemo(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !sameCounts(before, counts(t, d)) {
			t.Fatalf("second seed wrote: %v → %v", before, counts(t, d))
		}
		if again.Main.ID != demo.Main.ID || again.Main.Departments["housing"] != demo.Main.Departments["housing"] {
			t.Fatal("second seed returned other ids")
		}
		res, err := s.Import(ctx, Cities())
		if err != nil || len(res.Skipped) != 0 {
			t.Fatalf("import after demo: %v %v", err, res.Skipped)
		}
		luga := must[Node](t)(s.Node(ctx, demo.Main.ID))
		if luga.Kind != KindMunicipalOkrug || !luga.Demo || luga.Slug != "luga" {
			t.Fatalf("import changed the demo okrug: %+v", luga)
		}
	})
}

func TestSeedDemoAfterImport(t *testing.T) {
	t.Parallel() // long: a full import per engine
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		ctx := platformAdmin()
		if _, err := s.Import(ctx, Cities()); err != nil {
			t.Fatal(err)
		}
		demo, err := SeedDemo(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		checkDemo(t, s, demo)
		before := counts(t, d)
		if _, err := SeedDemo(ctx, s); err != nil {
			t.Fatal(err)
		}
		if res, err := s.Import(ctx, Cities()); err != nil || res.Created+res.Updated != 0 {
			t.Fatalf("import after demo changed things: %+v %v", res, err)
		}
		if !sameCounts(before, counts(t, d)) {
			t.Fatalf("demo then import again wrote: %v → %v", before, counts(t, d))
		}
	})
}

func checkDemo(t *testing.T, s *Service, demo Demo) {
	t.Helper()
	ctx := context.Background()
	if demo.Region.OKTMO != "41000000" || len(demo.Neighbours) != 2 {
		t.Fatalf("demo %+v", demo)
	}
	m := demo.Main
	if m.OKTMO != "41633000" || m.Kind != KindMunicipalOkrug || !m.Demo || m.Slug != "luga" || len(m.Boundary) == 0 {
		t.Fatalf("main okrug %+v", m.Node)
	}
	if m.Center == nil || m.Center.Lat != 58.7374031 || m.Center.Lon != 29.8465776 {
		t.Fatalf("okrug centre %v is not Луга's from the file", m.Center)
	}
	if len(m.Settlements) < 5 || len(m.Settlements) > 8 || len(m.Departments) < 8 || len(m.Departments) > 10 {
		t.Fatalf("%d settlements, %d departments", len(m.Settlements), len(m.Departments))
	}
	town := must[Node](t)(s.NodeByOKTMO(ctx, "41633101001"))
	if town.NameRU != "Луга" || town.Population != 36409 || town.ParentID != m.ID || town.TenantID != m.ID {
		t.Fatalf("Луга %+v", town)
	}
	for _, n := range demo.All() {
		if !strings.HasPrefix(n.Path, demo.Region.Path) || n.TenantID != n.ID || len(n.Departments) < 2 {
			t.Fatalf("municipality %s: path %s tenant %s, %d departments", n.Slug, n.Path, n.TenantID, len(n.Departments))
		}
		deps := must[[]Department](t)(s.Departments(ctx, n.ID))
		if len(deps) != len(n.Departments) {
			t.Fatalf("%s: %d departments stored, %d returned", n.Slug, len(deps), len(n.Departments))
		}
	}
	munis := must[[]Municipality](t)(s.Municipalities(ctx))
	found := false
	for _, mu := range munis {
		if mu.ID == m.ID {
			found = mu.Region.ID == demo.Region.ID
		}
	}
	if !found {
		t.Fatal("Municipalities does not list the demo okrug with its region")
	}
}

func TestImportRefusals(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		head := "address,postal_code,country,federal_district,region_type,region,area_type,area,city_type,city,settlement_type,settlement,kladr_id,fias_id,fias_level,capital_marker,okato,oktmo,tax_office,timezone,geo_lat,geo_lon,population,foundation_year\n"
		row := func(oktmo, tz, lat, pop string) string {
			return `"Ленинградская обл, г Луга",188230,Россия,Северо-Западный,обл,Ленинградская,р-н,Лужский,г,Луга,,,4701300100000,x,4,1,41233501000,` +
				oktmo + ",4710," + tz + "," + lat + ",29.8465776," + pop + ",1777\n"
		}
		csv := head + row("41633101001", "UTC+3", "58.7374031", "36409") +
			row("4163310100X", "UTC+3", "58.7", "1") + // bad OKTMO
			row("'; DROP TABLE territory_nodes; --", "UTC+3", "58.7", "1") +
			row("41633101002", "UTC+99", "58.7", "1") + // bad zone
			row("41633101003", "UTC+3", "158.7", "1") + // bad latitude
			row("41633101004", "UTC+3", "58.7", "many") + // bad population
			row("41133101005", "UTC+3", "58.7", "1") // no formation type has digit 3 = 1
		ctx := platformAdmin()
		res, err := s.Import(ctx, strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{3: "territory.oktmo.format", 4: "territory.oktmo.format", 5: "territory.timezone.invalid",
			6: "territory.center.invalid", 7: "territory.population.invalid", 8: "territory.import.formation"}
		got := map[int]string{}
		for _, sk := range res.Skipped {
			got[sk.Line] = sk.Reason
		}
		for line, reason := range want {
			if got[line] != reason {
				t.Errorf("line %d: reason %q, want %q (all %v)", line, got[line], reason, res.Skipped)
			}
		}
		if res.Rows != 7 || res.Created != 3 || len(res.Skipped) != 6 { // region, formation, town
			t.Errorf("result %+v", res)
		}
		if _, err := s.NodeByOKTMO(ctx, "41633101001"); err != nil {
			t.Errorf("the good row was not imported: %v", err)
		}
		if _, err := s.Import(ctx, strings.NewReader("name,code\nЛуга,1\n")); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("a file without the columns: %v", err)
		}
		if _, err := s.Import(actorOn("reg", auth.RoleRegionalOperator, Node{Path: "/"}), Cities()); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("regional operator imported: %v", err)
		}
		if _, err := s.Import(context.Background(), Cities()); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous import: %v", err)
		}
	})
}
