package territory

import (
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

func TestImportShippedCities(t *testing.T) {
	t.Parallel() // long: a full import per engine
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		ctx := platformAdmin()
		res, err := s.Import(ctx, Cities())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rows %d created %d updated %d unchanged %d skipped %d", res.Rows, res.Created, res.Updated, res.Unchanged, len(res.Skipped))
		for _, sk := range res.Skipped {
			t.Logf("skipped %+v", sk)
		}
		if res.Rows != 1117 || res.Created < 1117 || len(res.Skipped) > 20 {
			t.Fatalf("unexpected result %+v", res)
		}
		luga, err := s.NodeByOKTMO(ctx, "41633101001")
		if err != nil || luga.NameRU != "Луга" || luga.Kind != KindLocality || luga.Population != 36409 || luga.TimeZone != "Europe/Moscow" {
			t.Fatalf("Луга: %+v %v", luga, err)
		}
		mo := must[Node](t)(s.Node(ctx, luga.ParentID))
		if mo.OKTMO != "41633000" || mo.Kind != KindMunicipalDistrict || luga.TenantID != mo.ID || mo.TenantID != mo.ID {
			t.Fatalf("formation %+v", mo)
		}
		region := must[Node](t)(s.Node(ctx, mo.ParentID))
		if region.OKTMO != "41000000" || region.NameRU != "Ленинградская область" || region.NameEN != "Leningrad Oblast" || region.TenantID != "" {
			t.Fatalf("region %+v", region)
		}
		if !strings.HasPrefix(luga.Path, region.Path) || !strings.HasPrefix(luga.Path, mo.Path) {
			t.Fatalf("paths %s %s %s", region.Path, mo.Path, luga.Path)
		}
		before := counts(t, d)
		again, err := s.Import(ctx, Cities())
		if err != nil || again.Created != 0 || again.Updated != 0 {
			t.Fatalf("second import not idempotent: %+v %v", again, err)
		}
		if after := counts(t, d); after["audit_log"] != before["audit_log"] || after["territory_nodes"] != before["territory_nodes"] {
			t.Fatalf("second import wrote: %v → %v", before, after)
		}
	})
}
