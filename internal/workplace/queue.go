package workplace

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// Item is one piece of work waiting for an official.
type Item struct {
	Source   string    `json:"source"`    // the domain that owns it ("appeals")
	Kind     string    `json:"kind"`      // i18n key of its kind
	ID       string    `json:"id"`        // id in its domain
	Title    string    `json:"title"`     // short, already localised or neutral text
	URL      string    `json:"url"`       // where to work on it
	TenantID string    `json:"tenant_id"` // municipality
	Place    string    `json:"place"`     // municipality name, for regional staff
	State    string    `json:"state"`     // i18n key of its state
	Due      time.Time `json:"due"`       // the deadline that matters most; zero if none
	Zone     string    `json:"zone"`      // IANA zone the deadline is counted in (the municipality's)
	Basis    string    `json:"basis"`     // legal basis of the deadline, e.g. "59-ФЗ ст. 12"
	Priority int       `json:"priority"`  // higher first among equal deadlines
}

// Overdue reports whether the item's deadline has passed at now.
func (it Item) Overdue(now time.Time) bool { return !it.Due.IsZero() && now.After(it.Due) }

// Filter narrows the queue.
type Filter struct {
	Source      string
	OverdueOnly bool
	Now         time.Time
	Limit       int
}

// Source is a domain's contribution to the queue: the items the actor may
// work on, already restricted to the actor's grants.
type Source interface {
	Name() string
	Queue(ctx context.Context, actor *auth.Actor, f Filter) ([]Item, error)
}

// ErrNotStaff means the queue was asked for by someone who is no official.
var ErrNotStaff = &fault.Error{Kind: fault.ErrForbidden, Type: "not-staff", Key: "workplace.error.not_staff"}

// Service assembles the queue from every source.
type Service struct {
	sources []Source
	tools   Toolbox // optional: the administration index's tools
}

// New returns a service over sources.
func New(sources ...Source) *Service { return &Service{sources: sources} }

// Sources names every source, for the filter.
func (s *Service) Sources() []string {
	out := make([]string, len(s.sources))
	for i, src := range s.sources {
		out[i] = src.Name()
	}
	return out
}

// Queue returns the actor's work: overdue first, then by nearest deadline,
// then by priority. Only officials have a queue.
func (s *Service) Queue(ctx context.Context, actor *auth.Actor, f Filter) ([]Item, error) {
	if !actor.SignedIn() {
		return nil, fault.ErrUnauthorized
	}
	if !actor.Staff() {
		return nil, ErrNotStaff
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	var items []Item
	for _, src := range s.sources {
		if f.Source != "" && f.Source != src.Name() {
			continue
		}
		got, err := src.Queue(ctx, actor, f)
		if err != nil {
			return nil, fmt.Errorf("workplace: queue of %s: %w", src.Name(), err)
		}
		for _, it := range got {
			if !f.OverdueOnly || it.Overdue(f.Now) {
				items = append(items, it)
			}
		}
	}
	Sort(items)
	if len(items) > f.Limit {
		items = items[:f.Limit]
	}
	return items, nil
}

// Sort orders items by deadline (those without one last), then priority.
func Sort(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return cmp.Compare(b.Priority, a.Priority)
	})
}
