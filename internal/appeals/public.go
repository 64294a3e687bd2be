package appeals

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"slices"
	"strconv"
	"time"

	xdraw "golang.org/x/image/draw"
)

// PublicReport is an issue report as anyone may see it: what, where,
// since when and how it stands — never who sent it, and not the text,
// which may name people and has not been moderated.
type PublicReport struct {
	ID         string    `json:"id"`
	Department string    `json:"department_id,omitempty"`
	CategoryID string    `json:"category_id"`
	State      State     `json:"state"`
	Closed     bool      `json:"closed"`
	Point      *Point    `json:"point,omitempty"`
	Address    string    `json:"address,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Due        time.Time `json:"due,omitempty"` // the running SLA deadline
	Overdue    bool      `json:"overdue"`
	Supporters int       `json:"supporters"`
	Photo      string    `json:"photo_url,omitempty"` // the first photo's path, metadata stripped
	Thumb      string    `json:"thumb_url,omitempty"` // its small copy for lists
}

// PublicFilter narrows the public list: Status is "open", "closed" or ""
// for both.
type PublicFilter struct {
	Status      string
	CategoryID  string
	BeforeID    string
	Limit       int
	IDs         []string  // only these reports
	CategoryIDs []string  // only these categories
	From, To    time.Time // received within [From, To]
}

// PublicReports lists a municipality's issue reports (formal appeals are
// never public), newest first, with personal data left out.
func (s *Service) PublicReports(ctx context.Context, tenantID string, f PublicFilter) ([]PublicReport, error) {
	if len(f.CategoryIDs) > 1 && len(f.IDs) == 0 {
		return s.publicPerCategory(ctx, tenantID, f)
	}
	items, err := s.st.list(ctx, listQuery{TenantID: tenantID, Regime: RegimeReport, OpenOnly: f.Status == "open",
		ClosedOnly: f.Status == "closed", CategoryID: f.CategoryID, BeforeID: f.BeforeID, Limit: clampLimit(f.Limit),
		IDs: f.IDs, CategoryIDs: f.CategoryIDs, From: f.From, To: f.To, Public: true})
	if err != nil {
		return nil, err
	}
	out := make([]PublicReport, 0, len(items))
	for _, it := range items {
		out = append(out, publicOf(it, s.now()))
	}
	return out, s.withPhotos(ctx, out)
}

// withPhotos links each public report to its first photo, in one query
// for the page. Only reports reach here (never formal appeals), and only
// those moderation cleared.
func (s *Service) withPhotos(ctx context.Context, items []PublicReport) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	at := map[string]int{}
	for i, it := range items {
		ids[i], at[it.ID] = it.ID, i
	}
	in, list := s.db.InJSON("$1", ids)
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT appeal_id, MIN(n) FROM appeals_photos WHERE appeal_id IN (`+in+`)
		GROUP BY appeal_id`, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		it := &items[at[id]]
		it.Photo = "/appeals/" + id + "/photos/" + strconv.Itoa(n)
		it.Thumb = it.Photo + "/thumb"
	}
	return rows.Err()
}

// ThumbSide is the longest side of a photo's small copy, in pixels.
const ThumbSide = 320

// PhotoThumb returns a small JPEG copy of photo n of an item, to whoever
// may see the photo itself (PhotoFile decides).
func (s *Service) PhotoThumb(ctx context.Context, appealID string, n int) (Photo, []byte, error) {
	p, data, err := s.PhotoFile(ctx, appealID, n)
	if err != nil {
		return p, nil, err
	}
	decode, _ := codec(p.ContentType)
	if decode == nil {
		return p, nil, fmt.Errorf("appeals: thumbnail of %s", p.ContentType)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return p, nil, fmt.Errorf("appeals: thumbnail: %w", err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbSide || h > ThumbSide {
		if w >= h {
			w, h = ThumbSide, max(1, h*ThumbSide/w)
		} else {
			w, h = max(1, w*ThumbSide/h), ThumbSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparency on white
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 75}); err != nil {
		return p, nil, err
	}
	p.ContentType, p.Width, p.Height, p.Size = "image/jpeg", w, h, buf.Len()
	return p, buf.Bytes(), nil
}

// publicOf is the public face of a report.
func publicOf(it Summary, now time.Time) PublicReport {
	p := PublicReport{ID: it.ID, Department: it.DepartmentID, CategoryID: it.CategoryID, State: it.State, Closed: it.State.Closed(),
		Point: it.Point, Address: it.Address, ReceivedAt: it.ReceivedAt, UpdatedAt: it.UpdatedAt, Supporters: it.Supporters}
	if it.Due != nil {
		p.Due, p.Overdue = it.Due.At, it.Due.Overdue(now)
	}
	return p
}

// publicPerCategory lists several categories' reports one category at a
// time and merges them: each walks its own (category, received) index in
// order and stops at the limit, where one query over all of them would
// sort every match of the period first.
func (s *Service) publicPerCategory(ctx context.Context, tenantID string, f PublicFilter) ([]PublicReport, error) {
	var all []Summary
	seen := map[string]bool{}
	limit := clampLimit(f.Limit)
	for _, c := range f.CategoryIDs {
		if seen[c] {
			continue
		}
		seen[c] = true
		items, err := s.st.list(ctx, listQuery{TenantID: tenantID, Regime: RegimeReport, OpenOnly: f.Status == "open",
			ClosedOnly: f.Status == "closed", CategoryID: c, BeforeID: f.BeforeID, Limit: limit, From: f.From, To: f.To,
			Public: true, NoDeadlines: true})
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
	}
	slices.SortFunc(all, func(a, b Summary) int {
		if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	all = all[:min(len(all), limit)]
	// Clocks and photos only for the reports kept.
	if err := s.st.withNextDeadlines(ctx, all); err != nil {
		return nil, err
	}
	out := make([]PublicReport, 0, len(all))
	for _, it := range all {
		out = append(out, publicOf(it, s.now()))
	}
	return out, s.withPhotos(ctx, out)
}
