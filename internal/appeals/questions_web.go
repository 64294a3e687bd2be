package appeals

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/muni-platform/muni/internal/platform/web"
)

// askedCategory is a report category with its extra questions, as the
// submission form renders them: each category's questions in their own
// fieldset, shown only while that category is chosen.
type askedCategory struct {
	Topic     string // the topic select's value, "report:<id>"
	Category  Category
	Questions []Question
}

// answerField is the form name of a question's field: per category, so
// questions of two categories never share a name.
func answerField(categoryID, code string) string { return "a." + categoryID + "." + code }

// Field names q's input on the submission form.
func (c askedCategory) Field(q Question) string { return answerField(c.Category.ID, q.Code) }

// ID is the element id of q's input (a list question: of its fieldset).
func (c askedCategory) ID(q Question) string { return "a-" + c.Category.ID + "-" + q.Code }

// questionsFor lists the questions of the report categories that ask any.
func (h *handler) questionsFor(ctx context.Context, cats []Category) ([]askedCategory, error) {
	var out []askedCategory
	for _, c := range cats {
		qs, err := h.svc.Questions(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if len(qs) > 0 {
			out = append(out, askedCategory{Topic: "report:" + c.ID, Category: c, Questions: qs})
		}
	}
	return out, nil
}

// Given is what was entered in a field, when the form comes back.
func (p newPage) Given(field string) string {
	return strings.Join(p.Lists[field], "")
}

// Chosen reports whether an option was ticked, when the form comes back.
func (p newPage) Chosen(field, key string) bool { return slices.Contains(p.Lists[field], key) }

// AnswerError is the message of a question of the chosen category.
func (p newPage) AnswerError(c askedCategory, q Question) string {
	if p.Values["topic"] != c.Topic {
		return ""
	}
	return p.Errors[q.Field()]
}

// formAnswers reads the answers to the chosen category's questions; the
// fields of other categories, filled before the person changed their
// mind, are left out.
func formAnswers(r *http.Request, categoryID string) (answers, given map[string][]string) {
	answers, given = map[string][]string{}, map[string][]string{}
	if categoryID == "" {
		return answers, given
	}
	prefix := "a." + categoryID + "."
	for k, vs := range r.PostForm {
		if code, ok := strings.CutPrefix(k, prefix); ok {
			answers[code] = vs
			given[k] = vs
		}
	}
	return answers, given
}

// questionsPage is where a municipality's administrator manages one
// category's extra questions.
type questionsPage struct {
	*form
	Muni      Municipality
	Category  Category
	Questions []Question
	Kinds     []QuestionKind
	Saved     bool
}

func (h *handler) questionsRoutes(rt *web.Router) {
	rt.Handle("GET /appeals/admin/categories/{id}/questions", h.questionsPage)
	rt.Handle("POST /appeals/admin/categories/{id}/questions", h.addQuestion)
	rt.Handle("POST /appeals/admin/questions/{id}/{op}", h.questionOp)
	rt.Handle("GET /api/v1/appeals/categories/{id}/questions", h.apiQuestions)
	rt.Handle("POST /api/v1/appeals/categories/{id}/questions", h.apiAddQuestion)
}

func (h *handler) questionsPage(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.showQuestions(w, r, http.StatusOK, newForm())
}

func (h *handler) showQuestions(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	c, _, err := h.svc.categoryAdmin(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := questionsPage{form: f, Category: c, Kinds: QuestionKinds(), Saved: r.URL.Query().Get("saved") == "1"}
	if p.Muni, err = h.svc.municipality(ctx, c.TenantID); err != nil {
		return err
	}
	if p.Questions, err = h.svc.Questions(ctx, c.ID); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "appeals/questions", p)
}

// parseOptions reads a list question's options typed one per line as
// "key | Русский | English".
func parseOptions(s string) []Option {
	var out []Option
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		out = append(out, Option{Key: parts[0], RU: parts[1], EN: parts[2]})
	}
	return out
}

func (h *handler) addQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := newForm()
	for _, k := range []string{"code", "datatype", "label_ru", "label_en", "hint_ru", "hint_en", "required", "values"} {
		f.Values[k] = r.PostFormValue(k)
	}
	in := QuestionInput{Code: f.Values["code"], Kind: QuestionKind(f.Values["datatype"]), LabelRU: f.Values["label_ru"],
		LabelEN: f.Values["label_en"], HintRU: f.Values["hint_ru"], HintEN: f.Values["hint_en"],
		Required: f.Values["required"] == "yes", Options: parseOptions(f.Values["values"])}
	if _, err := h.svc.AddQuestion(r.Context(), r.PathValue("id"), in); err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showQuestions(w, r, status, f)
	}
	http.Redirect(w, r, "/appeals/admin/categories/"+r.PathValue("id")+"/questions?saved=1", http.StatusSeeOther)
	return nil
}

// questionOp moves a question up or down, or deletes it.
func (h *handler) questionOp(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	q, err := h.svc.questionAdmin(ctx, id)
	if err != nil {
		return err
	}
	switch r.PathValue("op") {
	case "up", "down":
		err = h.svc.MoveQuestion(ctx, id, r.PathValue("op") == "up")
	case "delete":
		err = h.svc.DeleteQuestion(ctx, id)
	default:
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/appeals/admin/categories/"+q.CategoryID+"/questions?saved=1", http.StatusSeeOther)
	return nil
}

// apiQuestions lists a category's questions as JSON.
func (h *handler) apiQuestions(w http.ResponseWriter, r *http.Request) error {
	qs, err := h.svc.Questions(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.List[Question]{Items: qs})
}

// apiAddQuestion adds a question from JSON.
func (h *handler) apiAddQuestion(w http.ResponseWriter, r *http.Request) error {
	var in QuestionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	q, err := h.svc.AddQuestion(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, q)
}

// TextFields are the question form's one-line inputs, in order.
func (questionsPage) TextFields() []string {
	return []string{"code", "label_ru", "label_en", "hint_ru", "hint_en"}
}

// QuestionsCSS shows each category's questions only while it is chosen,
// where the browser knows :has (elsewhere all of them show, each headed by
// its category). Topics are ids of our own making; anything else in one
// is dropped, so nothing typed by a person reaches the style sheet.
func (p newPage) QuestionsCSS() template.CSS {
	var b strings.Builder
	b.WriteString("@supports selector(:has(a)) {\n  .questions { display: none; }\n")
	for _, c := range p.Asked {
		t := strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return -1
		}, c.Topic)
		fmt.Fprintf(&b, "  form:has(option[value=%q]:checked) .questions[data-topic=%q] { display: block; }\n", t, t)
	}
	b.WriteString("}\n")
	return template.CSS(b.String())
}
