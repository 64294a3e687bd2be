package transport

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// boundaryOf gives every municipality the same square around Moscow's
// centre.
type boundaryOf struct{}

func (boundaryOf) Boundary(context.Context, string) (json.RawMessage, error) {
	return json.RawMessage(`{"type":"Polygon","coordinates":[[[37.5,55.7],[37.7,55.7],[37.7,55.8],[37.5,55.8],[37.5,55.7]]]}`), nil
}

// segmentSnapshot is every segment as stored, to prove a refused form
// wrote nothing.
func segmentSnapshot(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.R(context.Background()).QueryContext(context.Background(),
		`SELECT tenant_id, code, name, geometry, length_m, free_flow_kmh, detectors, updated_ms FROM transport_road_segments ORDER BY tenant_id, code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var tenant, code, name, geo, dets string
		var length, free float64
		var updated int64
		if err := rows.Scan(&tenant, &code, &name, &geo, &length, &free, &dets, &updated); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join([]string{tenant, code, name, geo, dets}, "|"))
		b.WriteString("\n")
	}
	return b.String()
}

// TestSegmentPages: an official lists, creates, changes and removes road
// segments through the forms; each refused form names the field and
// writes nothing; another municipality's official is refused.
func TestSegmentPages(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		det := &fakeDetectors{known: map[string][]string{muniA.ID: {"TD-1", "TD-2"}, muniB.ID: {"TD-B"}}}
		tr := NewTraffic(TrafficDeps{DB: d, Audit: audit.New(d), Places: places(muniA, muniB), Readings: det,
			Boundaries: boundaryOf{}, Now: func() time.Time { return trafficNow }})
		if _, err := tr.SaveSegment(as(operatorOf(muniA)), muniA.ID, "S-1", segmentIn("Тверская", "TD-1")); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.SaveSegment(as(operatorOf(muniB)), muniB.ID, "SB", segmentIn("Ленина в Бете", "TD-B")); err != nil {
			t.Fatal(err)
		}
		srv := webtest.New(t, []fs.FS{Locales, TrafficLocales}, Templates)
		TrafficRoutes(srv.Router, srv.Render, tr)
		h := srv.Handler(map[string]*auth.Actor{"op": operatorOf(muniA), "opB": operatorOf(muniB), "resident": residentCtxActor()}, 1<<20)

		form := func(kv ...string) url.Values {
			v := url.Values{"code": {"S-2"}, "name": {"Садовая: от моста до рынка"}, "geometry": {"55.751, 37.601\n55.752, 37.611\n55,753; 37,621"},
				"free_flow_kmh": {"50"}, "detectors": {"TD-1", "TD-2"}}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					v.Del(kv[i])
				} else {
					v.Set(kv[i], kv[i+1])
				}
			}
			return v
		}
		cases := []struct {
			name, actor, lang, method, path string
			form                            url.Values
			status                          int
			want, absent                    []string
			audits                          int    // audit entries written
			location                        string // where a success redirects
		}{
			{name: "the congestion map links the officials' list", actor: "op", method: "GET", path: "/m/alpha/transport/traffic", status: 200,
				want: []string{`href="/m/alpha/transport/segments"`}},
			{name: "not for a resident", actor: "resident", method: "GET", path: "/m/alpha/transport/traffic", status: 200,
				absent: []string{`href="/m/alpha/transport/segments"`}},
			{name: "a segment's page links its form", actor: "op", method: "GET", path: "/m/alpha/transport/traffic/S-1", status: 200,
				want: []string{`href="/m/alpha/transport/segments/S-1/edit"`}},
			{name: "not for another municipality's official", actor: "opB", method: "GET", path: "/m/alpha/transport/traffic/S-1", status: 200,
				absent: []string{`/transport/segments/S-1/edit`}},
			{name: "anonymous goes to sign in", method: "GET", path: "/m/alpha/transport/segments", status: 303, location: "/login?next="},
			{name: "a resident may not", actor: "resident", method: "GET", path: "/m/alpha/transport/segments", status: 403},
			{name: "another municipality's official may not list", actor: "opB", method: "GET", path: "/m/alpha/transport/segments", status: 403},
			{name: "list", actor: "op", method: "GET", path: "/m/alpha/transport/segments", status: 200,
				want: []string{"Участки дорог", "Тверская", "<code>S-1</code>", "TD-1", `href="/m/alpha/transport/segments/S-1/edit"`, `href="/m/alpha/transport/segments/new"`}},
			{name: "new form", actor: "op", method: "GET", path: "/m/alpha/transport/segments/new", status: 200,
				want: []string{`name="code"`, `name="geometry"`, `value="TD-2"`, "Детектор TD-2", `data-points="geometry"`, `data-boundary="{`, "Тверская", "js/line.js"}},
			{name: "another municipality's official may not create", actor: "opB", method: "POST", path: "/m/alpha/transport/segments", form: form(), status: 403},
			{name: "bad code", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("code", "S 2"), status: 422,
				want: []string{`id="code-error"`, "Код — от 1 до 64 символов", `value="S 2"`, `value="Садовая: от моста до рынка"`}},
			{name: "empty name", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("name", " "), status: 422,
				want: []string{`id="name-error"`, "Укажите название"}},
			{name: "one point", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("geometry", "55.75, 37.60"), status: 422,
				want: []string{`id="geometry-error"`, "Линия участка — не меньше двух точек."}},
			{name: "no line", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("geometry", ""), status: 422,
				want: []string{`id="geometry-error"`, "Линия участка — не меньше двух точек."}},
			{name: "latitude out of range", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("geometry", "95.1, 37.60\n55.75, 37.62"), status: 422,
				want: []string{`id="geometry-error"`, "Точка вне допустимых значений", "95.1, 37.60"}},
			{name: "not points", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("geometry", "55.75, 37.60\nу моста"), status: 422,
				want: []string{`id="geometry-error"`, "Каждая строка — одна точка", "у моста"}},
			{name: "free flow not a number", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("free_flow_kmh", "быстро"), status: 422,
				want: []string{`id="free_flow_kmh-error"`, "от 5 до 200 км/ч"}},
			{name: "no detectors", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("detectors", ""), status: 422,
				want: []string{`id="detectors-error"`, "Нужно от 1 до 20 детекторов"}},
			{name: "another municipality's detector", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("detectors", "TD-B"), status: 422,
				want: []string{`id="detectors-error"`, "Каждый детектор должен быть точкой учёта", `value="TD-B"`}},
			{name: "several fields at once, in English", actor: "op", lang: "en", method: "POST", path: "/m/alpha/transport/segments",
				form: form("code", "S-1", "name", "", "geometry", "55.75, 200"), status: 422,
				want: []string{"There is already a segment with this code", "The name is required", "The segment&#39;s line needs at least two points"}},
			{name: "create", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form(), status: 303, audits: 1,
				location: "/m/alpha/transport/segments?saved=S-2"},
			{name: "duplicate code", actor: "op", method: "POST", path: "/m/alpha/transport/segments", form: form("name", "Другая"), status: 422,
				want: []string{`id="code-error"`, "Участок с таким кодом уже есть"}},
			{name: "the list says it is saved", actor: "op", method: "GET", path: "/m/alpha/transport/segments?saved=S-2", status: 200,
				want: []string{"Участок «Садовая: от моста до рынка» сохранён.", "<code>S-2</code>"}},
			{name: "edit form", actor: "op", method: "GET", path: "/m/alpha/transport/segments/S-2/edit", status: 200,
				want: []string{"Участок S-2", `value="Садовая: от моста до рынка"`, "55.751, 37.601\n55.752, 37.611\n55.753, 37.621", `value="50"`,
					`action="/m/alpha/transport/segments/S-2"`, `href="/m/alpha/transport/segments/S-2/delete"`}},
			{name: "another municipality's segment", actor: "op", method: "GET", path: "/m/alpha/transport/segments/SB/edit", status: 404},
			{name: "another municipality's official may not edit", actor: "opB", method: "POST", path: "/m/alpha/transport/segments/S-2",
				form: form("name", "Чужая"), status: 403},
			{name: "edit refused", actor: "op", method: "POST", path: "/m/alpha/transport/segments/S-2", form: form("name", "", "length_m", "5"), status: 422,
				want: []string{`id="name-error"`, `id="length_m-error"`, "Длина — от 10 м до 100 км."}},
			{name: "edit an unknown segment", actor: "op", method: "POST", path: "/m/alpha/transport/segments/S-404", form: form(), status: 404},
			{name: "edit", actor: "op", method: "POST", path: "/m/alpha/transport/segments/S-2", form: form("code", "", "name", "Садовая ул.", "length_m", "1500", "detectors", "TD-2"),
				status: 303, audits: 1, location: "/m/alpha/transport/segments?saved=S-2"},
			{name: "the edit shows", actor: "op", method: "GET", path: "/m/alpha/transport/segments/S-2/edit", status: 200,
				want: []string{`value="Садовая ул."`, `value="1500"`, `value="TD-2" checked`}},
			{name: "delete asks first", actor: "op", method: "GET", path: "/m/alpha/transport/segments/S-2/delete", status: 200,
				want: []string{"Удалить участок «Садовая ул.»?", `<form method="post" action="/m/alpha/transport/segments/S-2/delete"`, "Да, удалить"}},
			{name: "another municipality's official may not delete", actor: "opB", method: "POST", path: "/m/alpha/transport/segments/S-2/delete", status: 403},
			{name: "delete an unknown segment", actor: "op", method: "POST", path: "/m/alpha/transport/segments/S-404/delete", status: 404},
			{name: "delete", actor: "op", method: "POST", path: "/m/alpha/transport/segments/S-2/delete", status: 303, audits: 1,
				location: "/m/alpha/transport/segments?deleted=1"},
			{name: "gone from the list", actor: "op", method: "GET", path: "/m/alpha/transport/segments?deleted=1", status: 200,
				want: []string{"Участок удалён.", "Тверская"}},
		}
		audits := func() int {
			var n int
			if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tc := range cases {
			before, auditsBefore := segmentSnapshot(t, d), audits()
			var body *strings.Reader
			if tc.form != nil {
				body = strings.NewReader(tc.form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req := httptest.NewRequest(tc.method, tc.path, body)
			if tc.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Set("Accept-Language", cmpOr(tc.lang, "ru"))
			req.Header.Set(webtest.ActorHeader, tc.actor)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d\n%.800s", tc.name, rec.Code, tc.status, rec.Body)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("%s: the page lacks %q", tc.name, w)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(rec.Body.String(), w) {
					t.Errorf("%s: the page has %q", tc.name, w)
				}
			}
			if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, tc.location) {
				t.Errorf("%s: redirected to %q, want %q", tc.name, loc, tc.location)
			}
			if got := audits() - auditsBefore; got != tc.audits {
				t.Errorf("%s: %d audit entries written, want %d", tc.name, got, tc.audits)
			}
			if tc.audits == 0 && segmentSnapshot(t, d) != before {
				t.Errorf("%s: segments changed:\n%s\nwas\n%s", tc.name, segmentSnapshot(t, d), before)
			}
		}
		// What the forms wrote, as the service reads it.
		segs, err := tr.Segments(as(operatorOf(muniA)), muniA.ID)
		if err != nil || len(segs) != 1 || segs[0].Code != "S-1" {
			t.Fatalf("A's segments at the end: %+v %v", segs, err)
		}
		for _, action := range []string{"transport.segment_created", "transport.segment_updated", "transport.segment_deleted"} {
			var tenant, actor string
			err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT tenant_id, actor_id FROM audit_log WHERE action = $1
				ORDER BY seq DESC LIMIT 1`, action).Scan(&tenant, &actor)
			if err != nil || tenant != muniA.ID || actor != operatorOf(muniA).ID {
				t.Errorf("%s: audited for %q by %q, %v", action, tenant, actor, err)
			}
		}
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func residentCtxActor() *auth.Actor { return &auth.Actor{Kind: auth.User, ID: "resident"} }

// TestParsePoints: the points field takes a point a line in the ways
// people type them; anything else is refused whole.
func TestParsePoints(t *testing.T) {
	cases := []struct {
		text string
		want []position // nil with ok false
		ok   bool
	}{
		{"58.7372, 29.8512\n58.74,29.86", []position{{29.8512, 58.7372}, {29.86, 58.74}}, true},
		{"58.7372 29.8512\r\n\n  58.74;29.86  \n", []position{{29.8512, 58.7372}, {29.86, 58.74}}, true},
		{"58,7372 29,8512\n58,74; 29,86\n58,75, 29,87", []position{{29.8512, 58.7372}, {29.86, 58.74}, {29.87, 58.75}}, true},
		{"-33.9, 151.2", []position{{151.2, -33.9}}, true}, // one point parses; the service wants two
		{"", nil, true},
		{"95, 29", []position{{29, 95}}, true}, // out of range is the service's to refuse
		{"58.7372", nil, false},
		{"58.7372, 29.8512, 10", nil, false},
		{"северная, 29", nil, false},
		{"NaN, 29", nil, false},
		{"Inf 29", nil, false},
	}
	for _, c := range cases {
		got, ok := parsePoints(c.text)
		if ok != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v %v, want %v %v", c.text, got, ok, c.want, c.ok)
		}
	}
	// What the edit form shows reads back as the same line.
	line := []position{{37.601, 55.751}, {37.611, 55.752}}
	if got, ok := parsePoints(formatPoints(line)); !ok || !slices.Equal(got, line) {
		t.Errorf("round trip: %v %v", got, ok)
	}
}
