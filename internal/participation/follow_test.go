package participation

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// outboxEvents reads the stored events of a type, oldest first.
func (e *env) outboxEvents(typ string) []events.Event {
	e.t.Helper()
	rows, err := e.d.Writer().Query(`SELECT id, type, payload FROM event_outbox WHERE type = $1 ORDER BY created_ms, id`, typ)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var ev events.Event
		var p string
		if err := rows.Scan(&ev.ID, &ev.Type, &p); err != nil {
			e.t.Fatal(err)
		}
		ev.Payload = []byte(p)
		out = append(out, ev)
	}
	return out
}

func recipients(ns []notify.Notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.UserID)
	}
	slices.Sort(out)
	return out
}

func TestFollowersAreTold(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		anna, bob, carl := e.person("anna", distN, "1990-01-01"), e.person("bob", distN, "1990-01-01"), e.person("carl", distN, "1990-01-01")
		e.person("dora", distN, "1990-01-01")
		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Площадка на Лесной", Body: "Горка."}))
		must[Proposal](t)(e.svc.Support(bob, pr.ID))
		must[struct{}](t)(struct{}{}, e.svc.Follow(actorCtx("dora"), pr.ID, true))
		must[struct{}](t)(struct{}{}, e.svc.Follow(actorCtx("dora"), pr.ID, true)) // twice is no change
		if err := e.svc.Follow(context.Background(), pr.ID, true); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous follow: %v", err)
		}
		if ok := must[bool](t)(e.svc.Following(bob, pr.ID)); !ok {
			t.Fatal("a supporter follows")
		}

		// Carl comments: everyone following but Carl is told; Carl now follows.
		must[Comment](t)(e.svc.Comment(carl, pr.ID, CommentInput{Body: "Отличная идея"}))
		evs := e.outboxEvents(EventCommentCreated)
		if len(evs) != 1 {
			t.Fatalf("comment events %d", len(evs))
		}
		ns := must[[]notify.Notice](t)(e.svc.Notices(context.Background(), evs[0]))
		if got := recipients(ns); !slices.Equal(got, []string{"anna", "bob", "dora"}) {
			t.Fatalf("told of the comment: %v", got)
		}
		if ns[0].Link != "/participation/proposals/"+pr.ID || ns[0].Args["Title"] != pr.Title || ns[0].TenantID != muniA.ID {
			t.Fatalf("notice %+v", ns[0])
		}

		// Dora stops following; the answer reaches the other three.
		must[struct{}](t)(struct{}{}, e.svc.Follow(actorCtx("dora"), pr.ID, false))
		must[Proposal](t)(e.svc.AnswerProposal(official(auth.RoleOperator, muniA), pr.ID, AnswerAccepted, "Сделаем."))
		evs = e.outboxEvents(EventProposalAnswered)
		ns = must[[]notify.Notice](t)(e.svc.Notices(context.Background(), evs[0]))
		if got := recipients(ns); !slices.Equal(got, []string{"anna", "bob", "carl"}) {
			t.Fatalf("told of the answer: %v", got)
		}
		if ns[0].Key != "participation.notify.answered" {
			t.Fatalf("key %s", ns[0].Key)
		}
		if ns := must[[]notify.Notice](t)(e.svc.Notices(context.Background(), events.Event{Type: "participation.other", Payload: []byte(`{}`)})); ns != nil {
			t.Fatalf("an unrelated event: %v", ns)
		}
	})
}
