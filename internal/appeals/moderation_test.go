package appeals

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// obsceneReport files a report whose description the detector flags.
func (e *env) obsceneReport(ctx context.Context, cat Category, text string) Appeal {
	e.t.Helper()
	return must[Appeal](e.t)(e.svc.Submit(ctx, SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: cat.ID,
		Description: text, Point: &Point{Lat: 59.9301, Lon: 30.3101}}))
}

func publicIDs(t *testing.T, e *env) map[string]bool {
	t.Helper()
	items := must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, PublicFilter{Limit: 100}))
	out := map[string]bool{}
	for _, it := range items {
		out[it.ID] = true
	}
	return out
}

func TestModerationHoldsFlaggedItemsFromThePublic(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(true)
		clean := e.report(resident("u1"), cat)
		bad := e.obsceneReport(resident("u2"), cat, "Опять эта х.у.йня на дороге, сколько можно")
		if st := must[string](t)(e.svc.Moderation(context.Background(), bad.ID)); st != ModPending {
			t.Fatalf("flagged item status %q", st)
		}
		if st := must[string](t)(e.svc.Moderation(context.Background(), clean.ID)); st != "" {
			t.Fatalf("clean item status %q", st)
		}
		ids := publicIDs(t, e)
		if !ids[clean.ID] || ids[bad.ID] {
			t.Fatalf("public list %v: want the clean item only", ids)
		}
		near := must[[]PublicReport](t)(e.svc.Nearby(context.Background(), muniA.ID, cat.ID, Point{Lat: 59.93, Lon: 30.31}))
		for _, n := range near {
			if n.ID == bad.ID {
				t.Fatal("a held item is offered as a nearby duplicate")
			}
		}
		// The author and the officials still see it; the work goes on.
		if _, err := e.svc.Appeal(resident("u2"), bad.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Register(official("op", auth.RoleOperator, muniA, ""), bad.ID); err != nil {
			t.Fatal(err)
		}
		// The address is public too, and checked; so are answers to the
		// category's questions.
		if w := flagText(SubmitInput{Description: "Яма", Answers: map[string][]string{"depth": {"10"}, "note": {"пиздец"}}}); w == "" {
			t.Error("an answer's obscenity is missed")
		}
		if w := flagText(SubmitInput{Description: "Яма", Address: "ул. Ленина, 5, ёбаный двор"}); w == "" {
			t.Error("an address's obscenity is missed")
		}
		if w := flagText(SubmitInput{Description: "Яма", Address: "ул. Хулиганова, 3"}); w != "" {
			t.Errorf("clean text flagged for %q", w)
		}
	})
}

