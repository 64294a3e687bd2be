package territory

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/i18n"
)

// Node is one place in the territory tree.
type Node struct {
	ID         string          `json:"id"`
	ParentID   string          `json:"parent_id,omitempty"`
	Path       string          `json:"path"` // "/<rootID>/…/<ID>/", what grants are scoped to
	Kind       Kind            `json:"kind"`
	OKTMO      string          `json:"oktmo"`
	NameRU     string          `json:"name_ru"`
	NameEN     string          `json:"name_en"`
	Slug       string          `json:"slug"`
	TimeZone   string          `json:"time_zone"`
	Population int64           `json:"population"`
	Center     *Point          `json:"center,omitempty"`
	Boundary   json.RawMessage `json:"boundary,omitempty"` // GeoJSON Polygon or MultiPolygon
	Demo       bool            `json:"demo"`
	Source     string          `json:"source"`    // attribution of the data
	TenantID   string          `json:"tenant_id"` // the municipal formation at or above; "" for a subject
	Contacts   Contacts        `json:"contacts"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Contacts are the public contacts of a formation's administration.
type Contacts struct {
	Head    string `json:"head,omitempty"` // name and title of the head, as published
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
	Website string `json:"website,omitempty"`
}

// Name is the node's name in lang, Russian when English is missing.
func (n Node) Name(lang string) string {
	return i18n.Pick(lang, n.NameRU, n.NameEN)
}

// Municipal reports whether the node is a municipal formation (a tenant).
func (n Node) Municipal() bool { return n.Kind.Municipal() }

// NodeInput is what a person or an importer gives to create or change a
// node. ParentID is ignored by updates: nodes do not move.
type NodeInput struct {
	ParentID   string          `json:"parent_id"`
	Kind       Kind            `json:"kind"`
	OKTMO      string          `json:"oktmo"`
	NameRU     string          `json:"name_ru"`
	NameEN     string          `json:"name_en"`
	Slug       string          `json:"slug"`
	TimeZone   string          `json:"time_zone"`
	Population int64           `json:"population"`
	Center     *Point          `json:"center"`
	Boundary   json.RawMessage `json:"boundary"`
	Demo       bool            `json:"demo"`
	Source     string          `json:"source"`
	Contacts   Contacts        `json:"contacts"`

	derivedSlug bool // the slug was made from the name, so it may be adjusted
}

// Limits on free text, so a name cannot swamp a page or the database.
const (
	maxName    = 200
	maxSource  = 300
	maxContact = 300
)

// normalize trims the input and fills what can be derived (the slug).
func (in *NodeInput) normalize() {
	for _, s := range []*string{&in.ParentID, &in.OKTMO, &in.NameRU, &in.NameEN, &in.Slug, &in.TimeZone, &in.Source,
		&in.Contacts.Head, &in.Contacts.Phone, &in.Contacts.Email, &in.Contacts.Address, &in.Contacts.Website} {
		*s = strings.TrimSpace(*s)
	}
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	if in.Slug == "" {
		in.Slug, in.derivedSlug = Slugify(in.NameRU), true
	}
	in.Slug = strings.ToLower(in.Slug)
}

// validate checks the input against its parent (nil for a root) and
// returns one message key per offending field.
func (in *NodeInput) validate(parent *Node) map[string]string {
	bad := map[string]string{}
	pk, pc := Kind(""), ""
	if parent != nil {
		pk, pc = parent.Kind, parent.OKTMO
	}
	if key := CheckParent(in.Kind, pk); key != "" {
		field := "kind"
		if in.Kind.Valid() && in.Kind != KindSubject && parent == nil {
			field, key = "parent_id", "territory.parent.required"
		}
		bad[field] = key
	}
	if key := CheckOKTMO(in.OKTMO, in.Kind, pk, pc); key != "" {
		bad["oktmo"] = key
	}
	checkText(bad, "name_ru", in.NameRU, maxName, true)
	checkText(bad, "name_en", in.NameEN, maxName, false)
	checkText(bad, "source", in.Source, maxSource, false)
	if key := CheckSlug(in.Slug); key != "" {
		bad["slug"] = key
	}
	if key := CheckTimeZone(in.TimeZone); key != "" {
		bad["time_zone"] = key
	}
	if in.Population < 0 || in.Population > 50_000_000 {
		bad["population"] = "territory.population.invalid"
	}
	if in.Center != nil {
		if key := CheckPoint(*in.Center); key != "" {
			bad["center"] = key
		}
	}
	if b, key := NormalizeBoundary(in.Boundary); key != "" {
		bad["boundary"] = key
	} else {
		in.Boundary = b
	}
	in.Contacts.check(bad)
	return bad
}

func (c Contacts) check(bad map[string]string) {
	checkText(bad, "contacts.head", c.Head, maxContact, false)
	checkText(bad, "contacts.address", c.Address, maxContact, false)
	if c.Phone != "" && !phoneRule.MatchString(c.Phone) {
		bad["contacts.phone"] = "territory.phone.invalid"
	}
	if c.Email != "" && !validEmail(c.Email) {
		bad["contacts.email"] = "territory.email.invalid"
	}
	if c.Website != "" && !validWebsite(c.Website) {
		bad["contacts.website"] = "territory.website.invalid"
	}
}

// checkText records a message when a required text is empty, too long or
// holds control characters.
func checkText(bad map[string]string, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		bad[field] = "territory.field.required"
	case utf8.RuneCountInString(v) > max:
		bad[field] = "territory.field.too_long"
	case !utf8.ValidString(v) || strings.ContainsFunc(v, isControl):
		bad[field] = "territory.field.control"
	}
}

func isControl(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }

// invalid wraps per-field messages as the domain's input error.
func invalid(typ string, fields map[string]string) error {
	return fault.Invalid(typ, fields)
}
