package appeals

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// potholeQuestions gives the pothole category one question of each kind.
func (e *env) potholeQuestions(cat Category) []Question {
	e.t.Helper()
	ctx := admin(muniA)
	var out []Question
	for _, in := range []QuestionInput{
		{Code: "depth", Kind: QuestionNumber, LabelRU: "Глубина, см", LabelEN: "Depth, cm", Required: true},
		{Code: "lane", Kind: QuestionSingle, LabelRU: "Где", LabelEN: "Where", Required: true,
			Options: []Option{{Key: "road", RU: "Проезжая часть", EN: "Roadway"}, {Key: "walk", RU: "Тротуар", EN: "Pavement"}}},
		{Code: "hazards", Kind: QuestionMulti, LabelRU: "Опасности", LabelEN: "Hazards",
			Options: []Option{{Key: "water", RU: "Вода", EN: "Water"}, {Key: "rebar", RU: "Арматура", EN: "Rebar"}, {Key: "dark", RU: "Темно", EN: "Dark"}}},
		{Code: "seen", Kind: QuestionDatetime, LabelRU: "Когда заметили", LabelEN: "Seen at"},
		{Code: "plate", Kind: QuestionString, LabelRU: "Номер столба", LabelEN: "Pole number"},
		{Code: "more", Kind: QuestionText, LabelRU: "Подробности", LabelEN: "Details"},
	} {
		out = append(out, must[Question](e.t)(e.svc.AddQuestion(ctx, cat.ID, in)))
	}
	return out
}

func fieldsOf(err error) map[string]string {
	if fe, ok := fault.As(err); ok {
		return fe.Fields
	}
	return nil
}

func TestQuestionsManaged(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		qs := e.potholeQuestions(pot)
		got := must[[]Question](t)(e.svc.Questions(resident("r1"), pot.ID))
		if len(got) != 6 || got[0].Code != "depth" || got[5].Code != "more" || got[1].Options[1].EN != "Pavement" {
			t.Fatalf("questions %+v", got)
		}
		for i, q := range got {
			if q.Position != i+1 {
				t.Errorf("%s at %d, want %d", q.Code, q.Position, i+1)
			}
		}
		// Moving and deleting, by an administrator only.
		if err := e.svc.MoveQuestion(admin(muniA), qs[1].ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.MoveQuestion(admin(muniA), qs[1].ID, true); err != nil { // already first: nothing moves
			t.Fatal(err)
		}
		got = must[[]Question](t)(e.svc.Questions(resident("r1"), pot.ID))
		if got[0].Code != "lane" || got[1].Code != "depth" {
			t.Errorf("after moving lane up: %s, %s", got[0].Code, got[1].Code)
		}
		for name, ctx := range map[string]context.Context{
			"resident":        resident("r1"),
			"operator":        official("op", auth.RoleOperator, muniA, ""),
			"other municipal": admin(muniB),
		} {
			if _, err := e.svc.AddQuestion(ctx, pot.ID, QuestionInput{Code: "x1", Kind: QuestionString, LabelRU: "Вопрос"}); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s adds a question: %v", name, err)
			}
			if err := e.svc.DeleteQuestion(ctx, qs[0].ID); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s deletes a question: %v", name, err)
			}
			if err := e.svc.MoveQuestion(ctx, qs[0].ID, false); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s moves a question: %v", name, err)
			}
		}
		if err := e.svc.DeleteQuestion(admin(muniA), qs[5].ID); err != nil {
			t.Fatal(err)
		}
		if got = must[[]Question](t)(e.svc.Questions(resident("r1"), pot.ID)); len(got) != 5 {
			t.Errorf("%d questions after a delete", len(got))
		}
	})
}

