package participation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

func (e *env) pollProcess() Process {
	return e.process("survey", []PhaseKind{PhaseInformation},
		PermissionInput{Action: ActionAnswer, Level: LevelVerified, MinAge: 16})
}

func TestCreatePollValidates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.pollProcess()
		closes := start.Add(48 * time.Hour)
		good := PollInput{Kind: PollSingle, Question: "Где поставить лавочки?", Options: []string{"У школы", "В парке"}, ClosesAt: closes}
		if _, err := e.svc.CreatePoll(e.person("anna", distN, "1990-01-01"), p.ID, good); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident: %v", err)
		}
		if _, err := e.svc.CreatePoll(admin(muniB), p.ID, good); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality: %v", err)
		}
		before := e.counts()
		for _, c := range []struct {
			in    PollInput
			field string
		}{
			{PollInput{Kind: "vote", Question: "?", Options: []string{"a", "b"}, ClosesAt: closes}, "kind"},
			{PollInput{Kind: PollSingle, Options: []string{"a", "b"}, ClosesAt: closes}, "question"},
			{PollInput{Kind: PollSingle, Question: "?", Options: []string{"a"}, ClosesAt: closes}, "options"},
			{PollInput{Kind: PollSingle, Question: "?", Options: []string{"a", "a"}, ClosesAt: closes}, "options"},
			{PollInput{Kind: PollMulti, Question: "?", Options: []string{"a", "b"}, MaxChoices: 3, ClosesAt: closes}, "max_choices"},
			{PollInput{Kind: PollSingle, Question: "?", Options: []string{"a", "b"}, ClosesAt: start.Add(-time.Hour)}, "closes_at"},
		} {
			_, err := e.svc.CreatePoll(admin(muniA), p.ID, c.in)
			if !errors.Is(err, fault.ErrInvalid) || fieldOf(err)[c.field] == "" {
				t.Errorf("%+v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if e.counts() != before {
			t.Fatal("refused polls wrote something")
		}
		poll := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, good))
		got := must[Poll](t)(e.svc.Poll(context.Background(), poll.ID))
		if len(got.Options) != 2 || got.Options[1] != "В парке" || got.MaxChoices != 1 {
			t.Fatalf("stored %+v", got)
		}
	})
}

func TestAnswerPollOncePerPersonAndResults(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.pollProcess()
		closes := start.Add(48 * time.Hour)
		multi := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollMulti, Question: "Что важнее?",
			Options: []string{"Дороги", "Парки", "Освещение"}, MaxChoices: 2, ClosesAt: closes}))
		rank := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollRanking, Question: "Расставьте",
			Options: []string{"А", "Б", "В"}, Live: true, ClosesAt: closes}))
		text := must[Poll](t)(e.svc.CreatePoll(admin(muniA), p.ID, PollInput{Kind: PollText, Question: "Ваши идеи", ClosesAt: closes}))

		anna := e.person("anna", distN, "1990-01-01")
		before := e.counts()
		for _, c := range []struct {
			poll  Poll
			in    PollAnswer
			field string
		}{
			{multi, PollAnswer{}, "choices"},
			{multi, PollAnswer{Choices: []int{1, 2, 3}}, "choices"},
			{multi, PollAnswer{Choices: []int{1, 1}}, "choices"},
			{multi, PollAnswer{Choices: []int{4}}, "choices"},
			{text, PollAnswer{Text: "  "}, "text"},
		} {
			if err := e.svc.AnswerPoll(anna, c.poll.ID, c.in); fieldOf(err)[c.field] == "" {
				t.Errorf("%v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if err := e.svc.AnswerPoll(e.person("teen", distN, "2012-01-01"), multi.ID, PollAnswer{Choices: []int{1}}); !errors.Is(err, ErrUnderAge) {
			t.Fatalf("under age: %v", err)
		}
		if err := e.svc.AnswerPoll(e.person("nobody", Place{}, ""), multi.ID, PollAnswer{Choices: []int{1}}); !errors.Is(err, ErrNotVerified) {
			t.Fatalf("unverified: %v", err)
		}
		if e.counts() != before {
			t.Fatal("refused answers wrote something")
		}

		must[struct{}](t)(struct{}{}, e.svc.AnswerPoll(anna, multi.ID, PollAnswer{Choices: []int{1, 3}}))
		if err := e.svc.AnswerPoll(anna, multi.ID, PollAnswer{Choices: []int{2}}); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second answer: %v", err)
		}
		// Many tabs of one person at once: one response counts.
		bob := e.person("bob", distS, "1990-01-01")
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() { defer wg.Done(); _ = e.svc.AnswerPoll(bob, multi.ID, PollAnswer{Choices: []int{1}}) }()
		}
		wg.Wait()
		if ok := must[bool](t)(e.svc.Answered(bob, multi.ID)); !ok {
			t.Fatal("bob answered")
		}

		// Results of a closed-results poll are hidden from the public until
		// it closes; officials see them.
		if _, err := e.svc.PollResults(anna, multi.ID); !errors.Is(err, ErrResultsHidden) {
			t.Fatalf("results before close: %v", err)
		}
		r := must[PollResults](t)(e.svc.PollResults(official(auth.RoleOperator, muniA), multi.ID))
		if r.Responses != 2 || r.Options[0].Votes != 2 || r.Options[2].Votes != 1 || r.Options[0].Percent != 100 || r.Final {
			t.Fatalf("multi results %+v", r)
		}

		// Ranking, live: three voters; Borda 2/1/0.
		for i, order := range [][]int{{1, 2, 3}, {2, 1, 3}, {2, 3}} {
			must[struct{}](t)(struct{}{}, e.svc.AnswerPoll(e.person(fmt.Sprint("v", i), distN, "1990-01-01"), rank.ID, PollAnswer{Choices: order}))
		}
		rr := must[PollResults](t)(e.svc.PollResults(context.Background(), rank.ID))
		// А: 2+1 = 3; Б: 1+2+2 = 5; В: 0+0+1 = 1; first places А 1, Б 2.
		if rr.Options[0].Points != 3 || rr.Options[1].Points != 5 || rr.Options[2].Points != 1 ||
			rr.Options[0].Votes != 1 || rr.Options[1].Votes != 2 {
			t.Fatalf("ranking results %+v", rr.Options)
		}

		must[struct{}](t)(struct{}{}, e.svc.AnswerPoll(anna, text.ID, PollAnswer{Text: "Больше скамеек у реки"}))
		e.now = closes
		if err := e.svc.AnswerPoll(e.person("late", distN, "1990-01-01"), multi.ID, PollAnswer{Choices: []int{1}}); !errors.Is(err, ErrPollClosed) {
			t.Fatalf("after close: %v", err)
		}
		if r := must[PollResults](t)(e.svc.PollResults(context.Background(), multi.ID)); !r.Final || r.Responses != 2 {
			t.Fatalf("final public results %+v", r)
		}
		if r := must[PollResults](t)(e.svc.PollResults(context.Background(), text.ID)); r.Responses != 1 || len(r.Texts) != 0 {
			t.Fatalf("the public sees free texts: %+v", r)
		}
		if r := must[PollResults](t)(e.svc.PollResults(official(auth.RoleOperator, muniA), text.ID)); len(r.Texts) != 1 {
			t.Fatalf("officials read texts: %+v", r)
		}
	})
}
