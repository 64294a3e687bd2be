package participation

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// open is a process in its proposals phase where verified residents of
// the municipality may propose, support and comment.
func (e *env) open() Process {
	return e.process("open", []PhaseKind{PhaseProposals},
		PermissionInput{Action: ActionPropose, Level: LevelVerified},
		PermissionInput{Action: ActionSupport, Level: LevelVerified, MinAge: 14},
		PermissionInput{Action: ActionComment, Level: LevelVerified})
}

func TestProposeValidatesAndSuggestsSimilar(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		anna := e.person("anna", distN, "1990-01-01")
		before := e.counts()
		for _, c := range []struct {
			in    ProposalInput
			field string
		}{
			{ProposalInput{Title: "", Body: "текст"}, "title"},
			{ProposalInput{Title: "Ой", Body: "текст"}, "title"},
			{ProposalInput{Title: strings.Repeat("а", 201), Body: "текст"}, "title"},
			{ProposalInput{Title: "Новая площадка", Body: ""}, "body"},
			{ProposalInput{Title: "Новая площадка", Body: "текст", TerritoryNodeID: muniB.ID}, "territory_node_id"},
			{ProposalInput{Title: "Новая площадка", Body: "текст", TerritoryNodeID: "nowhere"}, "territory_node_id"},
		} {
			_, err := e.svc.Propose(anna, p.ID, c.in)
			if !errors.Is(err, fault.ErrInvalid) || fieldOf(err)[c.field] == "" {
				t.Errorf("%+v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if _, err := e.svc.Propose(context.Background(), p.ID, ProposalInput{Title: "Новая площадка", Body: "x"}); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous: %v", err)
		}
		if _, err := e.svc.Propose(e.person("nobody", Place{}, ""), p.ID, ProposalInput{Title: "Новая площадка", Body: "x"}); !errors.Is(err, ErrNotVerified) {
			t.Errorf("unverified: %v", err)
		}
		if e.counts() != before {
			t.Fatal("refused proposals wrote something")
		}

		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Детская площадка во дворе на Лесной",
			Body: "Поставить горку и качели.", TerritoryNodeID: distN.ID}))
		if pr.Threshold != 10 || pr.AuthorName != "Анна П. a." || pr.TerritoryPath != distN.Path {
			t.Fatalf("proposal %+v", pr)
		}
		must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Освещение набережной", Body: "Фонари."}))
		whole := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Ремонт дороги к школе", Body: "Ямы."}))
		if whole.Threshold != 500 || whole.TerritoryNodeID != muniA.ID {
			t.Fatalf("whole-municipality proposal %+v", whole)
		}

		sim := must[[]Similar](t)(e.svc.SimilarProposals(context.Background(), p.ID, "Детские площадки во дворах"))
		if len(sim) != 1 || sim[0].Proposal.ID != pr.ID {
			t.Fatalf("similar: %+v", sim)
		}
		if sim := must[[]Similar](t)(e.svc.SimilarProposals(context.Background(), p.ID, "Велодорожка вдоль реки")); len(sim) != 0 {
			t.Fatalf("nothing alike, got %+v", sim)
		}
		other := e.process("other", []PhaseKind{PhaseProposals}, PermissionInput{Action: ActionPropose, Level: LevelVerified})
		if sim := must[[]Similar](t)(e.svc.SimilarProposals(context.Background(), other.ID, "Детская площадка во дворе")); len(sim) != 0 {
			t.Fatalf("another process's proposals suggested: %+v", sim)
		}
	})
}