func TestQuestionsRefuseBadDefinitions(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		e.potholeQuestions(pot)
		before := e.counts()
		for _, tc := range []struct {
			name  string
			in    QuestionInput
			field string
		}{
			{"bad code", QuestionInput{Code: "Глубина", Kind: QuestionNumber, LabelRU: "Глубина"}, "code"},
			{"taken code", QuestionInput{Code: "depth", Kind: QuestionNumber, LabelRU: "Глубина"}, "code"},
			{"unknown kind", QuestionInput{Code: "x1", Kind: "photo", LabelRU: "Фото"}, "datatype"},
			{"no label", QuestionInput{Code: "x1", Kind: QuestionString}, "label_ru"},
			{"a list of one", QuestionInput{Code: "x1", Kind: QuestionSingle, LabelRU: "Выбор", Options: []Option{{Key: "a", RU: "А"}}}, "values"},
			{"repeated keys", QuestionInput{Code: "x1", Kind: QuestionMulti, LabelRU: "Выбор",
				Options: []Option{{Key: "a", RU: "А"}, {Key: "a", RU: "Б"}}}, "values"},
			{"an option without a name", QuestionInput{Code: "x1", Kind: QuestionSingle, LabelRU: "Выбор",
				Options: []Option{{Key: "a", RU: "А"}, {Key: "b"}}}, "values"},
			{"options on a number", QuestionInput{Code: "x1", Kind: QuestionNumber, LabelRU: "Число",
				Options: []Option{{Key: "a", RU: "А"}, {Key: "b", RU: "Б"}}}, "values"},
		} {
			_, err := e.svc.AddQuestion(admin(muniA), pot.ID, tc.in)
			if f := fieldsOf(err); f[tc.field] == "" {
				t.Errorf("%s: error %v, want a message on %s", tc.name, err, tc.field)
			}
		}
		if _, err := e.svc.AddQuestion(admin(muniA), "nope", QuestionInput{Code: "x1", Kind: QuestionString, LabelRU: "Вопрос"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown category: %v", err)
		}
		if after := e.counts(); !maps.Equal(before, after) {
			t.Errorf("refused definitions wrote: %v -> %v", before, after)
		}
	})
}

