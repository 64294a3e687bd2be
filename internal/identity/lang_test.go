package identity

import (
	"context"
	"errors"
	"testing"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// TestSetLanguage: registration keeps the language the form was read in;
// a signed-in person's choice replaces it, audited once; an unknown
// language and an anonymous caller change nothing.
func TestSetLanguage(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "lang@example.ru", "a")
		ctx := e.as(t, u.ID)
		me, _, err := e.svc.Me(ctx)
		if err != nil || me.Lang != "ru" {
			t.Fatalf("after registration lang %q %v, want ru", me.Lang, err)
		}
		if err := e.svc.SetLanguage(ctx, "de"); fieldErr(t, err, "lang") == "" {
			t.Fatalf("unknown language: %v", err)
		}
		if err := e.svc.SetLanguage(context.Background(), "en"); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous: %v", err)
		}
		for range 2 { // the second call is no change
			if err := e.svc.SetLanguage(ctx, "en"); err != nil {
				t.Fatal(err)
			}
		}
		if me, _, _ = e.svc.Me(ctx); me.Lang != "en" {
			t.Fatalf("lang %q, want en", me.Lang)
		}
		recs, err := audit.New(e.d).List(context.Background(), audit.Filter{ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.Action == "identity.user.language" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d language audit entries, want 1", n)
		}
	})
}
