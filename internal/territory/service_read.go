package territory

import (
	"context"
	"sort"
	"strings"
)

// Node returns the node with id.
func (s *Service) Node(ctx context.Context, id string) (Node, error) {
	return s.st.nodeBy(ctx, "id", id)
}

// NodeBySlug returns the node with a URL slug.
func (s *Service) NodeBySlug(ctx context.Context, slug string) (Node, error) {
	return s.st.nodeBy(ctx, "slug", slug)
}

// NodeByOKTMO returns the node with an OKTMO code.
func (s *Service) NodeByOKTMO(ctx context.Context, code string) (Node, error) {
	return s.st.nodeBy(ctx, "oktmo", code)
}

// Children lists the nodes directly under id in OKTMO order; "" lists the
// roots (federal subjects).
func (s *Service) Children(ctx context.Context, id string) ([]Node, error) {
	if id != "" {
		if _, err := s.Node(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.st.listNodes(ctx, nodeFilter{ParentID: id})
}

// NodeQuery filters a page of nodes.
type NodeQuery struct {
	ParentID  string // "" with AnyParent false: the roots
	AnyParent bool
	Kind      Kind   // optional
	After     string // OKTMO of the last node of the previous page
	Limit     int
}

// Nodes returns a page of nodes in OKTMO order, without their boundaries
// (Node has them).
func (s *Service) Nodes(ctx context.Context, q NodeQuery) ([]Node, error) {
	f := nodeFilter{ParentID: q.ParentID, AnyParent: q.AnyParent, AfterCode: q.After, Limit: q.Limit, Light: true}
	if q.Kind != "" {
		if !q.Kind.Valid() {
			return nil, invalid("territory-invalid", map[string]string{"kind": "territory.kind.unknown"})
		}
		f.Kinds = []Kind{q.Kind}
	}
	return s.st.listNodes(ctx, f)
}

// Ancestors lists the nodes above n, from the root down.
func (s *Service) Ancestors(ctx context.Context, n Node) ([]Node, error) {
	ids := pathIDs(n.Path)
	if len(ids) < 2 {
		return nil, nil
	}
	nodes, err := s.st.nodesByIDs(ctx, ids[:len(ids)-1])
	if err != nil {
		return nil, err
	}
	depth := func(x Node) int { return len(x.Path) }
	sort.Slice(nodes, func(i, j int) bool { return depth(nodes[i]) < depth(nodes[j]) })
	return nodes, nil
}

// TenantID returns the municipal formation at or above the node with id
// ("" for a subject).
func (s *Service) TenantID(ctx context.Context, id string) (string, error) {
	n, err := s.Node(ctx, id)
	return n.TenantID, err
}

// Municipality is a municipal formation with the subject it lies in.
type Municipality struct {
	Node
	Region Node `json:"region"`
}

// Municipalities lists every municipal formation with its region, by
// region and name, without boundaries.
func (s *Service) Municipalities(ctx context.Context) ([]Municipality, error) {
	var kinds []Kind
	for _, k := range Kinds() {
		if k.Municipal() {
			kinds = append(kinds, k)
		}
	}
	munis, err := s.st.listNodes(ctx, nodeFilter{AnyParent: true, Kinds: kinds, Light: true})
	if err != nil {
		return nil, err
	}
	regions, err := s.st.listNodes(ctx, nodeFilter{Light: true})
	if err != nil {
		return nil, err
	}
	byID := map[string]Node{}
	for _, r := range regions {
		byID[r.ID] = r
	}
	out := make([]Municipality, 0, len(munis))
	for _, m := range munis {
		out = append(out, Municipality{Node: m, Region: byID[pathIDs(m.Path)[0]]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Region.NameRU != out[j].Region.NameRU {
			return out[i].Region.NameRU < out[j].Region.NameRU
		}
		return out[i].NameRU < out[j].NameRU
	})
	return out, nil
}

// Subtree lists the node at path and every node below it, in OKTMO order.
func (s *Service) Subtree(ctx context.Context, path string) ([]Node, error) {
	if path == "" || strings.ContainsAny(path, `%_\`) {
		return nil, ErrNotFound
	}
	return s.st.queryNodes(ctx, `SELECT `+nodeColumns+` FROM territory_nodes WHERE path LIKE $1 ORDER BY oktmo`, path+"%")
}
