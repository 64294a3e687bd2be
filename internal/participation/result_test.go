package participation

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// civic is a process with a proposals phase and then a voting phase, both
// open to verified adults of North; a knapsack budget of 1 000 000 ₽ with
// projects of 600 000, 400 000 and 300 000 ₽; an accepted and a rejected
// proposal, a closed choice poll and a free-text poll, and four ballots.
type civic struct {
	*env
	proc               Process
	bud                Budget
	p                  []string
	accepted, rejected Proposal
	choice, text       Poll
}

// The people of the civic process: ids and names that must never reach
// open data.
var civicPeople = []string{"zqanna", "zqboris", "zqvera", "zqgleb"}

func civicEnv(t *testing.T, body func(t *testing.T, c *civic)) {
	run(t, func(t *testing.T, e *env) {
		var perms []PermissionInput
		for _, a := range []Action{ActionPropose, ActionSupport, ActionAnswer, ActionVote} {
			perms = append(perms, PermissionInput{Action: a, Level: LevelVerified, TerritoryNodeID: distN.ID, MinAge: 16})
		}
		c := &civic{env: e, proc: e.process("civic", []PhaseKind{PhaseProposals, PhaseVoting}, perms...)}
		c.bud = must[Budget](t)(e.svc.CreateBudget(admin(muniA), c.proc.ID, BudgetInput{DistrictID: distN.ID, Title: "Север",
			Limit: 100_000_000, Kind: pb.Knapsack}))
		for _, cost := range []int64{60_000_000, 40_000_000, 30_000_000} {
			c.p = append(c.p, must[BudgetProject](t)(e.svc.AddProject(admin(muniA), c.bud.ID, ProjectInput{Title: "Проект " + itoa(int(cost/1_000_000)), Cost: cost})).ID)
		}
		c.bud = must[Budget](t)(e.svc.Budget(context.Background(), c.bud.ID))
		ctx := func(i int) context.Context { return e.person(civicPeople[i], distN, "1980-01-01") }
		c.accepted = must[Proposal](t)(e.svc.Propose(ctx(0), c.proc.ID, ProposalInput{Title: "Скамейки в сквере у школы", Body: "Пишите мне, Анна Петрова", TerritoryNodeID: distN.ID}))
		c.rejected = must[Proposal](t)(e.svc.Propose(ctx(1), c.proc.ID, ProposalInput{Title: "Фонтан на площади Победы", Body: "Большой и красивый", TerritoryNodeID: distN.ID}))
		must[Proposal](t)(e.svc.Support(ctx(2), c.accepted.ID))
		op := official(auth.RoleOperator, muniA)
		must[Proposal](t)(e.svc.AnswerProposal(op, c.accepted.ID, AnswerAccepted, "Сделаем летом"))
		must[Proposal](t)(e.svc.AnswerProposal(op, c.rejected.ID, AnswerRejected, "Нет денег"))
		c.choice = must[Poll](t)(e.svc.CreatePoll(admin(muniA), c.proc.ID, PollInput{Kind: PollSingle, Question: "Где лавочки?",
			Options: []string{"У школы", "В парке"}, ClosesAt: start.Add(48 * time.Hour)}))
		c.text = must[Poll](t)(e.svc.CreatePoll(admin(muniA), c.proc.ID, PollInput{Kind: PollText, Question: "Что ещё?",
			ClosesAt: start.Add(48 * time.Hour)}))
		for i := range 3 {
			if err := e.svc.AnswerPoll(ctx(i), c.choice.ID, PollAnswer{Choices: []int{1 + i%2}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.svc.AnswerPoll(ctx(0), c.text.ID, PollAnswer{Text: "Секрет: звоните Анне Петровой"}); err != nil {
			t.Fatal(err)
		}
		e.now = start.Add(11 * 24 * time.Hour) // voting
		box := NewBallotBox(e.svc, nil)
		for i, ps := range [][]string{{c.p[0]}, {c.p[0]}, {c.p[0], c.p[1]}, {c.p[1]}} {
			if _, err := box.Cast(ctx(i), c.bud.ID, BallotInput{Projects: ps, IdempotencyKey: newKey()}); err != nil {
				t.Fatal(err)
			}
		}
		body(t, c)
	})
}

func (c *civic) over() { c.now = start.Add(21 * 24 * time.Hour) }

func TestResultLinksOnlyWinnersAndAcceptedProposals(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		op := official(auth.RoleOperator, muniA)
		// while voting runs no project has won yet
		if _, err := c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[0]}); fieldOf(err)["project_id"] == "" {
			t.Fatalf("during voting: %v", err)
		}
		c.over()
		w := must[map[string]bool](t)(c.svc.winners(context.Background(), c.proc, c.bud))
		if !w[c.p[0]] || !w[c.p[1]] || w[c.p[2]] {
			t.Fatalf("winners %v", w)
		}
		before := c.counts() + c.resultCounts()
		for _, x := range []struct {
			ctx context.Context
			in  ResultInput
			err error
			fld string
		}{
			{context.Background(), ResultInput{ProjectID: c.p[0]}, fault.ErrUnauthorized, ""},
			{c.person("zqanna", distN, "1980-01-01"), ResultInput{ProjectID: c.p[0]}, fault.ErrForbidden, ""},
			{official(auth.RoleOperator, muniB), ResultInput{ProjectID: c.p[0]}, fault.ErrForbidden, ""},
			{op, ResultInput{}, fault.ErrInvalid, "project_id"},
			{op, ResultInput{ProjectID: c.p[2]}, fault.ErrInvalid, "project_id"},          // lost
			{op, ResultInput{ProjectID: "nope"}, fault.ErrInvalid, "project_id"},          // unknown
			{op, ResultInput{ProposalID: c.rejected.ID}, fault.ErrInvalid, "proposal_id"}, // rejected
			{op, ResultInput{ProposalID: "nope", Budget: 1}, fault.ErrInvalid, "proposal_id"},
			{op, ResultInput{ProposalID: c.accepted.ID}, fault.ErrInvalid, "budget_kopecks"}, // no project: budget needed
			{op, ResultInput{ProjectID: c.p[0], Progress: 150, Status: StatusInProgress}, fault.ErrInvalid, "progress"},
			{op, ResultInput{ProjectID: c.p[0], Progress: 50, Status: StatusDone}, fault.ErrInvalid, "progress"},
			{op, ResultInput{ProjectID: c.p[0], Progress: 10}, fault.ErrInvalid, "progress"}, // planned
			{op, ResultInput{ProjectID: c.p[0], Status: "finished"}, fault.ErrInvalid, "status"},
			{op, ResultInput{ProjectID: c.p[0], Spent: -1}, fault.ErrInvalid, "spent_kopecks"},
			{op, ResultInput{ProjectID: c.p[0], Title: strings.Repeat("я", maxTitle+1)}, fault.ErrInvalid, "title"},
		} {
			_, err := c.svc.CreateResult(x.ctx, c.proc.ID, x.in)
			if !errors.Is(err, x.err) || (x.fld != "" && fieldOf(err)[x.fld] == "") {
				t.Errorf("%+v: want %v on %q, got %v", x.in, x.err, x.fld, err)
			}
		}
		if got := c.counts() + c.resultCounts(); got != before {
			t.Fatalf("refusals wrote something:\n%s\n%s", before, got)
		}
		r := must[Result](t)(c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[0], ProposalID: c.accepted.ID}))
		if r.Budget != 60_000_000 || r.Title != "Проект 60" || r.BudgetID != c.bud.ID || r.Status != StatusPlanned {
			t.Fatalf("created %+v", r)
		}
		if _, err := c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[0]}); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second result for a project: %v", err)
		}
		if _, err := c.svc.CreateResult(op, c.proc.ID, ResultInput{ProposalID: c.accepted.ID, Budget: 5}); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second result for a proposal: %v", err)
		}
		for _, q := range [][2]string{{c.p[0], ""}, {"", c.accepted.ID}} {
			if got := must[Result](t)(c.svc.ResultFor(context.Background(), q[0], q[1])); got.ID != r.ID {
				t.Fatalf("result for %v: %s", q, got.ID)
			}
		}
		if _, err := c.svc.ResultFor(context.Background(), c.p[1], ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("no result yet: %v", err)
		}
		if n := c.auditCount("participation.result.create"); n != 1 {
			t.Fatalf("audited creations %d", n)
		}
	})
}

