package territory

// plan is what the import wants each node to look like, gathered from
// every row first so the result does not depend on which row came first
// (a region's centre is its capital's, wherever the capital's row is).
type plan struct {
	nodes map[string]NodeInput // by OKTMO
}

func newPlan(rows []cityRow) *plan {
	p := &plan{nodes: map[string]NodeInput{}}
	for _, r := range rows {
		p.addSubject(r)
		if r.isSubject() {
			continue
		}
		links, reason := r.chain()
		if reason != "" {
			continue
		}
		for i, l := range links {
			p.add(r, l, i == len(links)-1)
		}
	}
	return p
}

// add plans one node of a row's chain; the row's own (last) node takes
// the city's population and centre.
func (p *plan) add(r cityRow, l link, own bool) {
	in, seen := p.nodes[l.Code]
	if !seen {
		in = NodeInput{Kind: l.Kind, OKTMO: l.Code, TimeZone: r.TimeZone, Center: r.Center, Source: CitiesSource}
		if l.Kind == KindLocality {
			in.NameRU, in.NameEN, in.Slug = r.City, Transliterate(r.City), r.localitySlug()
		} else {
			in.NameRU, in.NameEN, in.Slug = r.formationNames(l.Kind)
		}
	}
	if own {
		in.Population, in.Center = r.Population, r.Center
	}
	p.nodes[l.Code] = in
}

func (p *plan) addSubject(r cityRow) {
	code := r.subjectCode()
	in, seen := p.nodes[code]
	if !seen {
		ru, en := r.subjectNames()
		in = NodeInput{Kind: KindSubject, OKTMO: code, NameRU: ru, NameEN: en, Slug: Slugify(ru), TimeZone: r.TimeZone,
			Source: CitiesSource}
	}
	if r.isSubject() {
		in.Population, in.Center, in.TimeZone = r.Population, r.Center, r.TimeZone
	} else if r.Capital == "2" && in.Center == nil {
		in.Center, in.TimeZone = r.Center, r.TimeZone
	}
	p.nodes[code] = in
}
