package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/participation"
)

// TestInitiativeDemo: the demo adds one initiative project under
// consideration (supports, a meeting, scores, pledges) and one rejected
// with its payments refunded; the public pages show them with payers'
// names masked; seeding again adds nothing.
func TestInitiativeDemo(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	m, err := a.Participation.MunicipalityBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	list, err := a.Participation.Initiatives(ctx, m.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("demo initiatives: %d %v", len(list), err)
	}
	byStatus := map[string]participation.Initiative{}
	for _, it := range list {
		byStatus[it.Status] = it
	}
	open, rejected := byStatus[participation.InitiativeConsidering], byStatus[participation.InitiativeRejected]
	if open.ID == "" || rejected.ID == "" || open.Supports == 0 || open.DueAt.IsZero() {
		t.Fatalf("%+v", list)
	}
	f, err := a.Participation.Finance(ctx, open.ID)
	if err != nil || f.Totals.Pledged == 0 || f.Fund == 0 || f.Sum != 0 {
		t.Fatalf("open finance %+v %v", f, err)
	}
	f, err = a.Participation.Finance(ctx, rejected.ID)
	if err != nil || f.Totals.Refunded == 0 || f.Fund != 0 || f.Sum != 0 || f.Totals.Cancelled == 0 {
		t.Fatalf("rejected finance %+v %v", f, err)
	}
	if sc, err := a.Participation.Scoring(ctx, open.ID); err != nil || len(sc.Members) != 2 || sc.TotalPermille <= 0 {
		t.Fatalf("scoring %+v %v", sc, err)
	}
	full, err := a.Participation.Finance(app.AsSystem(ctx), open.ID)
	if err != nil {
		t.Fatal(err)
	}
	resident := full.Payers[0].Name
	for _, path := range []string{"/m/" + m.Slug + "/participation/initiatives", "/participation/initiatives/" + open.ID,
		"/participation/initiatives/" + rejected.ID} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if strings.Contains(string(b), resident) {
			t.Fatalf("%s shows the payer's full name %q", path, resident)
		}
	}
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.Participation.Initiatives(ctx, m.ID); len(again) != 2 {
		t.Fatalf("seeding again made %d initiatives", len(again))
	}
}
