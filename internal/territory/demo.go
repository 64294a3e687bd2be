package territory

import (
	"context"
	"errors"
	"fmt"
)

// Demo is what the demo seed made, for the demo steps of other domains.
type Demo struct {
	Region     Node
	Main       DemoMunicipality   // Лужский муниципальный округ
	Neighbours []DemoMunicipality // Гатчинский and Кингисеппский
}

// DemoMunicipality is one demo municipal okrug.
type DemoMunicipality struct {
	Node
	Settlements []Node
	Departments map[string]string // department code -> id
}

// All lists the main municipality first, then its neighbours.
func (d Demo) All() []DemoMunicipality { return append([]DemoMunicipality{d.Main}, d.Neighbours...) }

// SeedDemo creates, or brings back to its demo state, Leningrad oblast
// with three municipal okrugs built around real towns from the shipped
// cities file (Луга, Гатчина, Кингисепп): synthetic boundaries around the
// real centres, plausible settlements and departments. Running it again
// changes nothing. ctx must carry a platform administrator.
func SeedDemo(ctx context.Context, s *Service) (Demo, error) {
	var d Demo
	towns, err := demoTowns()
	if err != nil {
		return d, err
	}
	if d.Region, err = s.demoRegion(ctx); err != nil {
		return d, err
	}
	for i, spec := range []demoMuni{demoLuga, demoGatchina, demoKingisepp} {
		m, err := s.demoMunicipality(ctx, d.Region, spec, towns)
		if err != nil {
			return d, fmt.Errorf("territory: demo %s: %w", spec.Slug, err)
		}
		if i == 0 {
			d.Main = m
		} else {
			d.Neighbours = append(d.Neighbours, m)
		}
	}
	return d, nil
}

// demoTowns reads the real towns' rows from the shipped file, by OKTMO.
func demoTowns() (map[string]cityRow, error) {
	var res ImportResult
	rows, err := readRows(Cities(), &res)
	if err != nil {
		return nil, err
	}
	out := map[string]cityRow{}
	for _, r := range rows {
		out[r.OKTMO] = r
	}
	for _, m := range []demoMuni{demoLuga, demoGatchina, demoKingisepp} {
		if _, ok := out[m.TownOKTMO]; !ok {
			return nil, fmt.Errorf("territory: demo town %s missing from the cities file", m.TownOKTMO)
		}
	}
	return out, nil
}

func (s *Service) demoRegion(ctx context.Context) (Node, error) {
	n, err := s.NodeByOKTMO(ctx, "41000000")
	if err == nil || !errors.Is(err, ErrNotFound) {
		return n, err // an existing region (imported or edited) is kept as it is
	}
	return s.CreateNode(ctx, NodeInput{Kind: KindSubject, OKTMO: "41000000", NameRU: "Ленинградская область",
		NameEN: "Leningrad Oblast", Slug: "leningradskaya-oblast", TimeZone: "Europe/Moscow",
		Center: &Point{Lat: 59.9386, Lon: 30.3141}, Source: CitiesSource})
}

func (s *Service) demoMunicipality(ctx context.Context, region Node, spec demoMuni, towns map[string]cityRow) (DemoMunicipality, error) {
	town := towns[spec.TownOKTMO]
	var pop int64
	places := make([]NodeInput, 0, len(spec.Settlements))
	for i, p := range spec.Settlements {
		in := demoPlaceInput(p, towns[p.OKTMO], i)
		pop += in.Population
		places = append(places, in)
	}
	in := NodeInput{ParentID: region.ID, Kind: KindMunicipalOkrug, OKTMO: spec.OKTMO, NameRU: spec.NameRU,
		NameEN: spec.NameEN, Slug: spec.Slug, TimeZone: town.TimeZone, Population: pop, Center: town.Center,
		Boundary: mustGeometry(SquareAround(*town.Center, spec.SizeKM, []float64{1, .93, 1.05, .9, 1.08, .95, 1.02, .97})),
		Demo:     true, Source: DemoSource, Contacts: spec.Contacts}
	muni, err := s.ensureNode(ctx, in)
	if err != nil {
		return DemoMunicipality{}, err
	}
	m := DemoMunicipality{Node: muni, Departments: map[string]string{}}
	for _, p := range places {
		p.ParentID = muni.ID
		n, err := s.ensureNode(ctx, p)
		if err != nil {
			return m, fmt.Errorf("%s: %w", p.NameRU, err)
		}
		m.Settlements = append(m.Settlements, n)
	}
	for _, dep := range spec.Departments {
		id, err := s.ensureDepartment(ctx, muni.ID, dep)
		if err != nil {
			return m, fmt.Errorf("department %s: %w", dep.Code, err)
		}
		m.Departments[dep.Code] = id
	}
	return m, nil
}

// demoPlaceInput builds a locality: a real town keeps the file's centre,
// population and zone; an invented one uses the spec's.
func demoPlaceInput(p demoPlace, town cityRow, i int) NodeInput {
	in := NodeInput{Kind: KindLocality, OKTMO: p.OKTMO, NameRU: p.NameRU, NameEN: p.NameEN,
		Slug: Slugify("поселок " + p.NameRU), TimeZone: "Europe/Moscow", Population: p.Population,
		Center: &Point{Lat: p.Lat, Lon: p.Lon}, Demo: true, Source: DemoSource}
	if town.OKTMO != "" {
		in.Slug, in.TimeZone, in.Population, in.Center = town.localitySlug(), town.TimeZone, town.Population, town.Center
	}
	wobble := []float64{1, .9 + float64(i%3)*.05, 1.05, .95}
	in.Boundary = mustGeometry(SquareAround(*in.Center, p.SizeKM, wobble))
	return in
}

// ensureNode creates the node or brings an existing one (same OKTMO, same
// parent) to in, writing only when something differs.
func (s *Service) ensureNode(ctx context.Context, in NodeInput) (Node, error) {
	old, err := s.NodeByOKTMO(ctx, in.OKTMO)
	switch {
	case errors.Is(err, ErrNotFound):
		return s.CreateNode(ctx, in)
	case err != nil:
		return old, err
	case old.ParentID != in.ParentID:
		return old, fmt.Errorf("territory: %s already sits elsewhere in the tree", in.OKTMO)
	case sameAsInput(old, in):
		return old, nil
	}
	return s.UpdateNode(ctx, old.ID, in)
}

// ensureDepartment creates the department or updates the one with its
// code, writing only when something differs.
func (s *Service) ensureDepartment(ctx context.Context, muniID string, in DepartmentInput) (string, error) {
	deps, err := s.Departments(ctx, muniID)
	if err != nil {
		return "", err
	}
	in.normalize()
	for _, d := range deps {
		if d.Code != in.Code {
			continue
		}
		if d.Input() == in {
			return d.ID, nil
		}
		p := DepartmentPatch{NameRU: &in.NameRU, NameEN: &in.NameEN, Email: &in.Email, Phone: &in.Phone,
			Description: &in.Description, DescriptionEN: &in.DescriptionEN}
		_, err := s.UpdateDepartment(ctx, d.ID, p)
		return d.ID, err
	}
	d, err := s.CreateDepartment(ctx, muniID, in)
	return d.ID, err
}