func TestAnswersValidatedAndStored(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		e.potholeQuestions(pot)
		base := func(answers map[string][]string) SubmitInput {
			return SubmitInput{TenantID: muniA.ID, Regime: RegimeReport, CategoryID: pot.ID,
				Description: "Глубокая яма у остановки «Школа».", Point: &Point{Lat: 59.93, Lon: 30.31}, Answers: answers}
		}
		good := map[string][]string{"depth": {"12,5"}, "lane": {"road"}, "hazards": {"water", "dark", "water"},
			"seen": {"2025-01-09T21:15"}, "plate": {"A-17"}}
		before := e.counts()
		for _, tc := range []struct {
			name    string
			answers map[string][]string
			field   string
			key     string
		}{
			{"required missing", map[string][]string{"lane": {"road"}}, "q.depth", "appeals.question.required"},
			{"required blank", map[string][]string{"depth": {"  "}, "lane": {"road"}}, "q.depth", "appeals.question.required"},
			{"not a number", withAnswer(good, "depth", "глубокая"), "q.depth", "appeals.question.number"},
			{"infinite", withAnswer(good, "depth", "1e999"), "q.depth", "appeals.question.number"},
			{"two numbers", withAnswer(good, "depth", "1", "2"), "q.depth", "appeals.question.one"},
			{"not an option", withAnswer(good, "lane", "sky"), "q.lane", "appeals.question.option"},
			{"one bad among many", withAnswer(good, "hazards", "water", "lava"), "q.hazards", "appeals.question.option"},
			{"not a date", withAnswer(good, "seen", "вчера"), "q.seen", "appeals.question.datetime"},
			{"a line with a break", withAnswer(good, "plate", "A\n17"), "q.plate", "appeals.question.string"},
			{"a long line", withAnswer(good, "plate", strings.Repeat("я", 301)), "q.plate", "appeals.question.string"},
			{"a control character", withAnswer(good, "more", "ok\x00"), "q.more", "appeals.question.text"},
			{"an unknown question", withAnswer(good, "colour", "red"), "q.colour", "appeals.question.unknown"},
		} {
			_, err := e.svc.Submit(resident("r1"), base(tc.answers))
			if got := fieldsOf(err)[tc.field]; got != tc.key {
				t.Errorf("%s: %s = %q (%v), want %q", tc.name, tc.field, got, err, tc.key)
			}
		}
		if after := e.counts(); !maps.Equal(before, after) {
			t.Errorf("refused submissions wrote: %v -> %v", before, after)
		}
		// A category without questions takes no answers either.
		if _, err := e.svc.Submit(resident("r1"), SubmitInput{TenantID: muniA.ID, Regime: RegimeAppeal, Kind: Complaint,
			Description: "Во дворе дома 5 не вывозят мусор.", AuthorName: "Иван Петров",
			Answers: map[string][]string{"depth": {"3"}}}); fieldsOf(err)["q.depth"] != "appeals.question.unknown" {
			t.Errorf("answers without a category: %v", err)
		}

		a := must[Appeal](t)(e.svc.Submit(resident("r1"), base(good)))
		stored := must[Appeal](t)(e.svc.Appeal(resident("r1"), a.ID))
		want := map[string]string{"depth": "12.5", "lane": "road", "hazards": `["water","dark"]`,
			"seen": "2025-01-09T21:15:00+03:00", "plate": "A-17"}
		if len(stored.Answers) != len(want) {
			t.Fatalf("stored %+v", stored.Answers)
		}
		for _, an := range stored.Answers {
			if want[an.Code] != an.Value {
				t.Errorf("%s stored as %q, want %q", an.Code, an.Value, want[an.Code])
			}
		}
		if stored.Answers[0].Code != "depth" || stored.Answers[1].Code != "lane" {
			t.Errorf("answers not in the questions' order: %+v", stored.Answers)
		}
		views := must[[]AnswerView](t)(e.svc.AnswerViews(resident("r1"), stored, "en"))
		if views[1].Label != "Where" || views[1].Text != "Roadway" || views[2].Text != "Water, Dark" {
			t.Errorf("views %+v", views)
		}
		// Another resident cannot read them.
		if _, err := e.svc.Appeal(resident("r2"), a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another resident reads the answers: %v", err)
		}
	})
}

func withAnswer(m map[string][]string, k string, v ...string) map[string][]string {
	out := maps.Clone(m)
	out[k] = v
	return out
}

func TestParseDatetime(t *testing.T) {
	msk, _ := time.LoadLocation("Europe/Moscow")
	kam, _ := time.LoadLocation("Asia/Kamchatka")
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want string
		ok   bool
	}{
		{"2025-01-09T21:15", msk, "2025-01-09T21:15:00+03:00", true},
		{"2025-01-09T21:15", kam, "2025-01-09T21:15:00+12:00", true},
		{"2025-01-09T21:15:00Z", msk, "2025-01-10T00:15:00+03:00", true},
		{"2025-01-09", msk, "2025-01-09T00:00:00+03:00", true},
		{"2025-02-30", msk, "", false},
		{"09.01.2025", msk, "", false},
	} {
		got, ok := parseDatetime(tc.in, tc.loc)
		if ok != tc.ok || (ok && got.Format(time.RFC3339) != tc.want) {
			t.Errorf("%s in %s: %v %v, want %s %v", tc.in, tc.loc, got.Format(time.RFC3339), ok, tc.want, tc.ok)
		}
	}
}

