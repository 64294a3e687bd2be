package territory

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// fakeSection answers with a fixed block for one municipality.
type fakeSection struct {
	block HomeBlock
	seen  []string
}

func (f *fakeSection) Section(ctx context.Context, muni Node, lang string) (HomeBlock, error) {
	f.seen = append(f.seen, muni.Slug+"/"+lang)
	return f.block, nil
}

func TestHomeSections(t *testing.T) {
	run(t, func(t *testing.T, d *db.DB, s *Service) {
		if _, err := SeedDemo(platformAdmin(), s); err != nil {
			t.Fatal(err)
		}
		appeals := &fakeSection{block: HomeBlock{Title: "Обращения жителей", MoreURL: "/m/luga/appeals",
			Items: []HomeItem{{Title: "Не горит фонарь на ул. Кирова", URL: "/appeals/1", Meta: "зарегистрировано", Badge: "в работе"}}}}
		empty := &fakeSection{block: HomeBlock{Title: "Опросы"}}
		h := testServer(t, s, nil, appeals, empty)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/luga/", nil))
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "Не горит фонарь на ул. Кирова") || !strings.Contains(body, `href="/m/luga/appeals"`) {
			t.Fatalf("%d: the section is missing\n%.2000s", rec.Code, body)
		}
		if strings.Contains(body, "Опросы") {
			t.Fatal("an empty section was shown")
		}
		if len(appeals.seen) != 1 || appeals.seen[0] != "luga/ru" {
			t.Fatalf("sections asked for %v", appeals.seen)
		}
	})
}
