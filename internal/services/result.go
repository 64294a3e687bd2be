package services

import (
	"context"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/pdf"
)

// ErrNoResult means the application has no result document (yet).
var ErrNoResult = conflict("services.result.none")

// Result renders the result document of an approved application as a PDF,
// in Russian (an official document), to the applicant and the officials
// over it. It is made from the stored application, so it reads the same
// every time it is downloaded.
func (s *Service) Result(ctx context.Context, id string) ([]byte, string, error) {
	app, err := s.Application(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if app.State != StateApproved {
		return nil, "", ErrNoResult
	}
	if s.fonts == nil {
		return nil, "", wrap("result", pdf.ErrNoFonts)
	}
	e, err := s.st.entry(ctx, app.ServiceID)
	if err != nil {
		return nil, "", wrap("result", err)
	}
	m, err := s.municipality(ctx, app.TenantID)
	if err != nil {
		return nil, "", err
	}
	loc := zone(m)
	title := e.ResultRU
	if title == "" {
		title = "Результат предоставления муниципальной услуги"
	}
	doc := pdf.New(s.fonts).Title(title, m.Name).Author(m.Name)
	doc.Table(
		pdf.Row{Key: "Муниципальная услуга", Value: e.NameRU},
		pdf.Row{Key: "Заявитель", Value: app.ApplicantName},
		pdf.Row{Key: "Заявление", Value: fmt.Sprintf("№ %s от %s", app.Number, app.Submitted.In(loc).Format("02.01.2006"))},
		pdf.Row{Key: "Решение", Value: "Услуга предоставлена " + app.Decided.In(loc).Format("02.01.2006")},
	)
	var rows []pdf.Row
	for _, f := range e.Form {
		v := app.Values[f.Code]
		if v == "" || f.Kind == KindFile {
			continue
		}
		v = f.Display(v, "ru")
		if f.Kind == KindCheckbox {
			v = "да"
		}
		rows = append(rows, pdf.Row{Key: f.LabelRU, Value: v})
	}
	if len(rows) > 0 {
		doc.Heading("Сведения заявления").Table(rows...)
	}
	if app.Note != "" {
		doc.Heading("Содержание решения").Paragraph(app.Note)
	}
	doc.Paragraph("Основание: " + e.LegalBasis + ".")
	doc.Footer("Документ к заявлению", app.Number, app.Decided.In(loc))
	b, err := doc.Bytes()
	if err != nil {
		return nil, "", wrap("result", err)
	}
	return b, "result-" + app.Number + ".pdf", nil
}
