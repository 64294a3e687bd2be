package workplace

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// listSource serves a fixed list, keeping only the items whose tenant the
// actor covers, as a real source must.
type listSource struct {
	name  string
	items []Item
}

func (s listSource) Name() string { return s.name }

func (s listSource) Queue(ctx context.Context, a *auth.Actor, f Filter) ([]Item, error) {
	var out []Item
	for _, it := range s.items {
		if a.Can(auth.RoleOperator, "/r/"+it.TenantID+"/") {
			out = append(out, it)
		}
	}
	return out, nil
}

func TestQueueOrderFilterAndAccess(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	src := listSource{"appeals", []Item{
		{ID: "later", TenantID: "luga", Due: now.Add(3 * day)},
		{ID: "none", TenantID: "luga"},
		{ID: "overdue", TenantID: "luga", Due: now.Add(-day)},
		{ID: "soon-low", TenantID: "luga", Due: now.Add(day), Priority: 1},
		{ID: "soon-high", TenantID: "luga", Due: now.Add(day), Priority: 5},
		{ID: "other-town", TenantID: "gatchina", Due: now.Add(-2 * day)},
	}}
	svc := New(src, listSource{name: "metering"})
	luga := &auth.Actor{Kind: auth.User, ID: "o1", Grants: []auth.Grant{{Role: auth.RoleOperator, ScopePath: "/r/luga/"}}}
	cases := []struct {
		name  string
		actor *auth.Actor
		f     Filter
		want  []string
		err   error
	}{
		{"ordered by deadline then priority", luga, Filter{Now: now}, []string{"overdue", "soon-high", "soon-low", "later", "none"}, nil},
		{"overdue only", luga, Filter{Now: now, OverdueOnly: true}, []string{"overdue"}, nil},
		{"other source", luga, Filter{Now: now, Source: "metering"}, nil, nil},
		{"limit", luga, Filter{Now: now, Limit: 2}, []string{"overdue", "soon-high"}, nil},
		{"anonymous", auth.Anon, Filter{Now: now}, nil, fault.ErrUnauthorized},
		{"resident", &auth.Actor{Kind: auth.User, Grants: []auth.Grant{{Role: auth.RoleResident, ScopePath: "/r/luga/"}}}, Filter{Now: now}, nil, fault.ErrForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := svc.Queue(context.Background(), tc.actor, tc.f)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			var ids []string
			for _, it := range got {
				ids = append(ids, it.ID)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", ids, tc.want)
				}
			}
		})
	}
}
