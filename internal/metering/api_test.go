package metering

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
	"github.com/muni-platform/muni/internal/platform/webtest"
)

// apiServer mounts the readings API with the platform's error handling;
// X-Test-Actor picks one of actors (standing in for API keys).
func apiServer(t testing.TB, s *Service, actors map[string]*auth.Actor) http.Handler {
	t.Helper()
	srv := webtest.New(t, []fs.FS{Locales})
	APIRoutes(srv.Router, s)
	return srv.Handler(actors, 64<<10)
}

func TestReadingsAPI(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		seed(t, s, muniB, "SN-B")
		token, err := s.IssueDeviceToken(ctx, adminOf(muniA), muniA.ID, w.deviceID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueDeviceToken(ctx, adminOf(muniB), muniA.ID, w.deviceID); err == nil {
			t.Fatal("another municipality's admin issued a token")
		}
		machineA := &auth.Actor{Kind: auth.Machine, ID: "key-a", Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
		machineB := &auth.Actor{Kind: auth.Machine, ID: "key-b", Grants: []auth.Grant{{Role: auth.RoleOperator, ScopeID: muniB.ID, ScopePath: muniB.Path}}}
		resident := &auth.Actor{Kind: auth.User, ID: "u1", Grants: []auth.Grant{{Role: auth.RoleResident, ScopeID: muniA.ID, ScopePath: muniA.Path}}}
		h := apiServer(t, s, map[string]*auth.Actor{"key-a": machineA, "key-b": machineB, "resident": resident})
		ts := func(d time.Duration) string { return c.t.Add(d).Format(time.RFC3339) }
		epoch := func(d time.Duration) string { return strconv64(c.t.Add(d).Unix()) }
		cases := []struct {
			name, actor, token, ctype, query, body string
			status                                 int
			stored                                 int
			want                                   []string
		}{
			{"device json with bad items", "", token, "application/json", "",
				`[{"channel":"v","ts":"` + ts(-time.Hour) + `","value":1.5},
				  {"channel":"v","ts":"` + ts(-2*time.Hour) + `","value":"abc"},
				  {"channel":"v","ts":"` + ts(time.Hour) + `","value":2},
				  {"channel":"v","ts":` + epoch(-3*time.Hour) + `,"value":1e999},
				  {"channel":"nope","ts":"` + ts(0) + `","value":2},
				  7,
				  {"channel":"v","ts":` + epoch(-4*time.Hour) + `,"value":1.25,"quality":"estimated"}]`,
				200, 2, []string{`"stored":2`, `"index":1,"channel":"v","reason":"not-numeric"`, `"future-timestamp"`, `"not-finite"`, `"unknown-channel"`, `"index":5,"reason":"malformed"`}},
			{"device ndjson", "", token, "application/x-ndjson", "",
				`{"channel":"v","ts":"` + ts(-5*time.Hour) + `","value":3}` + "\n\n" + `{"channel":"q","ts":"` + ts(-5*time.Hour) + `","value":0.1}`,
				200, 2, []string{`"stored":2`}},
			{"device resends: duplicates", "", token, "application/x-ndjson", "",
				`{"channel":"v","ts":"` + ts(-5*time.Hour) + `","value":3}`, 200, 0, []string{`"duplicates":1`}},
			{"api key csv", "key-a", "", "text/csv", "",
				"device,channel,ts,value,quality\nSN-1,v," + ts(-6*time.Hour) + ",4,measured\nSN-1,v," + ts(-7*time.Hour) + ",NaN,\nSN-1,v,x\n",
				200, 1, []string{`"not-finite"`, `"index":2,"reason":"malformed"`}},
			{"senml with device query", "key-a", "", "application/senml+json", "?device=SN-1",
				`[{"bn":"","bt":` + epoch(-8*time.Hour) + `,"n":"v","v":5},{"n":"q","t":60,"v":0.2},{"n":"v","vs":"x"}]`,
				200, 2, []string{`"not-numeric"`}},
			{"all rejected is a problem", "", token, "application/json", "",
				`[{"channel":"v","ts":"` + ts(time.Hour) + `","value":1},{"channel":"v","value":1}]`,
				400, 0, []string{`metering-readings-rejected`, `"0":"Время показания более чем на 10 минут впереди."`, `"1":"Нет времени показания."`}},
			{"wrong token", "", token + "x", "application/json", "", `[]`, 401, 0, []string{"metering-device-token"}},
			{"made-up token", "", "mdev_nobody_zzz", "application/json", "", `[]`, 401, 0, []string{"metering-device-token"}},
			{"no credentials", "", "", "application/json", "", `[{"device":"SN-1","channel":"v","ts":"` + ts(0) + `","value":1}]`, 401, 0, nil},
			{"resident may not post", "resident", "", "application/json", "", `[{"device":"SN-1","channel":"v","ts":"` + ts(0) + `","value":1}]`, 403, 0, nil},
			{"other municipality's key", "key-b", "", "application/json", "?municipality=alpha", `[{"device":"SN-1","channel":"v","ts":"` + ts(0) + `","value":1}]`, 403, 0, nil},
			{"other municipality's key, own tenant, foreign device", "key-b", "", "application/json", "",
				`[{"device":"SN-1","channel":"v","ts":"` + ts(0) + `","value":1}]`, 400, 0, []string{"Неизвестный прибор учёта."}},
			{"not an array", "", token, "application/json", "", `{"channel":"v"}`, 400, 0, []string{"metering-batch-unreadable"}},
			{"empty", "", token, "application/json", "", `[]`, 400, 0, []string{"metering-batch-empty"}},
			{"csv without header columns", "key-a", "", "text/csv", "", "a,b\n1,2\n", 400, 0, []string{"metering-batch-unreadable"}},
			{"xml", "", token, "application/xml", "", `<x/>`, 400, 0, []string{"unsupported-media-type"}},
		}
		for _, tc := range cases {
			before := countReadings(t, d)
			req := httptest.NewRequest("POST", "/api/v1/readings"+tc.query, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			req.Header.Set("Accept-Language", "ru")
			if tc.token != "" {
				req.Header.Set(DeviceTokenHeader, tc.token)
			}
			req.Header.Set("X-Test-Actor", tc.actor)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
				continue
			}
			if tc.status != 200 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: %s, want problem+json", tc.name, rec.Header().Get("Content-Type"))
			}
			body := rec.Body.String()
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: body lacks %s: %s", tc.name, w, body)
				}
			}
			if got := countReadings(t, d) - before; got != tc.stored {
				t.Errorf("%s: %d readings stored, want %d", tc.name, got, tc.stored)
			}
			if tc.status == 200 {
				var res Result
				if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Stored != tc.stored {
					t.Errorf("%s: result %s (%v)", tc.name, body, err)
				}
			}
		}
	})
}

