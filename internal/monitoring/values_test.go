package monitoring

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func auditCount(t *testing.T, d *db.DB, action, tenant string) int {
	t.Helper()
	recs, err := audit.New(d).List(context.Background(), audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Action == action && r.TenantID == tenant {
			n++
		}
	}
	return n
}

func TestSetValue(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{})
		admin := as(grant(muniA, auth.RoleMunicipalAdmin))
		v, err := s.SetValue(admin, muniA.Slug, ValueInput{Code: "607.37", Period: "2025", Kind: Actual, Value: "54,2", Note: "опрос"})
		if err != nil || v.Value != 54.2 || v.Source != Manual {
			t.Fatalf("set: %+v %v", v, err)
		}
		if _, err := s.SetValue(admin, muniA.Slug, ValueInput{Code: "607.37", Period: "2025", Kind: Target, Value: "60"}); err != nil {
			t.Fatal(err)
		}
		// A second figure for the same period replaces the first.
		if _, err := s.SetValue(admin, muniA.Slug, ValueInput{Code: "607.37", Period: "2025", Kind: Actual, Value: "55"}); err != nil {
			t.Fatal(err)
		}
		vals, err := s.st.values(context.Background(), muniA.ID)
		if err != nil || len(vals) != 2 || vals[0].Kind != Actual || vals[0].Value != 55 || vals[1].Value != 60 {
			t.Fatalf("stored: %+v %v", vals, err)
		}
		if n := auditCount(t, d, "monitoring.value.set", muniA.ID); n != 3 {
			t.Errorf("audit entries: %d, want 3", n)
		}
	})
}

func TestSetValueRefuses(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{})
		good := ValueInput{Code: "607.1", Period: "2025", Kind: Actual, Value: "310"}
		for name, c := range map[string]struct {
			ctx  context.Context
			slug string
			in   ValueInput
			kind error
		}{
			"anonymous":         {context.Background(), muniA.Slug, good, fault.ErrUnauthorized},
			"operator":          {as(grant(muniA, auth.RoleOperator)), muniA.Slug, good, fault.ErrForbidden},
			"other tenant":      {as(grant(muniB, auth.RoleMunicipalAdmin)), muniA.Slug, good, fault.ErrForbidden},
			"unknown slug":      {as(grant(muniA, auth.RoleMunicipalAdmin)), "nowhere", good, fault.ErrNotFound},
			"unknown code":      {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "607.99", Period: "2025", Kind: Actual, Value: "1"}, fault.ErrInvalid},
			"bad period":        {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "607.1", Period: "2025-Q7", Kind: Actual, Value: "1"}, fault.ErrInvalid},
			"bad value":         {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "607.1", Period: "2025", Kind: Actual, Value: "много"}, fault.ErrInvalid},
			"bad kind":          {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "607.1", Period: "2025", Kind: "guess", Value: "1"}, fault.ErrInvalid},
			"computed by hand":  {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "P.APPEALS.MEDIAN", Period: "2025", Kind: Actual, Value: "3"}, fault.ErrInvalid},
			"note far too long": {as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "607.1", Period: "2025", Kind: Actual, Value: "1", Note: strings.Repeat("я", 501)}, fault.ErrInvalid},
		} {
			if _, err := s.SetValue(c.ctx, c.slug, c.in); !errors.Is(err, c.kind) {
				t.Errorf("%s: got %v, want %v", name, err, c.kind)
			}
		}
		for _, m := range []Municipality{muniA, muniB} {
			if vals, _ := s.st.values(context.Background(), m.ID); len(vals) != 0 {
				t.Errorf("%s: refused input was stored: %+v", m.ID, vals)
			}
		}
		// A target of a computed indicator is the official's to set.
		if _, err := s.SetValue(as(grant(muniA, auth.RoleMunicipalAdmin)), muniA.Slug, ValueInput{Code: "P.APPEALS.MEDIAN", Period: "2026", Kind: Target, Value: "10"}); err != nil {
			t.Errorf("target of a computed indicator: %v", err)
		}
	})
}

