package appeals

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
)

// o311Attribute is a category's extra question in a service definition.
type o311Attribute struct {
	XMLName             xml.Name    `xml:"attribute" json:"-"`
	Variable            bool        `xml:"variable" json:"variable"`
	Code                string      `xml:"code" json:"code"`
	Datatype            string      `xml:"datatype" json:"datatype"`
	Required            bool        `xml:"required" json:"required"`
	DatatypeDescription string      `xml:"datatype_description" json:"datatype_description"`
	Order               int         `xml:"order" json:"order"`
	Description         string      `xml:"description" json:"description"`
	Values              []o311Value `xml:"values>value" json:"values,omitempty"`
}

type o311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// o311Attributes lists a category's questions as Open311 attributes, in
// order, numbered from 1.
func o311Attributes(qs []Question, lang string) []o311Attribute {
	out := make([]o311Attribute, 0, len(qs))
	for i, q := range qs {
		a := o311Attribute{Variable: true, Code: q.Code, Datatype: string(q.Kind), Required: q.Required, Order: i + 1,
			Description: q.Label(lang), DatatypeDescription: q.Hint(lang)}
		if q.Kind == QuestionDatetime && a.DatatypeDescription == "" {
			a.DatatypeDescription = "ISO 8601 / RFC 3339"
		}
		for _, o := range q.Options {
			a.Values = append(a.Values, o311Value{Key: o.Key, Name: o.Label(lang)})
		}
		out = append(out, a)
	}
	return out
}

// o311Answers reads attribute[code]=v and attribute[code][]=v from a
// POST requests form; the attribute parameters are left out of what
// unknownParams judges.
func o311Answers(r *http.Request) map[string][]string {
	out := map[string][]string{}
	for k, vs := range r.PostForm {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(strings.TrimSuffix(code, "[]"), "]")
		out[code] = append(out[code], vs...)
	}
	return out
}

// isAttribute tells an attribute[...] parameter.
func isAttribute(k string) bool {
	return strings.HasPrefix(k, "attribute[") && strings.HasSuffix(k, "]")
}

// withQuestions marks the services whose category asks extra questions.
func (h *open311) withQuestions(ctx context.Context, tenantID string, out []o311Service, cats []Category) error {
	asked, err := h.svc.st.categoriesWithQuestions(ctx, tenantID)
	if err != nil {
		return err
	}
	for i := range out {
		for _, c := range cats {
			if c.Code == out[i].ServiceCode && asked[c.ID] {
				out[i].Metadata = true
			}
		}
	}
	return nil
}

// definitionOf is a category's Open311 service definition.
func (h *open311) definitionOf(ctx context.Context, cats []Category, code, lang string) (o311Definition, error) {
	def := o311Definition{ServiceCode: code, Attributes: []o311Attribute{}}
	for _, c := range cats {
		if c.Code != code {
			continue
		}
		qs, err := h.svc.Questions(ctx, c.ID)
		if err != nil {
			return def, err
		}
		def.Attributes = o311Attributes(qs, lang)
	}
	return def, nil
}
