package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/participation"
)

// TestResultsDemoPagesAndOpenData: the demo's finished budget has results
// at every stage, linked to its winners and accepted proposals; the pages
// serve them; the open-data export names no demo person; seeding again
// adds nothing.
func TestResultsDemoPagesAndOpenData(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	m, err := a.Participation.MunicipalityBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Participation.ProcessBySlug(ctx, m.ID, "budget-2026")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := a.Participation.Results(ctx, m.ID, participation.ResultFilter{ProcessID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	statuses, projects, proposals := map[participation.ResultStatus]int{}, 0, 0
	for _, r := range rs {
		statuses[r.Status]++
		if r.ProjectID != "" {
			projects++
		}
		if r.ProposalID != "" {
			proposals++
		}
	}
	if len(statuses) != 4 || projects < 2 || proposals != 2 {
		t.Fatalf("demo results: %v, %d of projects, %d of proposals", statuses, projects, proposals)
	}
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}
	if code, body, _ := get("/m/" + m.Slug + "/participation/results?status=done"); code != 200 || !strings.Contains(body, `value="100"`) {
		t.Fatalf("done results: %d", code)
	}
	var done participation.Result
	for _, r := range rs {
		if r.Status == participation.StatusDone {
			done, _ = a.Participation.Result(ctx, r.ID)
		}
	}
	if len(done.Photos) != 1 || len(done.Milestones) != 3 || !done.Milestones[2].Done {
		t.Fatalf("the done result: %+v", done)
	}
	if code, body, _ := get("/participation/results/" + done.ID); code != 200 || !strings.Contains(body, "/participation/results/photos/"+done.Photos[0].ID) {
		t.Fatalf("result page: %d", code)
	}
	if code, _, h := get("/participation/results/photos/" + done.Photos[0].ID); code != 200 || h.Get("Content-Type") != "image/png" {
		t.Fatalf("photo: %d %s", code, h.Get("Content-Type"))
	}
	_, csv, _ := get("/m/" + m.Slug + "/participation/budget-2026/export.csv")
	_, js, _ := get("/api/v1/participation/processes/" + p.ID + "/export.json")
	if !strings.Contains(csv, "result,"+done.ID) || !strings.Contains(js, `"greedy_winner":true`) {
		t.Fatalf("exports:\n%s\n%s", csv, js)
	}
	users, err := a.Identity.Users(app.AsSystem(ctx), identity.UserQuery{Search: "@demo.example", Limit: 200})
	if err != nil || len(users) < 10 {
		t.Fatalf("demo users: %d %v", len(users), err)
	}
	for _, u := range users {
		for _, s := range []string{u.ID, u.Name, u.Email} {
			if s != "" && (strings.Contains(csv, s) || strings.Contains(js, s)) {
				t.Fatalf("open data holds %q", s)
			}
		}
	}
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := a.Participation.Results(ctx, m.ID, participation.ResultFilter{}); len(again) != len(rs) {
		t.Fatalf("seeding again: %d results, want %d", len(again), len(rs))
	}
}