func TestQuestionsOnTheWeb(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		qs := e.potholeQuestions(pot)
		actors := map[string]*auth.Actor{"r1": auth.From(resident("r1")), "admin": auth.From(admin(muniA)),
			"op": auth.From(official("op", auth.RoleOperator, muniA, ""))}
		h := testServer(t, e.svc, actors)
		field := func(code string) string { return answerField(pot.ID, code) }
		form := func(extra url.Values) url.Values {
			v := url.Values{"topic": {"report:" + pot.ID}, "description": {"Глубокая яма у остановки «Школа»."},
				"lat": {"59.93"}, "lon": {"30.31"}, "author_name": {"Иван Петров"}, "file_anyway": {"yes"},
				field("depth"): {"20"}, field("lane"): {"walk"}}
			for k, vs := range extra {
				v[k] = vs
			}
			return v
		}
		for _, sc := range []scenario{
			{name: "the form asks", actor: "r1", method: "GET", path: "/m/a/appeals/new", status: 200,
				want: []string{`data-topic="report:` + pot.ID + `"`, `form:has(option[value="report:` + pot.ID + `"]:checked) .questions[data-topic="report:` + pot.ID + `"] { display: block; }`, `name="` + field("depth") + `"`, `inputmode="decimal"`,
					`type="datetime-local"`, `type="radio"`, `type="checkbox" id="a-` + pot.ID + `-hazards-0"`, "Глубина, см", "(обязательно)"}},
			{name: "a required answer missing", actor: "r1", method: "POST", path: "/m/a/appeals", form: form(url.Values{field("depth"): {""}}),
				status: 400, want: []string{"Ответьте на этот вопрос.", `value="walk" checked`}},
			{name: "a wrong option", actor: "r1", method: "POST", path: "/m/a/appeals", form: form(url.Values{field("lane"): {"sky"}}),
				status: 400, want: []string{"Выберите из предложенных вариантов."}},
			{name: "another category's fields are ignored", actor: "r1", method: "POST", path: "/m/a/appeals",
				form: form(url.Values{answerField("other", "x"): {"1"}}), status: 303, location: "/appeals/", writes: true},
			{name: "the admin page", actor: "admin", method: "GET", path: "/appeals/admin/categories/" + pot.ID + "/questions", status: 200,
				want: []string{"Глубина, см", "multivaluelist", "Добавить вопрос"}},
			{name: "not for an operator", actor: "op", method: "GET", path: "/appeals/admin/categories/" + pot.ID + "/questions", status: 403},
			{name: "add a list", actor: "admin", method: "POST", path: "/appeals/admin/categories/" + pot.ID + "/questions",
				form:   url.Values{"code": {"size"}, "datatype": {"singlevaluelist"}, "label_ru": {"Размер"}, "values": {"s | Маленькая | Small\nl | Большая | Large"}},
				status: 303, location: "/appeals/admin/categories/" + pot.ID + "/questions?saved=1", writes: true},
			{name: "a bad list", actor: "admin", method: "POST", path: "/appeals/admin/categories/" + pot.ID + "/questions",
				form:   url.Values{"code": {"size2"}, "datatype": {"singlevaluelist"}, "label_ru": {"Размер"}, "values": {"s | Маленькая"}},
				status: 400, want: []string{"от 2 до 50 вариантов"}},
			{name: "move down", actor: "admin", method: "POST", path: "/appeals/admin/questions/" + qs[0].ID + "/down", form: url.Values{},
				status: 303, writes: true},
			{name: "the service definition", method: "GET", path: "/open311/v2/services/pothole.json?jurisdiction_id=a", status: 200,
				want: []string{`"code":"depth"`, `"datatype":"number"`, `"variable":true`, `"required":true`, `"order":2`,
					`"values":[{"key":"road","name":"Проезжая часть"},{"key":"walk","name":"Тротуар"}]`}},
			{name: "the service list says metadata", method: "GET", path: "/open311/v2/services.json?jurisdiction_id=a", status: 200,
				want: []string{`"metadata":true`}},
		} {
			sc.run(t, e, h)
		}
		// The answer the web form gave is stored with the appeal.
		items := must[[]Summary](t)(e.svc.Mine(resident("r1"), "", 10))
		a := must[Appeal](t)(e.svc.Appeal(resident("r1"), items[0].ID))
		if len(a.Answers) != 2 || a.Answers[0].Value != "walk" && a.Answers[1].Value != "walk" {
			t.Errorf("answers from the form: %+v", a.Answers)
		}
		scenario{name: "detail", actor: "op", method: "GET", path: "/appeals/" + a.ID, status: 200,
			want: []string{"<dt>Где</dt><dd>Тротуар</dd>"}}.run(t, e, h)
	})
}

