package decisions

import (
	"net/http"
	"slices"
	"strings"

	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/pdf"
	"github.com/muni-platform/muni/internal/platform/sheet"
	"github.com/muni-platform/muni/internal/platform/web"
)

// cardRows are a decision's card, key and value, as both the PDF and the
// XLSX card show it.
func cardRows(loc *i18n.Localizer, m Municipality, d Decision) []pdf.Row {
	rows := []pdf.Row{
		{Key: loc.T("decisions.field.municipality"), Value: m.Label(loc.Lang)},
		{Key: loc.T("decisions.field.body"), Value: loc.T("decisions.body." + string(d.Body))},
		{Key: loc.T("decisions.field.decided_on"), Value: d.DecidedText()},
		{Key: loc.T("decisions.field.number"), Value: d.Number},
		{Key: loc.T("decisions.field.title"), Value: d.Title},
		{Key: loc.T("decisions.field.status"), Value: loc.T("decisions.status." + string(d.Status))},
		{Key: loc.T("decisions.field.text"), Value: d.Text},
		{Key: loc.T("decisions.field.rationale"), Value: d.Rationale},
	}
	var links []string
	for _, l := range d.Links {
		s := l.Title
		if l.Summary != "" {
			s += " — " + l.Summary
		}
		links = append(links, s)
	}
	rows = append(rows, pdf.Row{Key: loc.T("decisions.field.links"), Value: strings.Join(links, "\n")})
	var hist []string
	for _, c := range d.History {
		s := c.At.Format("02.01.2006") + " " + loc.T("decisions.status."+string(c.Status))
		if c.Note != "" {
			s += ": " + c.Note
		}
		hist = append(hist, s)
	}
	return append(rows, pdf.Row{Key: loc.T("decisions.field.history"), Value: strings.Join(hist, "\n")})
}

// cardPDF serves the decision's card as a PDF document.
func (h *handler) cardPDF(w http.ResponseWriter, r *http.Request) error {
	p, err := h.decisionView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	fonts, err := h.Fonts()
	if err != nil {
		return err
	}
	loc := h.Catalog.Localizer(web.Lang(r.Context()))
	d := p.Decision
	doc := pdf.New(fonts).Title(d.Title, loc.T("decisions.line", "Body", loc.T("decisions.body."+string(d.Body)), "Date", d.DecidedText(), "Number", d.Number)).
		Author(p.Muni.Label(loc.Lang)).Table(cardRows(loc, p.Muni, d)...).Footer(loc.T("decisions.card.label"), d.Number, d.DecidedDate())
	b, err := doc.Bytes()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="decision-`+d.ID+`.pdf"`)
	_, err = w.Write(b)
	return err
}

// cardXLSX serves the decision's card as a two-column sheet.
func (h *handler) cardXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := h.decisionView(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	loc := h.Catalog.Localizer(web.Lang(r.Context()))
	var rows [][]any
	for _, c := range cardRows(loc, p.Muni, p.Decision) {
		rows = append(rows, []any{c.Key, c.Value})
	}
	return xlsxSheet(loc.T("decisions.card.sheet"), nil).Serve(w, "decision-"+p.Decision.ID, slices.Values(rows))
}

// registerXLSX serves the register (what the visitor may see, with the
// page's search) as one row per decision.
func (h *handler) registerXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ds, err := h.svc.Register(ctx, m, Filter{Query: q.Get("q"), Status: Status(q.Get("status")), Drafts: CanEdit(ctx, m), Limit: 500})
	if err != nil {
		return err
	}
	loc := h.Catalog.Localizer(web.Lang(ctx))
	var head []string
	for _, k := range []string{"decided_on", "body", "number", "title", "status", "text", "rationale", "links"} {
		head = append(head, loc.T("decisions.field."+k))
	}
	var rows [][]any
	for _, d := range ds {
		card := cardRows(loc, m, d)
		rows = append(rows, []any{d.DecidedOn, card[1].Value, d.Number, d.Title, card[5].Value, d.Text, d.Rationale, card[8].Value})
	}
	return xlsxSheet(loc.T("decisions.register.sheet"), head).Serve(w, "decisions-"+m.Slug, slices.Values(rows))
}

// xlsxSheet is a decisions sheet: the first two columns wide enough for
// the card's keys and the register's dates and bodies.
func xlsxSheet(name string, head []string) sheet.Sheet {
	return sheet.Sheet{Name: name, Head: head, Widths: map[int]float64{1: 30, 2: 30}}
}
