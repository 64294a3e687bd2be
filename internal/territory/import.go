package territory

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// CitiesSource is the attribution every imported node carries.
const CitiesSource = "HFLabs city (github.com/hflabs/city), CC BY-SA 4.0"

// ImportResult tells what an import did: nodes created, updated and left
// as they were, and the rows it skipped with the reason for each.
type ImportResult struct {
	Rows      int          `json:"rows"`
	Created   int          `json:"created"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Skipped   []SkippedRow `json:"skipped"`
}

// SkippedRow is a row Import could not use.
type SkippedRow struct {
	Line   int    `json:"line"`
	OKTMO  string `json:"oktmo"`
	Reason string `json:"reason"` // i18n key
}

// Cities is the embedded cities CSV (see data/README.md for its licence).
func Cities() io.Reader { return bytes.NewReader(citiesCSV) }

// Import reads a CSV with the columns of the shipped cities file and
// upserts, by OKTMO, each city's subject, municipal formation and the city
// itself as a locality inside it. Bad rows are reported, not fatal. Nodes
// that someone else maintains (another source) are left alone, so running
// it again changes nothing. Only platform administrators may import.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	if a := auth.From(ctx); !a.Can(auth.RolePlatformAdmin, "/") {
		if !a.SignedIn() {
			return res, ErrUnauthorized
		}
		return res, ErrForbidden
	}
	rows, err := readRows(r, &res)
	if err != nil {
		return res, err
	}
	p := newPlan(rows)
	im := &importer{svc: s, plan: p, done: map[string]importDone{}, res: &res}
	for _, row := range rows {
		if reason := im.row(ctx, row); reason != "" {
			res.Skipped = append(res.Skipped, SkippedRow{Line: row.Line, OKTMO: row.OKTMO, Reason: reason})
		}
	}
	return res, ctx.Err()
}

// readRows parses the CSV, keeping good rows and recording bad ones.
func readRows(r io.Reader, res *ImportResult) ([]cityRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fault.Invalid("import-invalid", map[string]string{"file": "territory.import.header"})
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range csvColumns {
		if _, ok := col[c]; !ok {
			return nil, fault.Invalid("import-invalid", map[string]string{"file": "territory.import.header"})
		}
	}
	var rows []cityRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		res.Rows++
		if err != nil || len(rec) < len(header) {
			res.Skipped = append(res.Skipped, SkippedRow{Line: line, Reason: "territory.import.malformed"})
			continue
		}
		row, reason := parseRow(line, rec, col)
		if reason != "" {
			res.Skipped = append(res.Skipped, SkippedRow{Line: line, OKTMO: row.OKTMO, Reason: reason})
			continue
		}
		rows = append(rows, row)
	}
}

type importDone struct {
	node   Node
	reason string
}

// importer upserts each planned node once and remembers the outcome.
type importer struct {
	svc  *Service
	plan *plan
	done map[string]importDone
	res  *ImportResult
}

// row ensures the row's subject, formation and locality; it returns the
// reason the row was skipped, or "".
func (im *importer) row(ctx context.Context, r cityRow) string {
	code := r.subjectCode()
	subj := im.ensure(ctx, code, nil)
	if subj.reason != "" || r.isSubject() {
		return subj.reason
	}
	links, reason := r.chain()
	if reason != "" {
		return reason
	}
	parent := subj.node
	for _, l := range links {
		d := im.ensure(ctx, l.Code, &parent)
		if d.reason != "" {
			return d.reason
		}
		parent = d.node
	}
	return ""
}

// ensure upserts the planned node with code under parent, once per import.
func (im *importer) ensure(ctx context.Context, code string, parent *Node) importDone {
	if d, ok := im.done[code]; ok {
		return d
	}
	in := im.plan.nodes[code]
	if parent != nil {
		in.ParentID = parent.ID
	}
	n, reason := im.upsert(ctx, in)
	d := importDone{node: n, reason: reason}
	im.done[code] = d
	return d
}

func (im *importer) upsert(ctx context.Context, in NodeInput) (Node, string) {
	s := im.svc
	old, err := s.NodeByOKTMO(ctx, in.OKTMO)
	switch {
	case errors.Is(err, ErrNotFound):
		in.Slug = im.freeSlug(ctx, in.Slug, in.OKTMO, "")
		n, err := s.CreateNode(ctx, in)
		if err != nil {
			return n, reasonOf(err)
		}
		im.res.Created++
		return n, ""
	case err != nil:
		return old, "territory.import.failed"
	case old.ParentID != in.ParentID:
		return old, "territory.import.parent_changed"
	case old.Source != CitiesSource:
		im.res.Unchanged++ // maintained by hand or by the demo: theirs to keep
		return old, ""
	}
	in.Slug = im.freeSlug(ctx, in.Slug, in.OKTMO, old.ID)
	if sameAsInput(old, in) {
		im.res.Unchanged++
		return old, ""
	}
	n, err := s.UpdateNode(ctx, old.ID, in)
	if err != nil {
		return old, reasonOf(err)
	}
	im.res.Updated++
	return n, ""
}

// freeSlug returns slug, or slug with the code appended when another node
// holds it.
func (im *importer) freeSlug(ctx context.Context, slug, code, selfID string) string {
	if taken, err := im.svc.st.slugTaken(ctx, slug, selfID); err == nil && !taken {
		return slug
	}
	return strings.Trim(fmt.Sprintf("%.40s-%s", slug, code), "-")
}

// sameAsInput reports whether an update with in would change nothing.
func sameAsInput(n Node, in NodeInput) bool {
	in.normalize()
	b, _ := NormalizeBoundary(in.Boundary)
	return n.Kind == in.Kind && n.NameRU == in.NameRU && n.NameEN == in.NameEN && n.Slug == in.Slug &&
		n.TimeZone == in.TimeZone && n.Population == in.Population && samePoint(n.Center, in.Center) &&
		string(n.Boundary) == string(b) && n.Demo == in.Demo && n.Source == in.Source && n.Contacts == in.Contacts
}

// reasonOf is the message key that best explains why a node was refused.
func reasonOf(err error) string {
	if f, ok := fault.As(err); ok {
		for _, field := range []string{"oktmo", "kind", "parent_id", "name_ru", "slug", "time_zone", "center", "population"} {
			if k, ok := f.Fields[field]; ok {
				return k
			}
		}
		for _, k := range f.Fields {
			return k
		}
		return f.Key
	}
	return "territory.import.failed"
}