func TestImport(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{})
		admin := as(grant(muniA, auth.RoleMunicipalAdmin))
		// One bad line refuses the whole file.
		res, err := s.Import(admin, muniA.Slug, strings.NewReader("code;period;value;target\n607.1;2024;300;\n607.2;2024;abc;\n607.99;2024;1;\n"))
		if err != nil || res.Stored != 0 || len(res.Errors) != 2 || res.Errors[0].Line != 3 || res.Errors[1].Line != 4 {
			t.Fatalf("refused import: %+v %v", res, err)
		}
		if vals, _ := s.st.values(context.Background(), muniA.ID); len(vals) != 0 {
			t.Fatalf("a refused import stored %+v", vals)
		}
		res, err = s.Import(admin, muniA.Slug, strings.NewReader("\ufeff607.1;2024;300,5;320\n607.37;2025;51;\n607.37;2026;;65\n"))
		if err != nil || res.Stored != 4 || len(res.Errors) != 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		vals, _ := s.st.values(context.Background(), muniA.ID)
		if len(vals) != 4 || vals[0].Code != "607.1" || vals[0].Value != 300.5 || vals[0].Source != Imported {
			t.Fatalf("stored: %+v", vals)
		}
		if n := auditCount(t, d, "monitoring.values.import", muniA.ID); n != 1 {
			t.Errorf("import audit entries: %d", n)
		}
		if _, err := s.Import(as(grant(muniB, auth.RoleMunicipalAdmin)), muniA.Slug, strings.NewReader("607.1;2024;1\n")); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("another municipality's admin: %v", err)
		}
		if res, _ := s.Import(admin, muniA.Slug, strings.NewReader("code;period;value\n")); len(res.Errors) != 1 {
			t.Errorf("an empty file: %+v", res)
		}
	})
}

// fakeAppeals answers fixed figures.
type fakeAppeals struct{ fig AppealFigures }

func (f fakeAppeals) Situation(ctx context.Context, muniID string) (AppealSituation, error) {
	return AppealSituation{Open: 3, Overdue: 1, Points: []Point{{Kind: "appeal", Lat: 59.9, Lon: 30.3}}}, nil
}

func (f fakeAppeals) Districts(context.Context, string, string, time.Time) ([]DistrictCount, error) {
	return []DistrictCount{{Name: "Центр", Open: 2, Total: 5}}, nil
}

func (f fakeAppeals) Figures(context.Context, string, time.Time, time.Time) (AppealFigures, error) {
	return f.fig, nil
}

func (f fakeAppeals) StatsURL(slug string) string { return "/m/" + slug + "/reports/stats" }

type fakeTransport struct{ p Punctuality }

// UnservedShare: 7.9 % of the population has no regular service.
func (fakeTransport) UnservedShare(context.Context, string, time.Time) (float64, bool, error) {
	return 0.079, true, nil
}

func (f fakeTransport) Punctuality(context.Context, string, time.Time, time.Time, bool) (Punctuality, error) {
	return f.p, nil
}

type failingAlarms struct{}

func (failingAlarms) Alarms(context.Context, string) ([]Alarm, error) {
	return nil, errors.New("metering is down")
}

func TestCompute(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{Appeals: fakeAppeals{AppealFigures{Received: 9, MedianAnswer: 12.3456, MedianFix: -1, OverdueShare: 0.25}},
			Transport: fakeTransport{Punctuality{Observed: 200, OnTime: 150}}, CentreAccess: fakeTransport{}})
		admin := as(grant(muniA, auth.RoleMunicipalAdmin))
		vals, err := s.Compute(admin, muniA.Slug, "2025")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, v := range vals {
			got[v.Code] = v.Value
		}
		// No fixes: no median fix; losses are not wired: left out.
		want := map[string]float64{"P.APPEALS.MEDIAN": 12.35, "P.APPEALS.OVERDUE": 25, "P.TRANSPORT.ONTIME": 75}
		if len(got) != len(want) {
			t.Fatalf("computed %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if n := auditCount(t, d, "monitoring.values.compute", muniA.ID); n != 1 {
			t.Errorf("compute audit entries: %d", n)
		}
		if _, err := s.Compute(as(grant(muniA, auth.RoleOperator)), muniA.Slug, "2025"); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator computes: %v", err)
		}
		if _, err := s.Compute(admin, muniA.Slug, "last year"); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("bad period: %v", err)
		}
		// Decree 607's item 7 is measured on the timetable in force: for
		// the year under way, never for a past one (checked above).
		this := strconv.Itoa(time.Now().Year())
		vals, err = s.Compute(admin, muniA.Slug, this)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range vals {
			if v.Code == CodeNoBusService {
				found = v.Value == 7.9
			}
		}
		if !found {
			t.Errorf("%s of %s: %+v, want 7.9 %%", CodeNoBusService, this, vals)
		}
		// A period that has not begun has nothing to compute.
		if vals, err := s.Compute(admin, muniA.Slug, "2027"); err != nil || len(vals) != 0 {
			t.Errorf("future period: %+v %v", vals, err)
		}
	})
}

