package appeals

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestFillSubstitutesPlaceholdersOnce(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	a := Appeal{ID: "01ab", AuthorName: "Иван {{date}} <b>Петров</b>", ReceivedAt: time.Date(2026, 1, 31, 22, 30, 0, 0, time.UTC)}
	for _, c := range []struct{ body, want string }{
		{"Обращение № {{number}} от {{date}}.", "Обращение № 01ab от 01.02.2026."},  // the day in Moscow
		{"Уважаемый(ая) {{ name }}!", "Уважаемый(ая) Иван {{date}} <b>Петров</b>!"}, // a value is not expanded again
		{"{{unknown}} stays", "{{unknown}} stays"},
		{"no placeholders", "no placeholders"},
	} {
		if got := Fill(c.body, a, msk); got != c.want {
			t.Errorf("Fill(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestReplyTemplates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		op := official("op-a", auth.RoleOperator, muniA, "")
		before := e.counts()
		for name, c := range map[string]struct {
			in    ReplyTemplateInput
			field string
		}{
			"empty name":          {ReplyTemplateInput{Body: "Текст"}, "name"},
			"two-line name":       {ReplyTemplateInput{Name: "Один\nдва", Body: "Текст"}, "name"},
			"empty body":          {ReplyTemplateInput{Name: "Ответ"}, "body"},
			"unknown placeholder": {ReplyTemplateInput{Name: "Ответ", Body: "Дата: {{today}}"}, "body"},
			"long body":           {ReplyTemplateInput{Name: "Ответ", Body: strings.Repeat("я", MaxNote+1)}, "body"},
			"foreign category":    {ReplyTemplateInput{Name: "Ответ", Body: "Текст", CategoryID: "nope"}, "category_id"},
		} {
			_, err := e.svc.CreateReplyTemplate(admin(muniA), muniA.ID, c.in)
			if fe, ok := fault.As(err); !ok || !errors.Is(err, fault.ErrInvalid) || fe.Fields[c.field] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.CreateReplyTemplate(op, muniA.ID, ReplyTemplateInput{Name: "Ответ", Body: "Текст"}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("an operator creates a template: %v", err)
		}
		if _, err := e.svc.CreateReplyTemplate(admin(muniB), muniA.ID, ReplyTemplateInput{Name: "Ответ", Body: "Текст"}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("another municipality's admin creates one: %v", err)
		}
		if after := e.counts(); after["audit_log"] != before["audit_log"] {
			t.Fatal("a refused template was audited")
		}
		any := must[ReplyTemplate](t)(e.svc.CreateReplyTemplate(admin(muniA), muniA.ID, ReplyTemplateInput{Name: "Общий",
			Body: "Обращение {{number}} от {{date}} рассмотрено."}))
		potOnly := must[ReplyTemplate](t)(e.svc.CreateReplyTemplate(admin(muniA), muniA.ID, ReplyTemplateInput{Name: "Яма",
			Body: "{{name}}, яма заделана.", CategoryID: pot.ID}))
		must[ReplyTemplate](t)(e.svc.CreateReplyTemplate(admin(muniB), muniB.ID, ReplyTemplateInput{Name: "Чужой", Body: "Текст"}))

		if ts := must[[]ReplyTemplate](t)(e.svc.ReplyTemplates(op, muniA.ID, "")); len(ts) != 2 {
			t.Fatalf("muni A's templates %+v", ts)
		}
		if ts := must[[]ReplyTemplate](t)(e.svc.ReplyTemplates(op, muniA.ID, "other-category")); len(ts) != 1 || ts[0].ID != any.ID {
			t.Fatalf("for another category %+v", ts)
		}
		if ts := must[[]ReplyTemplate](t)(e.svc.ReplyTemplates(op, muniA.ID, pot.ID)); len(ts) != 2 {
			t.Fatalf("for potholes %+v", ts)
		}
		if _, err := e.svc.ReplyTemplates(op, muniB.ID, ""); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("muni B's templates to muni A's operator: %v", err)
		}
		if _, err := e.svc.ReplyTemplates(resident("r1"), muniA.ID, ""); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("templates to a resident: %v", err)
		}
		if err := e.svc.DeleteReplyTemplate(admin(muniB), muniB.ID, potOnly.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("deleting another municipality's template: %v", err)
		}
		if err := e.svc.DeleteReplyTemplate(admin(muniA), muniA.ID, potOnly.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.d.Writer().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'appeals.reply_template.%'`).Scan(&n); err != nil || n != 4 {
			t.Fatalf("audited %d %v, want 4", n, err)
		}
	})
}

func TestReplyTemplatePrefillsTheAnswer(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		a := e.complaint(resident("r1"))
		op := official("op-a", auth.RoleOperator, muniA, "")
		must[Appeal](t)(e.svc.Register(op, a.ID))
		must[Appeal](t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, a.ID))
		tpl := must[ReplyTemplate](t)(e.svc.CreateReplyTemplate(admin(muniA), muniA.ID, ReplyTemplateInput{Name: "Вывоз мусора",
			Body: "Уважаемый(ая) {{name}}! По обращению от {{date}} мусор вывезен."}))
		h := testServer(t, e.svc, map[string]*auth.Actor{
			"op": auth.From(op), "admin": auth.From(admin(muniA)), "r1": auth.From(resident("r1")),
		})
		for _, sc := range []scenario{
			{name: "the answer form offers the template", actor: "op", method: "GET", path: "/appeals/" + a.ID, status: 200,
				want: []string{`id="answer-reply"`, "Вывоз мусора"}},
			{name: "picked, it fills the answer", actor: "op", method: "GET", path: "/appeals/" + a.ID + "?step=answer&reply=" + tpl.ID,
				status: 200, want: []string{"Уважаемый(ая) Иван Петров! По обращению от 10.01.2025 мусор вывезен.", `<details id="step-answer" open>`}},
			{name: "the author sees no templates", actor: "r1", method: "GET", path: "/appeals/" + a.ID + "?step=answer&reply=" + tpl.ID,
				status: 200},
			{name: "the admin page", actor: "admin", method: "GET", path: "/m/a/appeals/replies", status: 200,
				want: []string{"Вывоз мусора", `name="body"`}},
			{name: "the admin page, to an operator", actor: "op", method: "GET", path: "/m/a/appeals/replies", status: 403},
			{name: "a bad template", actor: "admin", method: "POST", path: "/m/a/appeals/replies", status: 400,
				form: url.Values{"name": {"Плохой"}, "body": {"{{oops}}"}}, want: []string{`id="reply-body-error"`}},
			{name: "a good template", actor: "admin", method: "POST", path: "/m/a/appeals/replies", status: 303, location: "/m/a/appeals/replies?saved=1",
				form: url.Values{"name": {"Хороший"}, "body": {"Спасибо, {{name}}."}}, writes: true},
		} {
			rec := sc.run(t, e, h)
			if sc.actor == "r1" && strings.Contains(rec.Body.String(), "Вывоз мусора") {
				t.Errorf("%s: the author sees a template", sc.name)
			}
		}
	})
}