func (c *civic) resultCounts() string {
	var b strings.Builder
	for _, t := range []string{"participation_results", "participation_result_milestones", "participation_result_photos"} {
		b.WriteString(t + "=" + itoa(c.count(t)) + " ")
	}
	return b.String()
}

func (c *civic) auditCount(action string) int {
	c.t.Helper()
	var n int
	if err := c.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

func TestResultUpdatesMilestonesAudited(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		op := official(auth.RoleOperator, muniA)
		r := must[Result](t)(c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[1]}))
		up := ResultUpdate{Title: r.Title, Description: "Подрядчик выбран", Status: StatusInProgress, Progress: 40, Spent: 15_000_000}
		if _, err := c.svc.UpdateResult(c.person("zqanna", distN, "1980-01-01"), r.ID, up); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident: %v", err)
		}
		if _, err := c.svc.UpdateResult(official(auth.RoleOperator, muniB), r.ID, up); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("other municipality: %v", err)
		}
		bad := up
		bad.Status, bad.Progress = StatusDone, 99
		if _, err := c.svc.UpdateResult(op, r.ID, bad); fieldOf(err)["progress"] == "" {
			t.Fatalf("done at 99 %%: %v", err)
		}
		got := must[Result](t)(c.svc.UpdateResult(op, r.ID, up))
		if got.Budget != 40_000_000 || got.Progress != 40 || got.SpentPercent() != 37 || got.SpentText() == "" {
			t.Fatalf("updated %+v", got)
		}
		var detail string
		c.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE action = 'participation.result.update'`).Scan(&detail)
		if !strings.Contains(detail, `"progress":{"from":0,"to":40}`) || !strings.Contains(detail, `"status":{"from":"planned","to":"in_progress"}`) {
			t.Fatalf("audit detail %s", detail)
		}
		// a project's budget stays its cost as voted
		up.Budget = 1
		if got := must[Result](t)(c.svc.UpdateResult(op, r.ID, up)); got.Budget != 40_000_000 {
			t.Fatalf("budget changed to %d", got.Budget)
		}
		if n := c.auditCount("participation.result.update"); n != 1 {
			t.Fatalf("a no-op update was audited: %d", n)
		}
		for _, in := range []MilestoneInput{{Title: "", Due: "2026-07-01"}, {Title: "Проект", Due: "1 июля"}, {Title: "Проект", Due: "2026-02-30"}} {
			if _, err := c.svc.AddMilestone(op, r.ID, in); !errors.Is(err, fault.ErrInvalid) {
				t.Fatalf("%+v: %v", in, err)
			}
		}
		if _, err := c.svc.AddMilestone(c.person("zqanna", distN, "1980-01-01"), r.ID, MilestoneInput{Title: "x", Due: "2026-07-01"}); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident milestone: %v", err)
		}
		m1 := must[Milestone](t)(c.svc.AddMilestone(op, r.ID, MilestoneInput{Title: "Проект готов", Due: "2026-07-01"}))
		m2 := must[Milestone](t)(c.svc.AddMilestone(op, r.ID, MilestoneInput{Title: "Работы закончены", Due: "2026-09-01"}))
		if m2.Position != 2 {
			t.Fatalf("position %d", m2.Position)
		}
		must[Milestone](t)(c.svc.MarkMilestone(op, r.ID, m1.ID, true))
		if _, err := c.svc.MarkMilestone(op, r.ID, "nope", true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown milestone: %v", err)
		}
		got = must[Result](t)(c.svc.Result(context.Background(), r.ID))
		if len(got.Milestones) != 2 || !got.Milestones[0].Done || got.Milestones[0].DoneAt == nil || got.Milestones[1].Done {
			t.Fatalf("milestones %+v", got.Milestones)
		}
		if c.auditCount("participation.result.milestone.add") != 2 || c.auditCount("participation.result.milestone.mark") != 1 {
			t.Fatal("milestones not audited")
		}
		// the public list filters by status; tenants see only their own
		if l := must[[]Result](t)(c.svc.Results(context.Background(), muniA.ID, ResultFilter{Status: StatusInProgress})); len(l) != 1 {
			t.Fatalf("in progress: %d", len(l))
		}
		if l := must[[]Result](t)(c.svc.Results(context.Background(), muniA.ID, ResultFilter{Status: StatusDone})); len(l) != 0 {
			t.Fatalf("done: %d", len(l))
		}
		if l := must[[]Result](t)(c.svc.Results(context.Background(), muniB.ID, ResultFilter{})); len(l) != 0 {
			t.Fatalf("other tenant sees %d", len(l))
		}
		if _, err := c.svc.Results(context.Background(), muniA.ID, ResultFilter{Status: "x"}); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bad filter: %v", err)
		}
	})
}

// withChunk inserts a PNG chunk after IHDR.
func withChunk(p []byte, typ string, data []byte) []byte {
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(len(data)))
	c.WriteString(typ)
	c.Write(data)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	at := 8 + 25 // signature + IHDR chunk
	return append(append(append([]byte{}, p[:at]...), c.Bytes()...), p[at:]...)
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 100, 255})
		}
	}
	return img
}

func TestResultPhotosAreSniffedAndStripped(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		c.over()
		op := official(auth.RoleOperator, muniA)
		r := must[Result](t)(c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[0]}))
		var pngBuf, jpgBuf bytes.Buffer
		png.Encode(&pngBuf, testImage())
		jpeg.Encode(&jpgBuf, testImage(), nil)
		pngMeta := withChunk(pngBuf.Bytes(), "tEXt", []byte("Comment\x00GPS 59.93 30.31 zqanna"))
		exif := append([]byte("Exif\x00\x00"), []byte("GPS 59.93 30.31 zqanna")...)
		app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
		jpgMeta := append(append([]byte{0xFF, 0xD8}, app1...), jpgBuf.Bytes()[2:]...)
		for _, in := range [][]byte{pngMeta, jpgMeta} {
			if _, _, err := image.Decode(bytes.NewReader(in)); err != nil {
				t.Fatalf("test image does not decode: %v", err)
			}
		}
		before := c.resultCounts()
		for name, bad := range map[string][]byte{
			"empty": nil,
			"text":  []byte("<html>not an image</html>"),
			"gif":   []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
			"large": append(append([]byte{}, pngBuf.Bytes()...), make([]byte, MaxPhotoBytes)...),
			"torn":  pngBuf.Bytes()[:60],
		} {
			if _, err := c.svc.AddPhoto(op, r.ID, bad, ""); fieldOf(err)["photo"] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := c.svc.AddPhoto(c.person("zqanna", distN, "1980-01-01"), r.ID, pngMeta, ""); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("resident photo: %v", err)
		}
		if got := c.resultCounts(); got != before {
			t.Fatalf("refused photos stored: %s", got)
		}
		for _, in := range [][]byte{pngMeta, jpgMeta} {
			p := must[Photo](t)(c.svc.AddPhoto(op, r.ID, in, "Сквер, июнь"))
			_, data, err := c.svc.Photo(context.Background(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte("zqanna")) || bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte("tEXt")) {
				t.Fatalf("%s kept its metadata", p.ContentType)
			}
			img, format, err := image.Decode(bytes.NewReader(data))
			if err != nil || "image/"+format != p.ContentType || img.Bounds().Dx() != 40 || p.Height != 30 {
				t.Fatalf("stored %s: %v %s", p.ContentType, err, format)
			}
		}
		if got := must[Result](t)(c.svc.Result(context.Background(), r.ID)); len(got.Photos) != 2 || got.Photos[0].Caption != "Сквер, июнь" {
			t.Fatalf("photos %+v", got.Photos)
		}
		if c.auditCount("participation.result.photo.add") != 2 {
			t.Fatal("photos not audited")
		}
	})
}

func TestOpenDataHasNoPersonalData(t *testing.T) {
	civicEnv(t, func(t *testing.T, c *civic) {
		// while voting runs budgets carry no counts
		d := must[OpenData](t)(c.svc.OpenData(context.Background(), c.proc.ID))
		if d.Budgets[0].Final || d.Budgets[0].Ballots != 0 || d.Budgets[0].Project[0].Votes != 0 {
			t.Fatalf("counts leaked during voting: %+v", d.Budgets[0])
		}
		c.over()
		op := official(auth.RoleOperator, muniA)
		r := must[Result](t)(c.svc.CreateResult(op, c.proc.ID, ResultInput{ProjectID: c.p[0], ProposalID: c.accepted.ID}))
		must[Milestone](t)(c.svc.AddMilestone(op, r.ID, MilestoneInput{Title: "Проект готов", Due: "2026-07-01"}))
		d = must[OpenData](t)(c.svc.OpenData(context.Background(), c.proc.ID))
		if len(d.Proposals) != 2 || d.Proposals[0].Supports != 1 || d.Proposals[0].AnswerState != "accepted" {
			t.Fatalf("proposals %+v", d.Proposals)
		}
		if len(d.Polls) != 2 || d.Polls[0].Responses != 3 || d.Polls[0].Options[0].Votes != 2 || d.Polls[1].Responses != 1 || len(d.Polls[1].Options) != 0 {
			t.Fatalf("polls %+v", d.Polls)
		}
		b := d.Budgets[0]
		if !b.Final || b.Ballots != 4 || b.Project[0].Votes != 3 || b.Project[1].Votes != 2 || !b.Project[0].Greedy ||
			!b.Project[0].MES || b.Project[2].Greedy || b.Project[2].MES {
			t.Fatalf("budget %+v", b)
		}
		if len(d.Results) != 1 || d.Results[0].Milestones != 1 || d.Results[0].Budget != 60_000_000 {
			t.Fatalf("results %+v", d.Results)
		}
		js, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var csvBuf bytes.Buffer
		if err := d.WriteCSV(&csvBuf); err != nil {
			t.Fatal(err)
		}
		csv := csvBuf.String()
		if first, _, _ := strings.Cut(csv, "\n"); first != strings.Join(CSVColumns, ",") {
			t.Fatalf("header %q", first)
		}
		for _, want := range []string{"Скамейки в сквере у школы", "poll_option", "project," + c.p[0] + "," + c.bud.ID, "result," + r.ID} {
			if !strings.Contains(csv, want) {
				t.Errorf("CSV lacks %q", want)
			}
		}
		official := auth.From(op)
		secrets := append([]string{"Анна", "Петров", "Секрет", "Сделаем летом", "Нет денег", "Пишите мне", official.ID}, civicPeople...)
		for _, out := range []string{string(js), csv} {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("open data holds %q", s)
				}
			}
		}
		if _, err := c.svc.OpenData(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown process: %v", err)
		}
	})
}