func TestModerationDecisions(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(true)
		a := e.obsceneReport(resident("u1"), cat, "Мудаки, засыпьте яму")
		b := e.obsceneReport(resident("u2"), cat, "fuck this pothole")
		head := official("head", auth.RoleDepartmentHead, muniA, depA1.ID)
		queue := must[[]Flagged](t)(e.svc.ModerationQueue(head, ModerationFilter{}))
		if len(queue) != 2 || queue[0].ID != a.ID || queue[0].Word == "" || queue[0].Description == "" {
			t.Fatalf("queue %+v", queue)
		}
		// An operator works items but does not judge texts; a head of
		// another municipality does not see them; a resident neither.
		for name, ctx := range map[string]context.Context{
			"operator": official("op", auth.RoleOperator, muniA, ""), "other muni": official("hb", auth.RoleDepartmentHead, muniB, ""),
			"resident": resident("u1"),
		} {
			if _, err := e.svc.ApproveText(ctx, a.ID); !errors.Is(err, ErrForbidden) && !errors.Is(err, ErrNotFound) {
				t.Errorf("%s approved: %v", name, err)
			}
		}
		if _, err := e.svc.ModerationQueue(official("op", auth.RoleOperator, muniA, ""), ModerationFilter{}); !errors.Is(err, ErrForbidden) {
			t.Errorf("operator sees the queue: %v", err)
		}
		if q := must[[]Flagged](t)(e.svc.ModerationQueue(official("hb", auth.RoleDepartmentHead, muniB, ""), ModerationFilter{})); len(q) != 0 {
			t.Errorf("muni B's head sees muni A's items: %d", len(q))
		}
		before := e.counts()
		if _, err := e.svc.HideText(head, b.ID, "  "); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("hidden without a reason: %v", err)
		}
		if after := e.counts(); after["audit_log"] != before["audit_log"] || after["appeals_history"] != before["appeals_history"] {
			t.Fatal("a refused decision wrote something")
		}
		must[Appeal](t)(e.svc.ApproveText(head, a.ID))
		hidden := must[Appeal](t)(e.svc.HideText(head, b.ID, "Нецензурная брань в тексте"))
		last := hidden.History[len(hidden.History)-1]
		if last.Action != ActModHide || last.Note != "Нецензурная брань в тексте" || last.To != hidden.State {
			t.Errorf("history step %+v", last)
		}
		if _, err := e.svc.ApproveText(head, b.ID); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("decided twice: %v", err)
		}
		ids := publicIDs(t, e)
		if !ids[a.ID] || ids[b.ID] {
			t.Errorf("public after decisions %v", ids)
		}
		if q := must[[]Flagged](t)(e.svc.ModerationQueue(head, ModerationFilter{Status: ModHidden})); len(q) != 1 || q[0].Reason == "" {
			t.Errorf("hidden list %+v", q)
		}
		// Photos of a hidden report are not public.
		if _, _, err := e.svc.PhotoFile(context.Background(), b.ID, 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("photo of a hidden item: %v", err)
		}
		evs := strings.Join(e.events(), " ")
		if !strings.Contains(evs, "appeal.moderation_hide") || !strings.Contains(evs, "appeal.moderation_approve") {
			t.Errorf("events %s", evs)
		}
		var n int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'appeals.appeal.moderation_%'`).Scan(&n); err != nil || n != 4 {
			t.Errorf("audit entries %d (%v), want 2 holds and 2 decisions", n, err)
		}
	})
}

func TestModerationPages(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		cat := e.pothole(true)
		bad := e.obsceneReport(resident("u1"), cat, "Пиздец, а не дорога")
		clean := e.report(resident("u2"), cat)
		appeal := must[Appeal](t)(e.svc.Submit(resident("u3"), SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
			Description: "Вы там все дебилы в администрации", AuthorName: "Иван Петров"}))
		head := auth.From(official("head", auth.RoleMunicipalAdmin, muniA, ""))
		h := testServer(t, e.svc, map[string]*auth.Actor{"head": head, "op": auth.From(official("op", auth.RoleOperator, muniA, ""))})
		scenario{name: "queue", actor: "head", method: "GET", path: "/appeals/moderation", status: 200,
			want: []string{"Модерация текстов", "Пиздец", "/appeals/" + bad.ID + "/moderate"}}.run(t, e, h)
		scenario{name: "operator", actor: "op", method: "GET", path: "/appeals/moderation", status: 403}.run(t, e, h)
		scenario{name: "hide without reason", actor: "head", method: "POST", path: "/appeals/" + bad.ID + "/moderate",
			form: url.Values{"decision": {"hide"}}, status: 400, want: []string{`aria-invalid="true"`}}.run(t, e, h)
		scenario{name: "unknown decision", actor: "head", method: "POST", path: "/appeals/" + bad.ID + "/moderate",
			form: url.Values{"decision": {"delete"}}, status: 400}.run(t, e, h)
		scenario{name: "api hide", actor: "head", method: "POST", path: "/api/v1/appeals/" + appeal.ID + "/moderate",
			json: `{"decision":"hide","reason":"Оскорбления"}`, status: 200, writes: true}.run(t, e, h)
		scenario{name: "api bad field", actor: "head", method: "POST", path: "/api/v1/appeals/" + bad.ID + "/moderate",
			json: `{"decision":"approve","extra":1}`, status: 400}.run(t, e, h)
		// Public views never show the held report, in any form.
		for _, path := range []string{"/m/a/reports", "/api/v1/municipalities/a/reports",
			"/open311/v2/requests.json?jurisdiction_id=a", "/open311/v2/requests.xml?jurisdiction_id=a",
			"/open311/v2/requests/" + bad.ID + ".json?jurisdiction_id=a"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if strings.Contains(rec.Body.String(), bad.ID) {
				t.Errorf("%s shows the held report", path)
			}
			if strings.HasPrefix(path, "/api") && !strings.Contains(rec.Body.String(), clean.ID) {
				t.Errorf("%s lacks the clean report", path)
			}
		}
		scenario{name: "approve", actor: "head", method: "POST", path: "/appeals/" + bad.ID + "/moderate",
			form: url.Values{"decision": {"approve"}}, status: 303, location: "/appeals/moderation?done=approve", writes: true}.run(t, e, h)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/open311/v2/requests.json?jurisdiction_id=a", nil))
		if !strings.Contains(rec.Body.String(), bad.ID) {
			t.Error("an approved report is not public")
		}
		// A hidden formal appeal is offered the art. 11 p. 3 no-answer
		// once registered.
		must[Appeal](t)(e.svc.Register(official("op", auth.RoleOperator, muniA, ""), appeal.ID))
		scenario{name: "hidden list", actor: "head", method: "GET", path: "/appeals/moderation?status=hidden", status: 200,
			want: []string{"Оскорбления", "/appeals/" + appeal.ID + "/no_answer", `value="obscene"`}}.run(t, e, h)
		scenario{name: "approved list", actor: "head", method: "GET", path: "/appeals/moderation?status=approved", status: 200,
			want: []string{"/appeals/" + bad.ID}}.run(t, e, h)
	})
}

// Several categories are listed one index walk each and merged: the
// newest first across them, the limit and the cursor kept.
func TestPublicReportsMergesCategories(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pothole := e.pothole(true)
		light := must[Category](t)(e.svc.CreateCategory(admin(muniA), muniA.ID, CategoryInput{Code: "light", Regime: RegimeReport,
			NameRU: "Фонарь", SLA: SLA{Amount: 3, Unit: Days}, AllowAnonymous: true}))
		other := must[Category](t)(e.svc.CreateCategory(admin(muniA), muniA.ID, CategoryInput{Code: "other", Regime: RegimeReport,
			NameRU: "Другое", SLA: SLA{Amount: 3, Unit: Days}, AllowAnonymous: true}))
		var want []string
		for i := range 7 {
			e.now = e.now.Add(time.Minute)
			c := []Category{pothole, light, other}[i%3]
			a := e.report(resident("u"+strconv.Itoa(i)), c)
			if c.ID != other.ID {
				want = append([]string{a.ID}, want...)
			}
		}
		ids := func(rs []PublicReport) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		f := PublicFilter{CategoryIDs: []string{pothole.ID, light.ID, pothole.ID}, Limit: 3}
		got := ids(must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, f)))
		if strings.Join(got, ",") != strings.Join(want[:3], ",") {
			t.Fatalf("first page %v, want %v", got, want[:3])
		}
		f.BeforeID = got[2]
		got = ids(must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, f)))
		if strings.Join(got, ",") != strings.Join(want[3:5], ",") {
			t.Fatalf("second page %v, want %v", got, want[3:5])
		}
		// Skewed categories and every page size: the chunked merge reads
		// the busy category in several chunks and still pages exactly.
		for i := range 23 {
			e.now = e.now.Add(time.Minute)
			c := pothole
			if i%5 == 0 {
				c = light
			}
			a := e.report(resident("v"+strconv.Itoa(i)), c)
			want = append([]string{a.ID}, want...)
		}
		for limit := 1; limit <= 12; limit++ {
			var all []string
			f := PublicFilter{CategoryIDs: []string{light.ID, pothole.ID}, Limit: limit}
			for {
				page := ids(must[[]PublicReport](t)(e.svc.PublicReports(context.Background(), muniA.ID, f)))
				all = append(all, page...)
				if len(page) < limit {
					break
				}
				f.BeforeID = page[len(page)-1]
			}
			if strings.Join(all, ",") != strings.Join(want, ",") {
				t.Fatalf("limit %d: paged %v, want %v", limit, all, want)
			}
		}
	})
}
