package participation

import (
	"context"
	"testing"
	"time"
)

func TestExportUser(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		must[Phase](t)(e.svc.AddPhase(admin(muniA), p.ID, PhaseInput{Kind: PhaseInformation, StartsAt: start.Add(-time.Hour),
			EndsAt: start.Add(time.Hour), Permissions: []PermissionInput{{Action: ActionAnswer, Level: LevelVerified}}}))
		anna, bob := e.person("anna", distN, "1990-01-01"), e.person("bob", distN, "1990-01-01")
		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Площадка на Лесной", Body: "Горка."}))
		must[Proposal](t)(e.svc.Support(bob, pr.ID))
		must[Comment](t)(e.svc.Comment(bob, pr.ID, CommentInput{Body: "За!"}))
		rank := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollRanking, Question: "Порядок",
			Options: []string{"А", "Б", "В"}, ClosesAt: start.Add(time.Hour)}))
		text := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollText, Question: "Идеи", ClosesAt: start.Add(time.Hour)}))
		must[struct{}](t)(struct{}{}, e.svc.AnswerPoll(bob, rank.ID, PollAnswer{Choices: []int{3, 1}}))
		must[struct{}](t)(struct{}{}, e.svc.AnswerPoll(bob, text.ID, PollAnswer{Text: "Фонтан"}))

		sec, data, err := e.svc.ExportUser(context.Background(), "bob")
		if err != nil || sec != "participation" {
			t.Fatal(sec, err)
		}
		x := data.(Export)
		if len(x.Proposals) != 0 || len(x.Comments) != 1 || len(x.Supports) != 1 || len(x.Follows) != 1 || len(x.Responses) != 2 {
			t.Fatalf("bob's export %+v", x)
		}
		if r := x.Responses[0]; len(r.Choices) != 2 || r.Choices[0] != 3 || r.Choices[1] != 1 || x.Responses[1].Text != "Фонтан" {
			t.Fatalf("responses %+v", x.Responses)
		}
		_, data, _ = e.svc.ExportUser(context.Background(), "anna")
		if x := data.(Export); len(x.Proposals) != 1 || x.Proposals[0].ID != pr.ID || len(x.Supports) != 0 {
			t.Fatalf("anna's export %+v", x)
		}
	})
}
