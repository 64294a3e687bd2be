package services

import (
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// DemoMunicipality is a demo municipality with its department ids by code.
type DemoMunicipality struct {
	ID          string
	Departments map[string]string
	// Applications is how many demo applications to file (0: none).
	Applications int
}

// DemoResident is a demo resident who files applications.
type DemoResident struct {
	ID, Name string
}

// DemoInput is what the demo step gives the services domain.
type DemoInput struct {
	Municipalities []DemoMunicipality
	Residents      []DemoResident
	Now            time.Time
}

// DemoResult counts what the demo made: Extended counts the
// applications whose deadline a suspension of their term moved.
type DemoResult struct {
	Services, Applications, Extended int
}

// demoLead moves the demo's applications back far enough that the last
// one's steps (at most two official steps of 56 hours and a wait of 102)
// are all in the past.
const demoLead = 10 * 24 * time.Hour

// demoPDF is a scanned document's stand-in: a small, whole PDF.
var demoPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// demoValues are plausible answers for each demo service.
var demoValues = map[string]map[string]string{
	"kindergarten": {"snils": "112-233-445 95", "child": "Смирнова Алиса Игоревна", "child_birth": "-3y", "start": "+8m", "group": "full", "phone": "+7 911 555-12-34", "consent": "on"},
	"address":      {"snils": "112-233-445 95", "object": "building", "action": "assign", "cadastre": "47:29:0103004:57", "location": "Лужский р-н, д. Заклинье, ул. Новая, жилой дом на участке 14", "consent": "on"},
	"earthworks":   {"inn": "500100732259", "address": "г. Луга, пр. Кирова, у д. 12", "purpose": "network", "start": "+5d", "end": "+20d", "area": "12", "phone": "+7 911 555-12-34", "consent": "on"},
	"tree-felling": {"snils": "112-233-445 95", "address": "г. Луга, ул. Красной Артиллерии, 7, двор", "trees": "2", "reason": "dangerous", "consent": "on"},
	"residential":  {"snils": "112-233-445 95", "address": "г. Луга, ул. Льва Толстого, 3, кв. 2", "request": "unfit", "area": "38", "consent": "on"},
	"trading-site": {"inn": "7707083893", "ogrn": "1027700132195", "place": "14", "kind": "seasonal", "goods": "Овощи и фрукты", "from": "+30d", "consent": "on"},
	"archive":      {"snils": "112-233-445 95", "kind": "work", "organisation": "Лужский завод «Белкозин», 1985–1992", "year_from": "1985", "year_to": "1992", "delivery": "online", "consent": "on"},
	"housing-need": {"snils": "112-233-445 95", "family": "4", "area": "28", "ground": "below_norm", "consent": "on"},
}

// SeedDemo fills the demo catalogues and, where asked, files applications
// in every state, backdated over the last weeks with a clock of its own.
// It runs again without adding anything twice. ctx must carry a platform
// administrator.
func SeedDemo(ctx context.Context, s *Service, in DemoInput) (DemoResult, error) {
	var res DemoResult
	for _, m := range in.Municipalities {
		have, err := s.st.entries(ctx, m.ID)
		if err != nil {
			return res, err
		}
		codes := map[string]bool{}
		for _, e := range have {
			codes[e.Code] = true
		}
		for _, d := range demoCatalogue() {
			if codes[d.Code] {
				continue
			}
			d.Entry.DepartmentID, d.Entry.Active = m.Departments[d.dept], true
			if _, err := s.CreateEntry(ctx, m.ID, d.Entry); err != nil {
				return res, fmt.Errorf("services demo: %s: %w", d.Code, err)
			}
			res.Services++
		}
		if m.Applications > 0 && len(have) == 0 && len(in.Residents) > 0 {
			n, ext, err := demoApplications(ctx, s, m, in)
			if err != nil {
				return res, err
			}
			res.Applications += n
			res.Extended += ext
		}
	}
	return res, nil
}

// demoApplications files m.Applications applications, cycling through the
// services and residents, and moves them on as officials would: most are
// decided, some refused, some wait for a document (with their term
// suspended where the service provides for it), some are late. It
// returns how many it filed and how many of their deadlines a
// suspension moved.
func demoApplications(ctx context.Context, s *Service, m DemoMunicipality, in DemoInput) (made, extended int, err error) {
	muni, err := s.municipality(ctx, m.ID)
	if err != nil {
		return 0, 0, err
	}
	clock := in.Now
	sim := *s
	sim.now = func() time.Time { return clock.UTC().Truncate(time.Millisecond) }
	cat := demoCatalogue()
	for i := range m.Applications {
		d := cat[i%len(cat)]
		r := in.Residents[i%len(in.Residents)]
		clock = in.Now.Add(-time.Duration(m.Applications-i)*7*time.Hour - demoLead) // spread over the last weeks
		res := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: r.ID, Name: r.Name,
			Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muni.ID, ScopePath: muni.Path}}})
		app, err := sim.Start(res, m.ID, d.Code)
		if err != nil {
			return made, extended, fmt.Errorf("services demo: start %s: %w", d.Code, err)
		}
		vals := map[string]string{}
		for k, v := range demoValues[d.Code] {
			vals[k] = relative(v, clock)
		}
		var ups []Upload
		for _, f := range d.Form.Files() {
			ups = append(ups, Upload{Field: f.Code, Name: f.Code + ".pdf", Data: demoPDF})
		}
		made++
		if i%9 == 8 { // a draft the resident has not sent yet
			if _, err := sim.SaveDraft(res, app.ID, vals, ups); err != nil {
				return made, extended, err
			}
			continue
		}
		sent, err := sim.Submit(res, app.ID, vals, ups)
		if err != nil {
			return made, extended, fmt.Errorf("services demo: submit %s: %w", d.Code, err)
		}
		if err := demoProcess(ctx, res, &clock, &sim, app.ID, d, i); err != nil {
			return made, extended, err
		}
		if done, err := s.st.app(ctx, app.ID); err != nil {
			return made, extended, err
		} else if done.Due.After(sent.Due) {
			extended++
		}
	}
	// The first resident (whose login the demo prints) also has a draft
	// begun today, half filled in.
	r := in.Residents[0]
	clock = in.Now
	res := auth.With(ctx, &auth.Actor{Kind: auth.User, ID: r.ID, Name: r.Name,
		Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muni.ID, ScopePath: muni.Path}}})
	app, err := sim.Start(res, m.ID, "kindergarten")
	if err != nil {
		return made, extended, err
	}
	if _, err := sim.SaveDraft(res, app.ID, map[string]string{"child": "Смирнова Алиса Игоревна"}, nil); err != nil {
		return made, extended, err
	}
	return made + 1, extended, nil
}

