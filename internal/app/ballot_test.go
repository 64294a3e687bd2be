package app_test

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/browsertest"
)

// TestBallotJourney: a verified resident opens the demo's knapsack budget;
// once the chosen projects leave too little for another, the page does not
// let it into the basket; the ballot is cast, the receipt shown, and the
// public verification page proves it is in the log and counts. The demo's
// results differ between greedy and Equal Shares.
func TestBallotJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	ctx := context.Background()
	m, err := a.Participation.MunicipalityBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Participation.ProcessBySlug(ctx, m.ID, "budget-2027")
	if err != nil {
		t.Fatal(err)
	}
	budgets, err := a.Participation.Budgets(ctx, p.ID)
	if err != nil || len(budgets) != 2 {
		t.Fatalf("demo budgets: %d %v", len(budgets), err)
	}
	knap := budgets[0]
	res, err := a.Ballots.Results(app.AsSystem(ctx), knap.ID)
	if err != nil || res.Ballots == 0 || res.Ballots != res.Voters {
		t.Fatalf("demo results: %+v %v", res, err)
	}
	if g, e := res.Greedy.Winners(), res.MES.Winners(); len(g) == len(e) && g[0] == e[0] && g[len(g)-1] == e[len(e)-1] {
		t.Errorf("the demo should show greedy and Equal Shares apart: %v vs %v", g, e)
	}

	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	fresh := demoLogin(t, world, app.DemoVerifiedResident)
	j.signIn(fresh.Email, fresh.Password)
	j.open("/participation/budgets/" + knap.ID)
	j.expectPage("participation/ballot")
	j.b.Both("participation-ballot")
	playground, square := "#p-"+knap.Projects[0].ID, "#p-"+knap.Projects[2].ID
	if j.b.Has(square + ":disabled") {
		t.Fatal("the square is unavailable before anything is chosen")
	}
	j.b.Check(playground) // 2 500 000 of 5 000 000: the 3 000 000 square no longer fits
	if !j.b.Has(square + ":disabled") {
		t.Fatal("the page lets the basket exceed the limit")
	}
	j.b.Contains("#ballot-sum", "2")
	j.b.Submit(`#ballot button[type=submit]`)
	j.expectPage("participation/ballot")
	receipt := j.b.Text("#receipt-code")
	if len(receipt) != 64 {
		t.Fatalf("receipt %q", receipt)
	}
	j.b.Both("participation-ballot-receipt")
	j.b.Follow(`a[href*="/participation/verify?receipt="]`)
	j.expectPage("participation/verify")
	j.b.Contains("main", "Бюллетень учтён", "Детская площадка на Ленина")
	j.b.Both("participation-verify")

	// a forged receipt is refused in words
	j.b.OpenAny(ts.URL + "/m/" + world.Municipality + "/participation/verify?receipt=" + receipt[:60] + "0000")
	j.b.Contains("main", "Такой квитанции нет в журнале")

	// the published log recounts to what the box says
	pl, err := a.Ballots.Log(ctx, knap.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := participation.VerifyLog(pl, nil)
	if err != nil || rc.Ballots != res.Ballots+1 {
		t.Fatalf("recount %d (want %d): %v", rc.Ballots, res.Ballots+1, err)
	}
}
