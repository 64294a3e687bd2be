package territory

import (
	"context"
	"errors"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// CreateNode adds a node under in.ParentID (a subject has none). Platform
// administrators create subjects; regional operators (or higher) covering
// the parent create what lies under it.
func (s *Service) CreateNode(ctx context.Context, in NodeInput) (Node, error) {
	in.normalize()
	parent, err := s.parentOf(ctx, in.ParentID)
	if err != nil {
		return Node{}, err
	}
	if err := authorizeTree(ctx, parent); err != nil {
		return Node{}, err
	}
	if bad := in.validate(parent); len(bad) > 0 {
		return Node{}, invalid("territory-invalid", bad)
	}
	t := now()
	n := Node{ID: db.NewID(), CreatedAt: t, UpdatedAt: t}
	n.Path = "/" + n.ID + "/"
	if parent != nil {
		n.ParentID, n.Path = parent.ID, parent.Path+n.ID+"/"
	}
	fill(&n, in, parent)
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if taken, err := s.st.slugTaken(ctx, n.Slug, n.ID); err != nil {
			return err
		} else if taken && in.derivedSlug {
			n.Slug += "-" + n.OKTMO // a name shared with another place: the code tells them apart
		}
		if err := s.checkUnique(ctx, n); err != nil {
			return err
		}
		if err := s.st.createNode(ctx, n); err != nil {
			return uniqueNode(err)
		}
		return s.record(ctx, audit.Entry{Action: "territory.node.create", ObjectType: "territory_node", ObjectID: n.ID,
			TenantID: n.TenantID, Detail: map[string]any{"kind": n.Kind, "oktmo": n.OKTMO, "parent_id": n.ParentID}},
			"territory.node.created", nodeEvent(n))
	})
	return n, wrap("create node", err)
}

// UpdateNode changes a node's fields (not its place in the tree) under
// the same rules as CreateNode.
func (s *Service) UpdateNode(ctx context.Context, id string, in NodeInput) (Node, error) {
	n, err := s.st.nodeBy(ctx, "id", id)
	if err != nil {
		return Node{}, err
	}
	in.normalize()
	in.ParentID = n.ParentID
	parent, err := s.parentOf(ctx, n.ParentID)
	if err != nil {
		return Node{}, err
	}
	if err := authorizeTree(ctx, parent); err != nil {
		return Node{}, err
	}
	if bad := in.validate(parent); len(bad) > 0 {
		return Node{}, invalid("territory-invalid", bad)
	}
	old := n
	fill(&n, in, parent)
	if len(changedFields(old, n)) == 0 {
		return old, nil // nothing to record
	}
	n.UpdatedAt = now()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkChildren(ctx, n); err != nil {
			return err
		}
		if err := s.checkUnique(ctx, n); err != nil {
			return err
		}
		if err := s.st.updateNode(ctx, n); err != nil {
			return uniqueNode(err)
		}
		return s.record(ctx, audit.Entry{Action: "territory.node.update", ObjectType: "territory_node", ObjectID: n.ID,
			TenantID: n.TenantID, Detail: map[string]any{"changed": changedFields(old, n)}},
			"territory.node.updated", nodeEvent(n))
	})
	return n, wrap("update node", err)
}

// parentOf reads the parent named by id; an unknown parent is an input
// error on parent_id.
func (s *Service) parentOf(ctx context.Context, id string) (*Node, error) {
	if id == "" {
		return nil, nil
	}
	p, err := s.st.nodeBy(ctx, "id", id)
	if errors.Is(err, ErrNotFound) {
		return nil, invalid("territory-invalid", map[string]string{"parent_id": "territory.parent.not_found"})
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// fill copies validated input into n and derives its tenant.
func fill(n *Node, in NodeInput, parent *Node) {
	n.Kind, n.OKTMO, n.NameRU, n.NameEN, n.Slug = in.Kind, in.OKTMO, in.NameRU, in.NameEN, in.Slug
	n.TimeZone, n.Population, n.Center, n.Boundary = in.TimeZone, in.Population, in.Center, in.Boundary
	n.Demo, n.Source, n.Contacts = in.Demo, in.Source, in.Contacts
	switch {
	case n.Kind.Municipal():
		n.TenantID = n.ID
	case parent != nil:
		n.TenantID = parent.TenantID
	default:
		n.TenantID = ""
	}
}

// checkUnique turns a taken OKTMO or slug into a message on its field.
func (s *Service) checkUnique(ctx context.Context, n Node) error {
	if other, err := s.st.nodeBy(ctx, "oktmo", n.OKTMO); err == nil && other.ID != n.ID {
		return conflict("oktmo-taken", "oktmo", "territory.oktmo.taken")
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	taken, err := s.st.slugTaken(ctx, n.Slug, n.ID)
	if err != nil {
		return err
	}
	if taken {
		return conflict("slug-taken", "slug", "territory.slug.taken")
	}
	return nil
}

// checkChildren refuses a change of kind or code that would leave the
// node's children out of the classifier's rules.
func (s *Service) checkChildren(ctx context.Context, n Node) error {
	kids, err := s.st.listNodes(ctx, nodeFilter{ParentID: n.ID})
	if err != nil {
		return err
	}
	for _, c := range kids {
		if CheckParent(c.Kind, n.Kind) != "" {
			return invalid("territory-invalid", map[string]string{"kind": "territory.kind.children"})
		}
		if CheckOKTMO(c.OKTMO, c.Kind, n.Kind, n.OKTMO) != "" {
			return invalid("territory-invalid", map[string]string{"oktmo": "territory.oktmo.children"})
		}
	}
	return nil
}

// uniqueNode maps a unique violation that slipped past checkUnique (a
// concurrent writer) to a conflict.
func uniqueNode(err error) error {
	if db.IsUnique(err) {
		return conflict("node-taken", "oktmo", "territory.node.taken")
	}
	return err
}

type nodePayload struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Kind     Kind   `json:"kind"`
	OKTMO    string `json:"oktmo"`
	Slug     string `json:"slug"`
	TenantID string `json:"tenant_id,omitempty"`
}

func nodeEvent(n Node) nodePayload {
	return nodePayload{ID: n.ID, ParentID: n.ParentID, Kind: n.Kind, OKTMO: n.OKTMO, Slug: n.Slug, TenantID: n.TenantID}
}

// changedFields names what an update changed, for the audit entry (names
// only: values may be long and contacts are not for the log).
func changedFields(a, b Node) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("kind", a.Kind != b.Kind)
	add("oktmo", a.OKTMO != b.OKTMO)
	add("name_ru", a.NameRU != b.NameRU)
	add("name_en", a.NameEN != b.NameEN)
	add("slug", a.Slug != b.Slug)
	add("time_zone", a.TimeZone != b.TimeZone)
	add("population", a.Population != b.Population)
	add("center", !samePoint(a.Center, b.Center))
	add("boundary", string(a.Boundary) != string(b.Boundary))
	add("demo", a.Demo != b.Demo)
	add("source", a.Source != b.Source)
	add("contacts", a.Contacts != b.Contacts)
	return out
}

func samePoint(a, b *Point) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
