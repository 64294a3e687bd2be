package workplace

import (
	"context"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/audit"
)

// fakePeople names every id it is asked about and remembers the question.
type fakePeople struct{ asked []string }

func (p *fakePeople) UserNames(_ context.Context, ids []string) (map[string]string, error) {
	p.asked = append(p.asked, ids...)
	out := map[string]string{}
	for _, id := range ids {
		out[id] = "name of " + id
	}
	return out, nil
}

// The viewer asks People only about users: API keys and departments have
// ids too, and those are not people.
func TestAuditUserNames(t *testing.T) {
	recs := []audit.Record{
		{ActorKind: "user", ActorID: "u1", ObjectType: "user", ObjectID: "u2"},
		{ActorKind: "api_key", ActorID: "k1", ObjectType: "department", ObjectID: "d1"},
		{ActorKind: "anonymous", ObjectType: "grant", ObjectID: "g1"},
	}
	v := NewAuditView(nil, nil)
	if got, err := v.UserNames(context.Background(), recs); err != nil || len(got) != 0 {
		t.Fatalf("without People: %v, %v", got, err)
	}
	p := &fakePeople{}
	got, err := v.WithPeople(p).UserNames(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.asked, []string{"u1", "u2"}) || got["u2"] != "name of u2" {
		t.Fatalf("asked %v, got %v", p.asked, got)
	}
}
