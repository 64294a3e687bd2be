package proactive

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/notify"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// benchResidents is the register size the issue asks for.
const benchResidents = 100_000

// benchRules are 20 register rules of the kinds a municipality keeps:
// ages reached, pension age, disability, large families, children's ages.
var benchRules = []struct {
	perChild bool
	when     string
}{
	{false, `{"fact": "age", "op": "=", "value": 14}`},
	{false, `{"fact": "age", "op": "=", "value": 18}`},
	{false, `{"fact": "age", "op": "=", "value": 45}`},
	{false, `{"fact": "age", "op": "=", "value": 20}`},
	{false, `{"any": [{"all": [{"fact": "sex", "op": "=", "value": "f"}, {"fact": "age", "op": ">=", "value": 60}]}, {"all": [{"fact": "sex", "op": "=", "value": "m"}, {"fact": "age", "op": ">=", "value": 65}]}]}`},
	{false, `{"fact": "disability", "op": "in", "value": ["1", "2"]}`},
	{false, `{"fact": "disability", "op": "=", "value": "child"}`},
	{false, `{"all": [{"fact": "attr.large_family", "op": "=", "value": true}, {"fact": "attr.housing_m2", "op": "<", "value": 12}]}`},
	{true, `{"all": [{"fact": "child.age_months", "op": "<", "value": 36}, {"not": {"fact": "child.attr.kindergarten", "op": "exists"}}]}`},
	{true, `{"fact": "child.age", "op": "=", "value": 7}`},
	{true, `{"fact": "child.age", "op": "=", "value": 14}`},
	{false, `{"fact": "children", "op": ">=", "value": 3}`},
	{false, `{"all": [{"fact": "attr.entrepreneur", "op": "=", "value": true}, {"fact": "age", "op": ">=", "value": 18}]}`},
	{false, `{"fact": "attr.land", "op": "=", "value": true}`},
	{false, `{"any": [{"fact": "attr.veteran", "op": "exists"}, {"fact": "attr.chernobyl", "op": "exists"}]}`},
	{false, `{"all": [{"fact": "address", "op": "exists"}, {"fact": "age", "op": ">=", "value": 70}]}`},
	{false, `{"all": [{"fact": "sex", "op": "=", "value": "f"}, {"fact": "children", "op": ">=", "value": 1}, {"fact": "age", "op": "<", "value": 30}]}`},
	{false, `{"fact": "attr.income", "op": "<", "value": 15000}`},
	{false, `{"all": [{"fact": "age", "op": ">=", "value": 25}, {"fact": "age", "op": "<=", "value": 35}, {"fact": "attr.young_family", "op": "exists"}]}`},
	{true, `{"fact": "child.age_months", "op": "<", "value": 2}`},
}