func strconv64(n int64) string { return itoa(n) }

// TestReadingsAPIRefusesARetiredPoint: once its point is retired, a
// meter's batch is refused whole as a problem naming the reason, and
// nothing is stored.
func TestReadingsAPIRefusesARetiredPoint(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		token, err := s.IssueDeviceToken(ctx, adminOf(muniA), muniA.ID, w.deviceID)
		if err != nil {
			t.Fatal(err)
		}
		h := apiServer(t, s, nil)
		post := func() *httptest.ResponseRecorder {
			body := `[{"channel":"v","ts":"` + c.t.Add(-time.Hour).Format(time.RFC3339) + `","value":1}]`
			req := httptest.NewRequest("POST", "/api/v1/readings", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", "ru")
			req.Header.Set(DeviceTokenHeader, token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		if rec := post(); rec.Code != 200 {
			t.Fatalf("before retiring: %d %s", rec.Code, rec.Body)
		}
		if err := s.Retire(ctx, adminOf(muniA), muniA.ID, KindPoint, "P1"); err != nil {
			t.Fatal(err)
		}
		rec := post()
		if rec.Code != 400 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(rec.Body.String(), `"0":"Прибор установлен на точке учёта, выведенной из эксплуатации."`) {
			t.Fatalf("after retiring: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if n := countReadings(t, d); n != 1 {
			t.Errorf("%d readings, want the one from before", n)
		}
	})
}
