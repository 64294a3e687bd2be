package territory

// Kind is the type of a territory node.
type Kind string

// The kinds of node: a federal subject, the municipal formation types of
// the local self-government law, and a locality (населённый пункт).
const (
	KindSubject            Kind = "subject"
	KindUrbanOkrug         Kind = "urban_okrug"         // городской округ
	KindMunicipalOkrug     Kind = "municipal_okrug"     // муниципальный округ
	KindMunicipalDistrict  Kind = "municipal_district"  // муниципальный район
	KindUrbanSettlement    Kind = "urban_settlement"    // городское поселение
	KindRuralSettlement    Kind = "rural_settlement"    // сельское поселение
	KindIntracityTerritory Kind = "intracity_territory" // внутригородская территория
	KindLocality           Kind = "locality"            // населённый пункт
)

// Kinds lists every kind, from the top of the tree down.
func Kinds() []Kind {
	return []Kind{KindSubject, KindUrbanOkrug, KindMunicipalOkrug, KindMunicipalDistrict,
		KindUrbanSettlement, KindRuralSettlement, KindIntracityTerritory, KindLocality}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, v := range Kinds() {
		if k == v {
			return true
		}
	}
	return false
}

// Municipal reports whether a node of kind k is a municipal formation,
// that is a tenant with its own administration.
func (k Kind) Municipal() bool {
	return k.Valid() && k != KindSubject && k != KindLocality
}

// Key is the i18n key of the kind's name.
func (k Kind) Key() string { return "territory.kind." + string(k) }

// parentKinds says under which kinds each kind may sit.
var parentKinds = map[Kind][]Kind{
	KindUrbanOkrug:         {KindSubject},
	KindMunicipalOkrug:     {KindSubject},
	KindMunicipalDistrict:  {KindSubject},
	KindUrbanSettlement:    {KindMunicipalDistrict},
	KindRuralSettlement:    {KindMunicipalDistrict},
	KindIntracityTerritory: {KindSubject, KindUrbanOkrug},
	KindLocality: {KindUrbanOkrug, KindMunicipalOkrug, KindMunicipalDistrict,
		KindUrbanSettlement, KindRuralSettlement, KindIntracityTerritory},
}

// CheckParent returns the i18n key of the reason a node of kind child
// cannot sit under a node of kind parent ("" for a root), or "" when it can.
func CheckParent(child, parent Kind) string {
	if !child.Valid() {
		return "territory.kind.unknown"
	}
	if child == KindSubject {
		if parent != "" {
			return "territory.kind.subject_root"
		}
		return ""
	}
	for _, p := range parentKinds[child] {
		if p == parent {
			return ""
		}
	}
	return "territory.kind.parent"
}

// ChildKinds lists the kinds that may be created under a node of kind k.
func ChildKinds(k Kind) []Kind {
	var out []Kind
	for _, c := range Kinds() {
		if c != KindSubject && CheckParent(c, k) == "" {
			out = append(out, c)
		}
	}
	return out
}
