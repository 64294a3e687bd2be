package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/browsertest"
	"github.com/muni-platform/muni/internal/platform/web"
)

// TestParticipationDemoAndRoll: the demo verifies residents through
// identity and opens a process; participation reads the roll through the
// app's adapter, so a verified resident may support and an unverified one
// is told to get verified; seeding again adds nothing.
func TestParticipationDemoAndRoll(t *testing.T) {
	a, world, _ := newDemoServer(t)
	ctx := context.Background()
	m, err := a.Participation.MunicipalityBySlug(ctx, world.Municipality)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Participation.ProcessBySlug(ctx, m.ID, "ideas-2027")
	if err != nil || len(p.Phases) == 0 {
		t.Fatalf("the demo process: %+v %v", p, err)
	}
	l, err := a.Participation.Proposals(ctx, p.ID, participation.OrderTop, web.Page{Limit: 50})
	if err != nil || len(l.Items) < 10 || l.Items[0].Supports == 0 {
		t.Fatalf("demo proposals: %d %v", len(l.Items), err)
	}

	fresh := demoLogin(t, world, app.DemoVerifiedResident)
	users, err := a.Identity.Users(app.AsSystem(ctx), identity.UserQuery{Search: fresh.Email, Limit: 1})
	if err != nil || len(users) != 1 {
		t.Fatalf("the verified demo resident: %v", err)
	}
	if err := a.Participation.Eligible(ctx, auth.Actor{Kind: auth.User, ID: users[0].ID}, p.ID, participation.ActionSupport, ""); err != nil {
		t.Fatalf("a verified resident may support: %v", err)
	}
	// A resident who registers now is not verified.
	newcomer, err := a.Identity.Register(ctx, identity.Registration{Email: "new@example.ru", Password: "correct horse battery",
		Name: "Пётр Новиков", HomeID: m.ID, Consent: true, Version: identity.CurrentConsent, Lang: "ru", IP: "10.0.0.9"})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Participation.Eligible(ctx, auth.Actor{Kind: auth.User, ID: newcomer.ID}, p.ID, participation.ActionSupport, "")
	if !errors.Is(err, participation.ErrNotVerified) {
		t.Fatalf("an unverified newcomer: %v", err)
	}
	if err := a.Participation.Eligible(ctx, auth.Actor{Kind: auth.User, ID: newcomer.ID}, p.ID, participation.ActionComment, ""); err != nil {
		t.Fatalf("anyone signed in from the municipality may comment: %v", err)
	}

	// The author of the top proposal follows it: a comment by the verified
	// resident reaches them as a notification once the relay runs.
	if err := a.Relay.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	top := l.Items[0]
	unread, err := a.Notify.Unread(ctx, top.AuthorID)
	if err != nil {
		t.Fatal(err)
	}
	commenter := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: users[0].ID, Name: users[0].Name})
	if _, err := a.Participation.Comment(commenter, top.ID, participation.CommentInput{Stance: participation.StanceFor, Body: "Согласен!"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Relay.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Notify.Unread(ctx, top.AuthorID); err != nil || n != unread+1 {
		t.Fatalf("the author's unread notifications: %d %v, want %d", n, err, unread+1)
	}

	// The commenter's data export carries their participation and their
	// voter-roll records.
	ex, err := a.Identity.Export(commenter)
	if err != nil {
		t.Fatal(err)
	}
	if px, ok := ex.Sections["participation"].(participation.Export); !ok || len(px.Comments) != 1 || len(px.Follows) != 1 {
		t.Fatalf("participation section: %+v", ex.Sections["participation"])
	}
	if ex.Residence.Verification == nil {
		t.Fatalf("export without the voter-roll record: %+v", ex.Residence)
	}

	before := len(l.Items)
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatalf("seeding again: %v", err)
	}
	if l, _ := a.Participation.Proposals(ctx, p.ID, participation.OrderNew, web.Page{Limit: 50}); len(l.Items) != before {
		t.Fatalf("seeding again made %d proposals, want %d", len(l.Items), before)
	}
}

// TestParticipationJourney: a verified resident finds the process, sees
// what they may do now, supports a proposal (once) and answers a poll,
// on a phone and a desktop, with no accessibility violations.
func TestParticipationJourney(t *testing.T) {
	a, world, ts := newDemoServer(t)
	j := &journey{t: t, a: a, b: browsertest.New(t), base: ts.URL, world: world}
	fresh := demoLogin(t, world, app.DemoVerifiedResident)
	j.signIn(fresh.Email, fresh.Password)

	j.open("/m/" + world.Municipality + "/participation/")
	j.expectPage("participation/processes")
	j.b.Both("participation-processes")
	j.b.Follow(`main h2 a[href$="/participation/ideas-2027"]`)
	j.expectPage("participation/process")
	j.b.Contains("main", "Что можно сделать сейчас", "Поддержать предложение")
	if strings.Contains(j.b.Text("main"), "Нужно подтвердить место жительства") {
		t.Fatal("a verified resident is told to get verified")
	}
	j.b.Both("participation-process")

	j.b.Follow(`a[href$="/proposals"]`)
	j.expectPage("participation/proposals")
	j.b.Both("participation-proposals")
	j.b.Follow(`main li.card h2 a`)
	j.expectPage("participation/proposal")
	before := j.b.Text("#supports")
	j.b.Submit(`form[action$="/support"] button[type=submit]`)
	j.expectPage("participation/proposal")
	j.b.Contains("main", "ваша поддержка учтена", "Вы поддержали это предложение")
	if after := j.b.Text("#supports"); after == before {
		t.Fatalf("the support count did not change: %q", after)
	}
	if j.b.Has(`form[action$="/support"]`) {
		t.Fatal("the support button is still offered after supporting")
	}
	j.b.Both("participation-proposal")

	j.open("/m/" + world.Municipality + "/participation/ideas-2027")
	j.b.Follow(`a[href^="/participation/polls/"]`)
	j.expectPage("participation/poll")
	j.b.Submit(`form[action^="/participation/polls/"] button[type=submit]`)
	if !j.b.Has(`#choices-error`) {
		t.Fatal("an empty poll answer is not refused with a message")
	}
	j.b.Check("#choice-2")
	j.b.Submit(`form[action^="/participation/polls/"] button[type=submit]`)
	j.expectPage("participation/poll")
	j.b.Contains("main", "Спасибо, ответ принят", "Вы уже ответили", "Парки и скверы")
	j.b.Both("participation-poll")
}