func TestReportAndRegion(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{})
		put := func(m Municipality, code, kind, period, value string) {
			t.Helper()
			if _, err := s.SetValue(as(grant(m, auth.RoleMunicipalAdmin)), m.Slug, ValueInput{Code: code, Period: period, Kind: kind, Value: value}); err != nil {
				t.Fatal(err)
			}
		}
		put(muniA, "607.6", Actual, "2024", "30")
		put(muniA, "607.6", Actual, "2025", "25")
		put(muniA, "607.6", Target, "2025", "20")
		put(muniA, "607.6", Target, "2026", "18")
		put(muniB, "607.6", Actual, "2025", "12")
		put(muniB, "607.6", Actual, "2024", "14")
		put(muniC, "607.6", Actual, "2025", "40")
		put(muniB, "607.37", Actual, "2025", "70")

		r, err := s.Report(context.Background(), muniA.Slug, 2025, "607")
		if err != nil {
			t.Fatal(err)
		}
		var row ReportRow
		for _, x := range r.Rows {
			if x.Indicator.Code == "607.6" {
				row = x
			}
			if x.Indicator.Code == "607.37" && x.Actual[2] != nil {
				t.Errorf("another municipality's figure in the report: %+v", x)
			}
			if x.Indicator.Set != "607" {
				t.Errorf("set filter let %s through", x.Indicator.Code)
			}
		}
		if r.Filled != 1 || len(row.Actual) != 3 || *row.Actual[2] != 25 || *row.Actual[1] != 30 || row.Actual[0] != nil ||
			*row.Target != 20 || *row.Plan[0] != 18 || row.Trend != "better" || row.Met != "no" {
			t.Fatalf("report row: %+v filled %d", row, r.Filled)
		}

		rg, err := s.Region(context.Background(), muniA.Slug, "607.6", 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(rg.Rows) != 3 || rg.Rows[0].Municipality.ID != muniB.ID || rg.Rows[0].Rank != 1 || !rg.Rows[0].Peer ||
			rg.Rows[1].Municipality.ID != muniA.ID || !rg.Rows[1].Chosen || rg.Rows[2].Peer || rg.Peers != 1 {
			t.Fatalf("region rows: %+v", rg.Rows)
		}
		if len(rg.Years) != 2 || len(rg.Series) != 2 || rg.Series[0].Name != muniB.Name || *rg.Series[0].Values[0] != 14 {
			t.Fatalf("trend: years %v series %+v", rg.Years, rg.Series)
		}
		if _, err := s.Region(context.Background(), muniA.Slug, "607.999", 2025); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown indicator: %v", err)
		}
	})
}

func TestSituation(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		s := newService(t, d, Sources{Appeals: fakeAppeals{}, Alarms: failingAlarms{}})
		st, err := s.Situation(as(grant(muniA, auth.RoleOperator)), muniA.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if st.Appeals == nil || st.Appeals.Open != 3 || strings.Join(st.Failed, ",") != TileAlarms ||
			strings.Join(st.Off, ",") != "outages,roadworks,participation,services,transport" {
			t.Fatalf("situation: %+v", st)
		}
		for name, ctx := range map[string]context.Context{
			"anonymous": context.Background(), "resident": as(grant(muniA, auth.RoleResident)), "other tenant": as(grant(muniB, auth.RoleMunicipalAdmin)),
		} {
			if _, err := s.Situation(ctx, muniA.Slug); err == nil {
				t.Errorf("%s sees the situation centre", name)
			}
		}
		n, err := s.Now(context.Background(), muniA.Slug, "ru")
		if err != nil || len(n.Districts) != 1 || n.StatsURL == "" || n.Figures == nil {
			t.Fatalf("public page: %+v %v", n, err)
		}
	})
}

// countingTransport counts the reports it was asked for.
type countingTransport struct{ n *int }

func (c countingTransport) Punctuality(context.Context, string, time.Time, time.Time, bool) (Punctuality, error) {
	*c.n++
	return Punctuality{Observed: *c.n}, nil
}

func TestTransportTileCached(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		calls := 0
		now := testNow
		s := newService(t, d, Sources{Transport: countingTransport{&calls}})
		s.now = func() time.Time { return now }
		op := as(grant(muniA, auth.RoleOperator))
		for range 3 {
			if st, err := s.Situation(op, muniA.Slug); err != nil || st.Transport.Observed != 1 {
				t.Fatalf("%+v %v", st.Transport, err)
			}
		}
		if calls != 1 {
			t.Fatalf("the report was read %d times within its TTL", calls)
		}
		now = now.Add(TransportTTL)
		if st, _ := s.Situation(op, muniA.Slug); calls != 2 || st.Transport.Observed != 2 {
			t.Fatalf("after the TTL: %d calls, %+v", calls, st.Transport)
		}
		if _, err := s.Situation(as(grant(muniB, auth.RoleOperator)), muniB.Slug); err != nil || calls != 3 {
			t.Fatalf("another municipality shares the tile: %d calls, %v", calls, err)
		}
	})
}
