package participation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// ballotServer serves every participation route with b's ballot box.
func ballotServer(t *testing.T, b *ballotEnv, actors map[string]*auth.Actor) http.Handler {
	return serveAll(t, b.svc, b.box, actors)
}

func TestBallotPages(t *testing.T) {
	ballots(t, func(t *testing.T, b *ballotEnv) {
		b.voter("res")
		b.person("south", distS, "1980-01-01")
		actors := map[string]*auth.Actor{"res": auth.From(actorCtx("res")), "south": auth.From(actorCtx("south")),
			"admin": auth.From(admin(muniA))}
		h := ballotServer(t, b, actors)
		bud := "/participation/budgets/" + b.bud.ID
		key := "a-form-key-of-enough-length-1"
		for _, lang := range []string{"ru", "en"} {
			for _, c := range []webCase{
				{name: "ballot page", actor: "res", method: "GET", path: bud, status: 200,
					want: []string{`data-limit="100000000"`, `data-cost="60000000"`, "1\u00a0000\u00a0000\u00a0₽", `name="idempotency_key"`}},
				{name: "anonymous ballot page", method: "GET", path: bud, status: 200, want: []string{"/login?next="}},
				{name: "the process page lists its budget", method: "GET", path: "/m/luga/participation/pb-2027", status: 200,
					want: []string{`href="` + bud + `"`, `href="` + bud + `/results"`}},
				{name: "wrong district", actor: "south", method: "GET", path: bud, status: 200, want: []string{`class="alert warn"`}},
				{name: "results before close", actor: "res", method: "GET", path: bud + "/results", status: 409},
				{name: "admin page", actor: "admin", method: "GET", path: "/admin/participation/" + b.proc.ID + "/budgets", status: 200,
					want: []string{"Север", `enctype="multipart/form-data"`}},
				{name: "admin page for a resident", actor: "res", method: "GET", path: "/admin/participation/" + b.proc.ID + "/budgets", status: 403},
				{name: "bad budget", actor: "admin", method: "POST", path: "/admin/participation/" + b.proc.ID + "/budgets",
					form: url.Values{"title": {""}, "limit": {"abc"}, "kind": {"knapsack"}}, status: 400, want: []string{`aria-invalid="true"`}},
				{name: "budgets list", method: "GET", path: "/participation/budgets", status: 200,
					want: []string{`href="` + bud + `"`, "Север"}},
				{name: "verify form", method: "GET", path: "/m/luga/participation/verify", status: 200, want: []string{`name="receipt"`}},
				{name: "forged receipt", method: "GET", path: "/m/luga/participation/verify?receipt=" + strings.Repeat("ab", 32), status: 404,
					want: []string{`class="alert bad"`}},
			} {
				c.do(t, h, lang)
			}
		}
		// over the limit: refused, the choice kept, nothing recorded
		over := webCase{name: "over limit", actor: "res", method: "POST", path: bud, status: 400,
			form: url.Values{"project": b.p, "idempotency_key": {key}}, want: []string{"1\u00a0300\u00a0000\u00a0₽", "checked"}}
		over.do(t, h, "ru")
		if got := b.stored(); got != "roll=0 box=0 leaves=0" {
			t.Fatalf("over-limit ballot recorded: %s", got)
		}
		// a good ballot: the receipt page, then the verify page proves it
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", bud, strings.NewReader(url.Values{"project": {b.p[0]}, "idempotency_key": {key}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Actor", "res")
		h.ServeHTTP(rec, req)
		m := regexp.MustCompile(`id="receipt-code">([0-9a-f]{64})<`).FindStringSubmatch(rec.Body.String())
		if rec.Code != 200 || m == nil || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("cast: %d\n%s", rec.Code, rec.Body.String())
		}
		for _, lang := range []string{"ru", "en"} {
			(webCase{name: "verify", method: "GET", path: "/m/luga/participation/verify?receipt=" + m[1], status: 200,
				want: []string{`id="verify-state"`, "Проект 1", "log.json"}}).do(t, h, lang)
			(webCase{name: "ballot page after voting", actor: "res", method: "GET", path: bud, status: 200,
				want: []string{`name="revote_code"`}}).do(t, h, lang)
		}
		(webCase{name: "log", method: "GET", path: bud + "/log.json", status: 200, want: []string{`"leaves":["muni-ballot-v1`}}).do(t, h, "ru")
		// the administrator sees results and the Pabulib file
		(webCase{name: "results", actor: "admin", method: "GET", path: bud + "/results", status: 200,
			want: []string{"Метод равных долей", "Проект 1"}}).do(t, h, "ru")
		rec = httptest.NewRecorder()
		req = httptest.NewRequest("GET", bud+"/pabulib", nil)
		req.Header.Set("X-Test-Actor", "admin")
		h.ServeHTTP(rec, req)
		in, votes, err := pb.ReadPabulib(rec.Body)
		if err != nil || len(votes) != 1 || in.Budget != b.bud.Limit || len(in.Projects) != 3 {
			t.Fatalf("pabulib: %v %+v", err, in)
		}
		_ = context.Background()
	})
}