func TestOpen311Attributes(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		e.potholeQuestions(pot)
		h := testServer(t, e.svc, nil)
		post := func(v url.Values) url.Values {
			out := url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"a"}, "service_code": {"pothole"},
				"lat": {"59.93"}, "long": {"30.31"}, "description": {"Яма на перекрёстке у школы."},
				"attribute[depth]": {"15"}, "attribute[lane]": {"road"}}
			for k, vs := range v {
				out[k] = vs
			}
			return out
		}
		rec := scenario{name: "definition in XML", method: "GET", path: "/open311/v2/services/pothole.xml?jurisdiction_id=a", status: 200,
			want: []string{"<attributes><attribute><variable>true</variable><code>depth</code><datatype>number</datatype><required>true</required>",
				"<values><value><key>road</key><name>Проезжая часть</name></value>"}}.run(t, e, h)
		var def struct {
			Code  string `xml:"service_code"`
			Attrs []struct {
				Code  string   `xml:"code"`
				Order int      `xml:"order"`
				Keys  []string `xml:"values>value>key"`
			} `xml:"attributes>attribute"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &def); err != nil || len(def.Attrs) != 6 || def.Attrs[2].Code != "hazards" ||
			def.Attrs[2].Order != 3 || len(def.Attrs[2].Keys) != 3 {
			t.Errorf("XML definition %+v (%v)", def, err)
		}
		for _, sc := range []scenario{
			{name: "with attributes", method: "POST", path: "/open311/v2/requests.json", status: 201, writes: true,
				form: post(url.Values{"attribute[hazards][]": {"water", "rebar"}, "attribute[seen]": {"2025-01-09T21:15:00+03:00"}})},
			{name: "an unknown attribute", method: "POST", path: "/open311/v2/requests.json", status: 400,
				form: post(url.Values{"attribute[colour]": {"red"}}), want: []string{"attribute[colour]"}},
			{name: "a required attribute missing, in XML", method: "POST", path: "/open311/v2/requests.xml", status: 400,
				form: post(url.Values{"attribute[depth]": {""}}), want: []string{"<errors><error><code>400</code>", "Атрибут depth обязателен."}},
			{name: "a value not in the list", method: "POST", path: "/open311/v2/requests.json", status: 400,
				form: post(url.Values{"attribute[lane]": {"sky"}}), want: []string{"lane"}},
			{name: "not a number", method: "POST", path: "/open311/v2/requests.json", status: 400,
				form: post(url.Values{"attribute[depth]": {"deep"}}), want: []string{"depth"}},
			{name: "a malformed attribute name", method: "POST", path: "/open311/v2/requests.json", status: 400,
				form: post(url.Values{"attribute[depth": {"1"}})},
		} {
			sc.run(t, e, h)
		}
		var created []struct {
			ID string `json:"service_request_id"`
		}
		rec = scenario{name: "one more", method: "POST", path: "/open311/v2/requests.json", status: 201, writes: true, form: post(nil)}.run(t, e, h)
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || len(created) != 1 {
			t.Fatal(err)
		}
		a := must[Appeal](t)(e.svc.Appeal(admin(muniA), created[0].ID))
		if len(a.Answers) != 2 || a.Answers[0].Code != "depth" || a.Answers[0].Value != "15" {
			t.Errorf("stored %+v", a.Answers)
		}
	})
}
