package appeals

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// QuestionKind is the type of a category's extra question; the names are
// Open311's attribute datatypes.
type QuestionKind string

// The kinds of question.
const (
	QuestionString   QuestionKind = "string"          // one line
	QuestionNumber   QuestionKind = "number"          // a decimal number
	QuestionDatetime QuestionKind = "datetime"        // a moment, local to the municipality when no zone is given
	QuestionText     QuestionKind = "text"            // several lines
	QuestionSingle   QuestionKind = "singlevaluelist" // one option
	QuestionMulti    QuestionKind = "multivaluelist"  // any number of options
)

// QuestionKinds lists the kinds in the order the admin page offers them.
func QuestionKinds() []QuestionKind {
	return []QuestionKind{QuestionString, QuestionNumber, QuestionDatetime, QuestionText, QuestionSingle, QuestionMulti}
}

// List reports whether the kind chooses among options.
func (k QuestionKind) List() bool { return k == QuestionSingle || k == QuestionMulti }

// Limits of questions and answers.
const (
	MaxQuestions    = 20  // per category
	MaxOptions      = 50  // per list question
	MaxAnswerString = 300 // characters of a one-line answer
)

// Option is one choice of a list question: a stable key and its labels.
type Option struct {
	Key string `json:"key"`
	RU  string `json:"ru"`
	EN  string `json:"en,omitempty"`
}

// Label is the option's label in lang, Russian when English is missing.
func (o Option) Label(lang string) string {
	return i18n.Pick(lang, o.RU, o.EN)
}