func TestSupportOncePerPerson(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		anna := e.person("anna", distN, "1990-01-01")
		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Площадка на Лесной", Body: "Горка.", TerritoryNodeID: distN.ID}))

		// Ten neighbours reach the threshold (1 % of 1000); a child may not
		// support; someone from the south district may not either.
		for i := range 9 {
			must[Proposal](t)(e.svc.Support(e.person(fmt.Sprint("n", i), distN, "1980-01-01"), pr.ID))
		}
		if _, err := e.svc.Support(e.person("child", distN, "2015-01-01"), pr.ID); !errors.Is(err, ErrUnderAge) {
			t.Fatalf("child: %v", err)
		}
		if _, err := e.svc.Support(e.person("southerner", distS, "1980-01-01"), pr.ID); !errors.Is(err, ErrWrongTerritory) {
			t.Fatalf("other district: %v", err)
		}
		got := must[Proposal](t)(e.svc.Support(anna, pr.ID))
		if got.Supports != 10 || got.ReachedAt == nil || got.Percent() != 100 {
			t.Fatalf("after 10 supports: %+v", got)
		}
		before := e.counts()
		if _, err := e.svc.Support(anna, pr.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second support: %v", err)
		}
		if e.counts() != before {
			t.Fatal("a refused support wrote something")
		}
		if ok := must[bool](t)(e.svc.Supported(anna, pr.ID)); !ok {
			t.Fatal("Supported")
		}
		var reached int
		e.d.Writer().QueryRow(`SELECT COUNT(*) FROM event_outbox WHERE type = 'participation.proposal.threshold_reached'`).Scan(&reached)
		if reached != 1 {
			t.Fatalf("threshold events %d", reached)
		}

		// Many requests of one person at once: one support counts.
		bob := e.person("bob", distN, "1980-01-01")
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = e.svc.Support(bob, pr.ID) }()
		}
		wg.Wait()
		if got := must[Proposal](t)(e.svc.Proposal(context.Background(), pr.ID)); got.Supports != 11 {
			t.Fatalf("concurrent supports counted %d, want 11", got.Supports)
		}
		if n := e.count("participation_supports"); n != 11 {
			t.Fatalf("support rows %d", n)
		}

		// Outside its phase nobody supports.
		e.now = start.Add(11 * 24 * 3600e9)
		if _, err := e.svc.Support(e.person("late", distN, "1980-01-01"), pr.ID); !errors.Is(err, ErrNotInPhase) {
			t.Fatalf("after the phase: %v", err)
		}
	})
}

func TestAnswerProposal(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		anna := e.person("anna", distN, "1990-01-01")
		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Площадка на Лесной", Body: "Горка."}))
		for name, ctx := range map[string]context.Context{"author": anna, "other muni": official(auth.RoleOperator, muniB)} {
			if _, err := e.svc.AnswerProposal(ctx, pr.ID, AnswerAccepted, "Да"); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s: %v", name, err)
			}
		}
		op := official(auth.RoleOperator, muniA)
		if _, err := e.svc.AnswerProposal(op, pr.ID, "maybe", "Да"); fieldOf(err)["state"] == "" {
			t.Errorf("bad state: %v", err)
		}
		if _, err := e.svc.AnswerProposal(op, pr.ID, AnswerRejected, " "); fieldOf(err)["answer"] == "" {
			t.Errorf("rejection without a reason: %v", err)
		}
		must[Proposal](t)(e.svc.AnswerProposal(op, pr.ID, AnswerEvaluating, ""))
		got := must[Proposal](t)(e.svc.AnswerProposal(op, pr.ID, AnswerAccepted, "Включено в план на 2027 год."))
		if got.AnswerState != AnswerAccepted || got.AnsweredAt == nil {
			t.Fatalf("answer %+v", got)
		}
		stored := must[Proposal](t)(e.svc.Proposal(context.Background(), pr.ID))
		if stored.Answer != "Включено в план на 2027 год." {
			t.Fatalf("stored %+v", stored)
		}
	})
}

