package monitoring

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
)

// demoRange is a plausible span of an indicator that is not a share.
var demoRange = map[string][2]float64{
	"607.1": {250, 450}, "607.3": {15000, 90000}, "607.8.1": {45000, 75000}, "607.8.2": {30000, 45000},
	"607.8.3": {38000, 55000}, "607.8.4": {45000, 62000}, "607.8.5": {32000, 50000}, "607.8.6": {30000, 48000},
	"607.18": {90, 160}, "607.24.1": {26, 36}, "607.24.2": {0.3, 1.2}, "607.25.1": {1, 8}, "607.25.2": {0.5, 5},
	"607.26.1": {0, 6000}, "607.26.2": {0, 9000}, "607.33": {0, 40000}, "607.35": {3000, 7500}, "607.36": {1, 1},
	"607.38": {20, 120}, "607.39.1": {900, 1500}, "607.39.2": {0.15, 0.25}, "607.39.3": {10, 18}, "607.39.4": {30, 45},
	"607.39.5": {60, 140}, "607.40.1": {40, 90}, "607.40.2": {0.12, 0.2}, "607.40.3": {0.05, 0.2}, "607.40.4": {0.5, 1.5},
	"607.40.5": {1, 5},
}

// demoSeed is a number in [0, 1) fixed by its words.
func demoSeed(parts ...string) float64 {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(parts, "|")))
	return float64(h.Sum64()%1_000_000) / 1_000_000
}

// DemoValues are plausible figures of the federal set for the years
// first…last and targets for the three years after, the same on every
// run: each indicator starts within its span and mostly improves a few
// per cent a year, as such reports do.
func DemoValues(c *Catalog, slug string, first, last int) []ValueInput {
	var out []ValueInput
	for _, ind := range c.Set("607") {
		lo, hi := 5.0, 95.0
		if r, ok := demoRange[ind.Code]; ok {
			lo, hi = r[0], r[1]
		}
		v := lo + (hi-lo)*demoSeed(slug, ind.Code)
		step := func(y int) float64 {
			if ind.Better == None || lo == hi {
				return 1
			}
			d := 0.01 + 0.04*demoSeed(slug, ind.Code, strconv.Itoa(y))
			if demoSeed(slug, ind.Code, "worse", strconv.Itoa(y)) < 0.25 {
				d = -d / 2
			}
			if ind.Better == Lower {
				d = -d
			}
			return 1 + d
		}
		put := func(kind string, y int, x float64) {
			if strings.HasPrefix(ind.UnitEN, "per cent") {
				x = math.Min(x, 100)
			}
			out = append(out, ValueInput{Code: ind.Code, Period: strconv.Itoa(y), Kind: kind, Value: strconv.FormatFloat(round(x, 2), 'f', -1, 64)})
		}
		for y := first; y <= last; y++ {
			if ind.Source != Computed { // computed ones come from the platform's data
				put(Actual, y, v)
			}
			v *= step(y)
		}
		for y := last + 1; y <= last+ReportYears; y++ {
			put(Target, y, v)
			v *= step(y)
		}
	}
	return out
}

// SeedDemo gives the municipality at slug the demo figures (DemoValues)
// unless it has figures already, in one transaction with one audit
// entry; it returns how many it stored.
func (s *Service) SeedDemo(ctx context.Context, slug string, first, last int) (int, error) {
	m, err := s.staff(ctx, slug, auth.RoleMunicipalAdmin)
	if err != nil {
		return 0, err
	}
	have, err := s.st.values(ctx, m.ID)
	if err != nil || len(have) > 0 {
		return 0, err
	}
	var vals []Value
	for _, in := range DemoValues(s.catalog, slug, first, last) {
		v, bad := s.check(in)
		if len(bad) > 0 {
			return 0, fmt.Errorf("monitoring: demo value %s %s: %v", in.Code, in.Period, bad)
		}
		v.TenantID, v.Source, v.Note, v.UpdatedBy, v.UpdatedMs = m.ID, Imported, "демо", auth.From(ctx).ID, s.now().UnixMilli()
		vals = append(vals, v)
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		for _, v := range vals {
			if err := s.st.put(ctx, v); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.Entry{Action: "monitoring.values.demo", ObjectType: "indicator_values", ObjectID: m.ID,
			TenantID: m.ID, Detail: map[string]any{"values": len(vals), "from": first, "to": last}})
	})
	if err != nil {
		return 0, fmt.Errorf("monitoring: demo: %w", err)
	}
	return len(vals), nil
}