// Question is one extra question of a category, asked on the submission
// form in Position order and listed as an Open311 attribute.
type Question struct {
	ID         string       `json:"id"`
	CategoryID string       `json:"category_id"`
	TenantID   string       `json:"tenant_id"`
	Code       string       `json:"code"` // Open311's attribute code, the form field q.<code>
	Kind       QuestionKind `json:"datatype"`
	LabelRU    string       `json:"label_ru"`
	LabelEN    string       `json:"label_en,omitempty"`
	HintRU     string       `json:"hint_ru,omitempty"`
	HintEN     string       `json:"hint_en,omitempty"`
	Required   bool         `json:"required"`
	Position   int          `json:"order"`
	Options    []Option     `json:"values,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
}

// Label is the question in lang, Russian when English is missing.
func (q Question) Label(lang string) string {
	return i18n.Pick(lang, q.LabelRU, q.LabelEN)
}

// Hint is the question's help text in lang.
func (q Question) Hint(lang string) string {
	return i18n.Pick(lang, q.HintRU, q.HintEN)
}

// Field is the question's form field name.
func (q Question) Field() string { return "q." + q.Code }

// option finds an option by key.
func (q Question) option(key string) (Option, bool) {
	i := slices.IndexFunc(q.Options, func(o Option) bool { return o.Key == key })
	if i < 0 {
		return Option{}, false
	}
	return q.Options[i], true
}

// QuestionInput is what an administrator gives to add a question.
type QuestionInput struct {
	Code     string       `json:"code"`
	Kind     QuestionKind `json:"datatype"`
	LabelRU  string       `json:"label_ru"`
	LabelEN  string       `json:"label_en"`
	HintRU   string       `json:"hint_ru"`
	HintEN   string       `json:"hint_en"`
	Required bool         `json:"required"`
	Options  []Option     `json:"values"`
}

var (
	questionCode = codePattern
	optionKey    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
)

func (in *QuestionInput) normalize() {
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.LabelRU, in.LabelEN = strings.TrimSpace(in.LabelRU), strings.TrimSpace(in.LabelEN)
	in.HintRU, in.HintEN = strings.TrimSpace(in.HintRU), strings.TrimSpace(in.HintEN)
	for i := range in.Options {
		o := &in.Options[i]
		o.Key, o.RU, o.EN = strings.ToLower(strings.TrimSpace(o.Key)), strings.TrimSpace(o.RU), strings.TrimSpace(o.EN)
	}
}

func (in QuestionInput) validate() map[string]string {
	bad := map[string]string{}
	if !questionCode.MatchString(in.Code) {
		bad["code"] = "appeals.question.code.invalid"
	}
	if !slices.Contains(QuestionKinds(), in.Kind) {
		bad["datatype"] = "appeals.question.kind.invalid"
	}
	if n := utf8.RuneCountInString(in.LabelRU); n < 2 || n > MaxName || !printable(in.LabelRU) {
		bad["label_ru"] = "appeals.question.label.invalid"
	}
	for field, s := range map[string]string{"label_en": in.LabelEN, "hint_ru": in.HintRU, "hint_en": in.HintEN} {
		if utf8.RuneCountInString(s) > MaxName || !printable(s) {
			bad[field] = "appeals.question.label.invalid"
		}
	}
	switch {
	case in.Kind.List() && (len(in.Options) < 2 || len(in.Options) > MaxOptions):
		bad["values"] = "appeals.question.values.count"
	case !in.Kind.List() && len(in.Options) > 0:
		bad["values"] = "appeals.question.values.none"
	}
	seen := map[string]bool{}
	for _, o := range in.Options {
		if !optionKey.MatchString(o.Key) || seen[o.Key] || o.RU == "" || utf8.RuneCountInString(o.RU) > MaxName ||
			utf8.RuneCountInString(o.EN) > MaxName || !printable(o.RU+o.EN) {
			bad["values"] = "appeals.question.values.invalid"
		}
		seen[o.Key] = true
	}
	return bad
}

// Questions lists a category's questions in order; they are public, like
// the category.
func (s *Service) Questions(ctx context.Context, categoryID string) ([]Question, error) {
	return s.st.questions(ctx, categoryID)
}

// categoryAdmin reads a category the actor administers.
func (s *Service) categoryAdmin(ctx context.Context, categoryID string) (Category, *auth.Actor, error) {
	who, err := actor(ctx)
	if err != nil {
		return Category{}, nil, err
	}
	c, err := s.st.category(ctx, categoryID)
	if err != nil {
		return c, nil, err
	}
	muni, err := s.municipality(ctx, c.TenantID)
	if err != nil {
		return c, nil, err
	}
	if !who.Can(auth.RoleMunicipalAdmin, muni.Path) {
		return c, nil, ErrForbidden
	}
	return c, who, nil
}

// AddQuestion appends a question to a category; the municipality's
// administrators (or anyone above them) may.
func (s *Service) AddQuestion(ctx context.Context, categoryID string, in QuestionInput) (Question, error) {
	c, _, err := s.categoryAdmin(ctx, categoryID)
	if err != nil {
		return Question{}, err
	}
	in.normalize()
	if bad := in.validate(); len(bad) > 0 {
		return Question{}, invalid("question-invalid", bad)
	}
	q := Question{ID: db.NewID(), CategoryID: c.ID, TenantID: c.TenantID, Code: in.Code, Kind: in.Kind, LabelRU: in.LabelRU,
		LabelEN: in.LabelEN, HintRU: in.HintRU, HintEN: in.HintEN, Required: in.Required, Options: in.Options, CreatedAt: s.now()}
	if !q.Kind.List() {
		q.Options = nil
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		qs, err := s.st.questions(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(qs) >= MaxQuestions {
			return invalid("question-invalid", map[string]string{"code": "appeals.question.too_many"})
		}
		q.Position = 1
		if len(qs) > 0 {
			q.Position = qs[len(qs)-1].Position + 1
		}
		if err := s.st.createQuestion(ctx, q); err != nil {
			if db.IsUnique(err) {
				return &fault.Error{Kind: ErrConflict, Type: "question-taken", Key: "error.conflict",
					Fields: map[string]string{"code": "appeals.question.code.taken"}}
			}
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.question.create", ObjectType: "appeal_question", ObjectID: q.ID,
			TenantID: q.TenantID, Detail: map[string]any{"category_id": c.ID, "code": q.Code, "datatype": q.Kind, "required": q.Required}},
			"appeal.question.created", map[string]string{"id": q.ID, "tenant_id": q.TenantID, "category_id": c.ID})
	})
	return q, wrap("add question", err)
}

// question reads a question and checks the actor administers its category.
func (s *Service) questionAdmin(ctx context.Context, id string) (Question, error) {
	q, err := s.st.question(ctx, id)
	if err != nil {
		return q, err
	}
	_, _, err = s.categoryAdmin(ctx, q.CategoryID)
	return q, err
}

// DeleteQuestion removes a question; answers already given keep their
// code and value.
func (s *Service) DeleteQuestion(ctx context.Context, id string) error {
	q, err := s.questionAdmin(ctx, id)
	if err != nil {
		return err
	}
	return wrap("delete question", s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.deleteQuestion(ctx, q.ID); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.question.delete", ObjectType: "appeal_question", ObjectID: q.ID,
			TenantID: q.TenantID, Detail: map[string]any{"category_id": q.CategoryID, "code": q.Code}},
			"appeal.question.deleted", map[string]string{"id": q.ID, "tenant_id": q.TenantID, "category_id": q.CategoryID})
	}))
}

// MoveQuestion swaps a question with its neighbour above (up) or below.
func (s *Service) MoveQuestion(ctx context.Context, id string, up bool) error {
	q, err := s.questionAdmin(ctx, id)
	if err != nil {
		return err
	}
	return wrap("move question", s.db.InTx(ctx, func(ctx context.Context) error {
		qs, err := s.st.questions(ctx, q.CategoryID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(qs, func(o Question) bool { return o.ID == q.ID })
		j := i + 1
		if up {
			j = i - 1
		}
		if i < 0 || j < 0 || j >= len(qs) {
			return nil // already first or last
		}
		if err := s.st.setQuestionPosition(ctx, qs[i].ID, qs[j].Position); err != nil {
			return err
		}
		if err := s.st.setQuestionPosition(ctx, qs[j].ID, qs[i].Position); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.question.move", ObjectType: "appeal_question", ObjectID: q.ID,
			TenantID: q.TenantID, Detail: map[string]any{"category_id": q.CategoryID, "position": qs[j].Position}},
			"appeal.question.moved", map[string]string{"id": q.ID, "tenant_id": q.TenantID, "category_id": q.CategoryID})
	}))
}

// Answer is what an author answered to one extra question. Value is the
// stored text: a number as written, a datetime in RFC 3339, an option key,
// or (multivaluelist) a JSON array of option keys.
type Answer struct {
	QuestionID string `json:"question_id"`
	Code       string `json:"code"`
	Value      string `json:"value"`
}

// Values are the option keys of a list answer, or the value alone.
func (a Answer) Values() []string {
	var keys []string
	if strings.HasPrefix(a.Value, "[") && json.Unmarshal([]byte(a.Value), &keys) == nil {
		return keys
	}
	return []string{a.Value}
}

// checkAnswers validates the answers (by question code) against the
// category's questions, putting a message per offending field into bad
// (field q.<code>); it returns what to store. An answer to a question the
// category does not ask is refused.
func checkAnswers(qs []Question, given map[string][]string, loc *time.Location, bad map[string]string) []Answer {
	byCode := map[string]Question{}
	for _, q := range qs {
		byCode[q.Code] = q
	}
	for code := range given {
		if _, ok := byCode[code]; !ok {
			bad["q."+code] = "appeals.question.unknown"
		}
	}
	var out []Answer
	for _, q := range qs {
		var vals []string
		for _, v := range given[q.Code] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			if q.Required {
				bad[q.Field()] = "appeals.question.required"
			}
			continue
		}
		value, key := answerValue(q, vals, loc)
		if key != "" {
			bad[q.Field()] = key
			continue
		}
		out = append(out, Answer{QuestionID: q.ID, Code: q.Code, Value: value})
	}
	return out
}

// answerValue checks the non-empty values given to q and returns the
// text to store, or the message key of what is wrong.
func answerValue(q Question, vals []string, loc *time.Location) (string, string) {
	if q.Kind != QuestionMulti && len(vals) > 1 {
		return "", "appeals.question.one"
	}
	v := vals[0]
	switch q.Kind {
	case QuestionString:
		if utf8.RuneCountInString(v) > MaxAnswerString || strings.ContainsAny(v, "\r\n") || !printable(v) {
			return "", "appeals.question.string"
		}
	case QuestionText:
		if utf8.RuneCountInString(v) > MaxDescription || !printable(v) {
			return "", "appeals.question.text"
		}
	case QuestionNumber:
		f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", "appeals.question.number"
		}
		return strconv.FormatFloat(f, 'f', -1, 64), ""
	case QuestionDatetime:
		t, ok := parseDatetime(v, loc)
		if !ok {
			return "", "appeals.question.datetime"
		}
		return t.Format(time.RFC3339), ""
	case QuestionSingle:
		if _, ok := q.option(v); !ok {
			return "", "appeals.question.option"
		}
	case QuestionMulti:
		seen := map[string]bool{}
		keys := []string{}
		for _, k := range vals {
			if _, ok := q.option(k); !ok {
				return "", "appeals.question.option"
			}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		b, _ := json.Marshal(keys)
		return string(b), ""
	}
	return v, ""
}

// parseDatetime reads RFC 3339, or a browser's datetime-local / date
// value, which is local time in the municipality's zone.
func parseDatetime(v string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(loc), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// answersFor validates a submission's answers against its category's
// questions; an item with no category may carry no answers.
func (s *Service) answersFor(ctx context.Context, cat *Category, given map[string][]string, loc *time.Location, bad map[string]string) ([]Answer, error) {
	var qs []Question
	if cat != nil {
		var err error
		if qs, err = s.st.questions(ctx, cat.ID); err != nil {
			return nil, err
		}
	}
	return checkAnswers(qs, given, loc, bad), nil
}

// AnswerView is an answer as the detail page shows it.
type AnswerView struct {
	Label string
	Text  string
}

// AnswerViews pairs an item's answers with their questions' labels and
// option labels in lang; an answer to a deleted question shows its code.
func (s *Service) AnswerViews(ctx context.Context, a Appeal, lang string) ([]AnswerView, error) {
	if len(a.Answers) == 0 {
		return nil, nil
	}
	qs, err := s.st.questions(ctx, a.CategoryID)
	if err != nil {
		return nil, err
	}
	byCode := map[string]Question{}
	for _, q := range qs {
		byCode[q.Code] = q
	}
	out := make([]AnswerView, 0, len(a.Answers))
	for _, an := range a.Answers {
		q, ok := byCode[an.Code]
		if !ok {
			out = append(out, AnswerView{Label: an.Code, Text: an.Value})
			continue
		}
		v := AnswerView{Label: q.Label(lang), Text: an.Value}
		if q.Kind.List() {
			var labels []string
			for _, k := range an.Values() {
				if o, ok := q.option(k); ok {
					labels = append(labels, o.Label(lang))
				} else {
					labels = append(labels, k)
				}
			}
			v.Text = strings.Join(labels, ", ")
		}
		out = append(out, v)
	}
	return out, nil
}