// seedRegister writes n consenting residents with plausible attributes
// and children, and the 20 rules, straight into the tables.
func seedRegister(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	for i, r := range benchRules {
		when, err := ParseCond(r.when)
		if err != nil {
			b.Fatal(err)
		}
		e.saveRule(b, muniA, Rule{Code: fmt.Sprintf("bench_%02d", i), Name: fmt.Sprintf("Правило %d", i), ServiceCode: "kindergarten",
			PerChild: r.perChild, When: when, LifetimeDays: 30, Active: true, Prefill: map[string]string{"name": "full_name", "snils": "snils"}})
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	day := today(e.clock.t, muniA.TimeZone)
	date := func(daysAgo int) string { return day.AddDate(0, 0, -daysAgo).Format(time.DateOnly) }
	const batch = 500
	for start := 0; start < n; start += batch {
		var res, cons strings.Builder
		var args, cargs []any
		for i := start; i < min(start+batch, n); i++ {
			attrs := map[string]string{}
			if rnd.IntN(20) == 0 {
				attrs["large_family"], attrs["housing_m2"] = "true", fmt.Sprint(6+rnd.IntN(14))
			}
			if rnd.IntN(30) == 0 {
				attrs["entrepreneur"] = "true"
			}
			if rnd.IntN(25) == 0 {
				attrs["land"] = "true"
			}
			if rnd.IntN(50) == 0 {
				attrs["veteran"] = "yes"
			}
			if rnd.IntN(10) == 0 {
				attrs["income"] = fmt.Sprint(8000 + rnd.IntN(40000))
			}
			var kids []Child
			if rnd.IntN(3) == 0 {
				for k := range 1 + rnd.IntN(3) {
					c := Child{Key: fmt.Sprint(k), Name: "Ребёнок", BirthDate: date(rnd.IntN(18 * 365))}
					if rnd.IntN(2) == 0 {
						c.Attrs = map[string]string{"kindergarten": "yes"}
					}
					kids = append(kids, c)
				}
			}
			dis := ""
			if rnd.IntN(40) == 0 {
				dis = []string{"1", "2", "3", "child"}[rnd.IntN(4)]
			}
			ab, _ := json.Marshal(attrs)
			kb, _ := json.Marshal(kids)
			if kids == nil {
				kb = []byte("[]")
			}
			if res.Len() > 0 {
				res.WriteString(", ")
				cons.WriteString(", ")
			}
			p := len(args)
			fmt.Fprintf(&res, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11)
			args = append(args, fmt.Sprintf("r%06d", i), muniA.ID, fmt.Sprintf("%011d", i), fmt.Sprintf("u%06d", i), fmt.Sprintf("Житель %d", i),
				date(rnd.IntN(90*365)), []string{"m", "f"}[rnd.IntN(2)], "ул. Садовая, 1", dis, string(ab), string(kb))
			q := len(cargs)
			fmt.Fprintf(&cons, "($%d, $%d, 1, 'ru', 'x', 0)", q+1, q+2)
			cargs = append(cargs, fmt.Sprintf("c%06d", i), fmt.Sprintf("u%06d", i))
		}
		err := e.d.InTx(ctx, func(ctx context.Context) error {
			if _, err := e.d.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_residents (id, tenant_id, snils, user_id, full_name, birth_date, sex, address, disability, attrs, children, updated_ms)
				SELECT v.*, 0 FROM (VALUES `+res.String()+`) AS v`, args...); err != nil {
				return err
			}
			_, err := e.d.Q(ctx).ExecContext(ctx, `INSERT INTO proactive_consents (id, user_id, version, lang, text_hash, given_ms) VALUES `+cons.String(), cargs...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if e.d.Engine == db.Postgres {
		e.d.Writer().ExecContext(ctx, `ANALYZE`)
	}
}

// BenchmarkProactive measures, on each engine over one register of
// 100,000 consenting residents and 20 register rules:
//   - read: the baseline, reading the register rows alone;
//   - evaluate: a sweep that finds nothing new (every eligible resident
//     already has their offers): read + evaluate the 20 rules;
//   - first: a sweep over a register without offers, which also writes
//     every new offer with its audit entry and notification (the real
//     notification service, into its table).
//
// go test ./internal/services/proactive -run '^$' -bench Proactive -benchtime 3x
func BenchmarkProactive(b *testing.B) {
	for _, eng := range testdb.Engines(b) {
		b.Run(string(eng), func(b *testing.B) {
			d := testdb.Open(b, eng, append(sets, notify.Migrations)...)
			e := newEnv(b, d)
			e.s.Notify = notify.New(notify.Deps{DB: d})
			seedRegister(b, e, benchResidents)
			ctx := as(adminOf(muniA))
			b.Run("read", func(b *testing.B) {
				defer reportCPU(b)()
				for b.Loop() {
					n := 0
					if err := e.s.st.consenting(context.Background(), muniA.ID, func(*Resident) error { n++; return nil }); err != nil || n != benchResidents {
						b.Fatal(n, err)
					}
				}
				b.ReportMetric(float64(benchResidents)*float64(b.N)/b.Elapsed().Seconds(), "residents/s")
			})
			var offers int
			b.Run("first", func(b *testing.B) {
				defer reportCPU(b)()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					for _, table := range []string{"proactive_offers", "notifications"} {
						if _, err := d.Writer().ExecContext(context.Background(), `DELETE FROM `+table); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					res, err := e.s.SweepMunicipality(ctx, muniA.ID)
					if err != nil || res.Residents != benchResidents {
						b.Fatal(res, err)
					}
					offers = res.Offers
				}
				b.StopTimer()
				var notes int
				if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications`).Scan(&notes); err != nil || notes != offers {
					b.Fatalf("%d notifications for %d offers (%v)", notes, offers, err)
				}
				b.ReportMetric(float64(offers), "offers")
			})
			b.Run("evaluate", func(b *testing.B) {
				defer reportCPU(b)()
				for b.Loop() {
					res, err := e.s.SweepMunicipality(ctx, muniA.ID)
					if err != nil || res.Residents != benchResidents || res.Offers != 0 {
						b.Fatal(res, err)
					}
				}
				b.ReportMetric(float64(benchResidents)*float64(b.N)/b.Elapsed().Seconds(), "residents/s")
			})
		})
	}
}

// BenchmarkEvaluate is the rules alone: 20 rules over one resident with
// two children, no I/O.
func BenchmarkEvaluate(b *testing.B) {
	var rules []*compiled
	for i, r := range benchRules {
		when, _ := ParseCond(r.when)
		c, bad := compileRule(Rule{ID: fmt.Sprint(i), Code: fmt.Sprintf("r%d", i), Name: "r", ServiceCode: "x", LifetimeDays: 1, PerChild: r.perChild, When: when}, nil)
		if bad != nil {
			b.Fatal(bad)
		}
		rules = append(rules, c)
	}
	r := sample()
	n := 0
	for b.Loop() {
		eligible(rules, r, trigger{}, evalDay, func(*compiled, string, *facts) error { n++; return nil })
	}
}

// reportCPU reports the CPU seconds this process spent per operation
// (user + system, every goroutine; a PostgreSQL server's own work is not
// in it): on a shared machine it moves far less than the wall time.
func reportCPU(b *testing.B) func() {
	cpu := func() float64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	start := cpu()
	return func() { b.ReportMetric((cpu()-start)/float64(b.N), "cpu-s/op") }
}