func TestCommentsThreadFlagAndModerate(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open() // flag limit 2
		anna := e.person("anna", distN, "1990-01-01")
		bob := e.person("bob", distS, "1990-01-01")
		pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: "Площадка на Лесной", Body: "Горка."}))
		c1 := must[Comment](t)(e.svc.Comment(bob, pr.ID, CommentInput{Stance: StanceFor, Body: "Поддерживаю!"}))
		c2 := must[Comment](t)(e.svc.Comment(anna, pr.ID, CommentInput{Stance: StanceAgainst, Body: "Дорого."}))
		r1 := must[Comment](t)(e.svc.Comment(anna, pr.ID, CommentInput{ParentID: c1.ID, Body: "Спасибо"}))
		if r1.Depth != 1 || r1.Stance != StanceNeutral {
			t.Fatalf("reply %+v", r1)
		}
		for _, c := range []struct {
			in    CommentInput
			field string
		}{
			{CommentInput{Body: ""}, "body"},
			{CommentInput{Body: "x", Stance: "angry"}, "stance"},
			{CommentInput{Body: "x", ParentID: "nope"}, "parent_id"},
		} {
			if _, err := e.svc.Comment(anna, pr.ID, c.in); fieldOf(err)[c.field] == "" {
				t.Errorf("%+v: %v", c.in, err)
			}
		}
		th := must[[]Comment](t)(e.svc.Comments(context.Background(), pr.ID))
		if len(th) != 3 || th[0].ID != c1.ID || th[1].ID != r1.ID || th[2].ID != c2.ID {
			t.Fatalf("thread order: %+v", th)
		}

		// Two flags hide c1 (and its reply) pending moderation.
		must[struct{}](t)(struct{}{}, e.svc.Flag(anna, "comment", c1.ID, "оскорбление"))
		if err := e.svc.Flag(anna, "comment", c1.ID, ""); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second flag by the same person: %v", err)
		}
		if err := e.svc.Flag(anna, "poll", c1.ID, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown type: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.Flag(e.person("carl", distN, "1990-01-01"), "comment", c1.ID, ""))
		if th := must[[]Comment](t)(e.svc.Comments(context.Background(), pr.ID)); len(th) != 1 || th[0].ID != c2.ID {
			t.Fatalf("after hiding: %+v", th)
		}
		if err := e.svc.Moderate(anna, "comment", c1.ID, true); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident moderating: %v", err)
		}
		op := official(auth.RoleOperator, muniA)
		q := must[Queue](t)(e.svc.ModerationQueue(op, muniA.ID))
		if len(q.Comments) != 1 || q.Comments[0].ID != c1.ID || len(q.Proposals) != 0 {
			t.Fatalf("queue %+v", q)
		}
		if _, err := e.svc.ModerationQueue(official(auth.RoleOperator, muniB), muniA.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality's queue: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.Moderate(op, "comment", c1.ID, true))
		must[struct{}](t)(struct{}{}, e.svc.Flag(e.person("dan", distN, "1990-01-01"), "comment", c1.ID, ""))
		if th := must[[]Comment](t)(e.svc.Comments(context.Background(), pr.ID)); len(th) != 3 {
			t.Fatalf("a kept comment is hidden again by flags: %+v", th)
		}

		// A proposal hidden by flags leaves the list; its author still sees it.
		must[struct{}](t)(struct{}{}, e.svc.Flag(bob, "proposal", pr.ID, "спам"))
		must[struct{}](t)(struct{}{}, e.svc.Flag(e.person("eve", distN, "1990-01-01"), "proposal", pr.ID, ""))
		l := must[web.List[Proposal]](t)(e.svc.Proposals(context.Background(), p.ID, OrderNew, web.Page{Limit: 10}))
		if len(l.Items) != 0 {
			t.Fatalf("hidden proposal listed: %+v", l.Items)
		}
		if _, err := e.svc.Proposal(context.Background(), pr.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("hidden proposal to the public: %v", err)
		}
		must[Proposal](t)(e.svc.Proposal(anna, pr.ID))
		if _, err := e.svc.Support(bob, pr.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("support of a hidden proposal: %v", err)
		}
		must[struct{}](t)(struct{}{}, e.svc.Moderate(op, "proposal", pr.ID, false))
		if _, err := e.svc.Proposal(context.Background(), pr.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removed proposal: %v", err)
		}
		var audits int
		e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'participation.%.moderate'`).Scan(&audits)
		if audits != 2 {
			t.Fatalf("moderation audits %d", audits)
		}
	})
}

func TestProposalListKeyset(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		p := e.open()
		anna := e.person("anna", distN, "1990-01-01")
		var ids []string
		for i := range 7 {
			e.now = e.now.Add(1e9)
			pr := must[Proposal](t)(e.svc.Propose(anna, p.ID, ProposalInput{Title: fmt.Sprintf("Предложение номер %d", i), Body: "x"}))
			ids = append(ids, pr.ID)
		}
		for i := range 3 { // the fifth proposal gets three supports
			must[Proposal](t)(e.svc.Support(e.person(fmt.Sprint("s", i), distN, "1990-01-01"), ids[4]))
		}
		var seen []string
		page := web.Page{Limit: 3}
		for {
			l := must[web.List[Proposal]](t)(e.svc.Proposals(context.Background(), p.ID, OrderNew, page))
			for _, x := range l.Items {
				seen = append(seen, x.ID)
			}
			if l.NextCursor == "" {
				break
			}
			page.After = strings.Split(decode(t, l.NextCursor), "\x1f")
		}
		if len(seen) != 7 || seen[0] != ids[6] || seen[6] != ids[0] {
			t.Fatalf("newest first over pages: %v", seen)
		}
		top := must[web.List[Proposal]](t)(e.svc.Proposals(context.Background(), p.ID, OrderTop, web.Page{Limit: 3}))
		if top.Items[0].ID != ids[4] || top.NextCursor == "" {
			t.Fatalf("top %+v", top.Items[0])
		}
		if _, err := e.svc.Proposals(context.Background(), p.ID, OrderNew, web.Page{Limit: 3, After: []string{"x", "y"}}); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func decode(t *testing.T, cursor string) string {
	t.Helper()
	b, err := base64URL.DecodeString(cursor)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"Анна Петрова": "Анна П.", "Иван": "Иван", "": "", "Мария Ивановна Кузнецова": "Мария И. К."} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

var base64URL = base64.RawURLEncoding