// demoProcess moves application i on by the officials' usual steps.
func demoProcess(ctx, res context.Context, clock *time.Time, sim *Service, id string, d demoEntry, i int) error {
	step := func(act Action, note, reason string) error {
		*clock = clock.Add(time.Duration(20+i%5*9) * time.Hour)
		_, err := sim.Act(ctx, id, Decision{Action: act, Note: note, Reason: reason})
		return err
	}
	switch i % 6 {
	case 0: // still waiting to be accepted
		return nil
	case 2: // under consideration
		return step(ActAccept, "", "")
	case 1: // approved
		if err := step(ActAccept, "", ""); err != nil {
			return err
		}
		return step(ActApprove, "Решение принято по результатам рассмотрения представленных документов.", "")
	case 3: // waiting for the resident's document
		if err := step(ActAccept, "", ""); err != nil {
			return err
		}
		return step(ActRequest, "Приложите, пожалуйста, документ в читаемом виде: скан нечёткий.", "")
	case 4: // refused on the first ground of the regulation
		if err := step(ActAccept, "", ""); err != nil {
			return err
		}
		return step(ActRefuse, "Документы не соответствуют требованиям регламента.", d.Reasons[0].Code)
	default: // a document was asked for, came days later (over a weekend for some), and the result was issued
		if err := step(ActRequest, "Нужна копия документа с отметкой о регистрации.", ""); err != nil {
			return err
		}
		*clock = clock.Add(time.Duration(30+i%4*24) * time.Hour)
		var ups []Upload
		for _, f := range d.Form.Files() {
			ups = append(ups, Upload{Field: f.Code, Name: f.Code + "-2.pdf", Data: demoPDF})
		}
		if len(ups) == 0 { // nothing to upload: the official decides at once
			return step(ActApprove, "", "")
		}
		if _, err := sim.Provide(res, id, ups, "Прилагаю."); err != nil {
			return err
		}
		return step(ActApprove, "", "")
	}
}

// relative turns a demo value such as "+8m" or "-3y" into a date from now.
func relative(v string, now time.Time) string {
	if len(v) < 2 || v[0] != '+' && v[0] != '-' {
		return v
	}
	d, err := resolveDate(v, now)
	if err != nil {
		return v
	}
	return d.Format(time.DateOnly)
}
