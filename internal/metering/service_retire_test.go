package metering

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

func auditCount(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.R(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpdateEntry(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		seed(t, s, muniA, "SN-1")
		seed(t, s, muniB, "SN-1")
		a := adminOf(muniA)
		if _, err := s.CreateZone(ctx, a, muniA.ID, ZoneInput{Code: "Z1", Network: "W", Kind: ZoneDMA, Name: "Центр"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateObject(ctx, a, muniA.ID, ObjectInput{Code: "B2", Kind: ObjectBuilding, Name: "Дом 2"}); err != nil {
			t.Fatal(err)
		}
		edits := []struct {
			kind, code string
			values     map[string]string
		}{
			{KindNetwork, "W", map[string]string{"name": "Холодная вода"}},
			{KindZone, "Z1", map[string]string{"name": "Центр-1", "kind": ZoneGas}},
			{KindObject, "B1", map[string]string{"name": "Дом 1а", "kind": ObjectBuilding, "address": "ул. Мира, 3", "lat": "55,75", "lon": "37.61"}},
			{KindPoint, "P1", map[string]string{"name": "Ввод 2", "role": RoleBoundary, "object": "B2", "apartment": "12", "resident_account_id": ""}},
		}
		for _, e := range edits {
			if err := s.UpdateEntry(ctx, operatorOf(muniA), muniA.ID, e.kind, e.code, e.values); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s by an operator: %v", e.kind, err)
			}
			if err := s.UpdateEntry(ctx, adminOf(muniB), muniA.ID, e.kind, e.code, e.values); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("%s by another municipality's admin: %v", e.kind, err)
			}
			if err := s.UpdateEntry(ctx, a, muniA.ID, e.kind, "NOPE", e.values); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s unknown: %v", e.kind, err)
			}
			if err := s.UpdateEntry(ctx, a, muniA.ID, e.kind, e.code, e.values); err != nil {
				t.Fatalf("%s: %v", e.kind, err)
			}
			got, err := s.Entry(ctx, a, muniA.ID, e.kind, e.code)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for k, v := range e.values {
				want[k] = v
			}
			if e.kind == KindObject {
				want["lat"] = "55.75" // a decimal comma is read
			}
			for k, v := range want {
				if got.Values[k] != v {
					t.Errorf("%s %s = %q, want %q", e.kind, k, got.Values[k], v)
				}
			}
			if n := auditCount(t, d, "metering."+e.kind+".update"); n != 1 {
				t.Errorf("%s: %d audit entries, want 1", e.kind, n)
			}
		}
		// The other municipality's entries with the same codes are untouched.
		if e, err := s.Entry(ctx, adminOf(muniB), muniB.ID, KindNetwork, "W"); err != nil || e.Values["name"] != "Водопровод" {
			t.Errorf("muni B's network: %+v %v", e, err)
		}
		// Bad input names its fields and changes nothing.
		bad := []struct {
			kind, code, field string
			values            map[string]string
		}{
			{KindNetwork, "W", "name", map[string]string{"name": " "}},
			{KindZone, "Z1", "kind", map[string]string{"name": "x", "kind": "lake"}},
			{KindObject, "B1", "lat", map[string]string{"name": "x", "kind": ObjectBuilding, "lat": "95", "lon": "1"}},
			{KindObject, "B1", "lat", map[string]string{"name": "x", "kind": ObjectBuilding, "lat": "55"}},
			{KindPoint, "P1", "object", map[string]string{"name": "x", "role": RoleConsumer, "object": "NOPE"}},
			{KindPoint, "P1", "role", map[string]string{"name": "x", "role": "owner"}},
		}
		for _, b := range bad {
			f, ok := fault.As(s.UpdateEntry(ctx, a, muniA.ID, b.kind, b.code, b.values))
			if !ok || f.Fields[b.field] == "" {
				t.Errorf("%s %v accepted (%v)", b.kind, b.values, f)
			}
			if got, _ := s.Entry(ctx, a, muniA.ID, b.kind, b.code); got.Values["name"] == "x" {
				t.Errorf("%s changed by a refused edit", b.kind)
			}
		}
		if _, err := s.Entry(ctx, a, muniA.ID, "device", "SN-1"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a kind that is not an entry: %v", err)
		}
	})
}

func TestRetiredPointRefusesReadingsAndLeavesActiveLists(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		w := seed(t, s, muniA, "SN-1")
		a := adminOf(muniA)
		batch := func(at time.Time) Result {
			t.Helper()
			res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: []Input{
				{Device: "SN-1", Channel: "v", At: at, Value: 1}, {Device: "SN-1", Channel: "q", At: at, Value: 2}}})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if res := batch(c.t.Add(-time.Hour)); res.Stored != 2 {
			t.Fatalf("before retiring: %+v", res)
		}
		// Network and object still hold the active point: refused.
		for _, k := range []string{KindNetwork, KindObject} {
			if f, ok := fault.As(s.Retire(ctx, a, muniA.ID, k, map[string]string{KindNetwork: "W", KindObject: "B1"}[k])); !ok || f.Fields["code"] != "metering.error.in_use" {
				t.Errorf("retiring the %s in use: %v", k, f)
			}
		}
		if err := s.Retire(ctx, operatorOf(muniA), muniA.ID, KindPoint, "P1"); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator retired: %v", err)
		}
		if err := s.Retire(ctx, a, muniA.ID, KindPoint, "P1"); err != nil {
			t.Fatal(err)
		}
		if f, ok := fault.As(s.Retire(ctx, a, muniA.ID, KindPoint, "P1")); !ok || f.Fields["code"] != "metering.error.retired" {
			t.Errorf("retired twice: %v", f)
		}
		res := batch(c.t.Add(-time.Minute))
		if res.Stored != 0 || len(res.Rejected) != 2 || res.Rejected[0].Reason != ReasonRetiredPoint {
			t.Fatalf("after retiring: %+v", res)
		}
		// A manual reading through the web is refused the same way.
		_, err := s.EnterReading(ctx, a, muniA.ID, "P1", ManualReading{ChannelID: w.channel, At: c.t.Add(-30 * time.Minute), Value: 3})
		if f, ok := fault.As(err); !ok || f.Fields["value"] != "metering.reason."+ReasonRetiredPoint {
			t.Errorf("manual reading on a retired point: %v", err)
		}
		if n := countReadings(t, d); n != 2 {
			t.Errorf("%d readings, want the 2 from before", n)
		}
		// Its silent meter is no offline alarm.
		if devs, err := s.st.installedDevices(ctx, muniA.ID); err != nil || len(devs) != 0 {
			t.Errorf("watched devices after retiring their point: %+v %v", devs, err)
		}
		// Gone from the active lists; its page and history stay.
		reg, err := s.Registry(ctx, a, muniA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(reg.Points) != 0 || len(reg.Retired) != 1 || reg.Retired[0].Code != "P1" || reg.Retired[0].Kind != KindPoint {
			t.Errorf("registry points %+v retired %+v", reg.Points, reg.Retired)
		}
		if v, err := s.PointByCode(ctx, a, muniA.ID, "P1"); err != nil || len(v.Channels) == 0 || len(v.Channels[0].Last) == 0 {
			t.Errorf("the retired point's history: %+v %v", v, err)
		}
		if f, ok := fault.As(s.UpdateEntry(ctx, a, muniA.ID, KindPoint, "P1", map[string]string{"name": "x", "role": RoleConsumer})); !ok || f.Fields["name"] != "metering.error.retired" {
			t.Errorf("a retired point edited: %v", f)
		}
		// Now the object and then the network can go.
		for _, k := range []struct{ kind, code string }{{KindObject, "B1"}, {KindNetwork, "W"}} {
			if err := s.Retire(ctx, a, muniA.ID, k.kind, k.code); err != nil {
				t.Fatalf("%s: %v", k.kind, err)
			}
		}
		if reg, _ = s.Registry(ctx, a, muniA.ID); len(reg.Networks) != 0 || reg.Objects != 0 || len(reg.ObjectList) != 0 || len(reg.Retired) != 3 {
			t.Errorf("after retiring all: networks %v objects %d retired %+v", reg.Networks, reg.Objects, reg.Retired)
		}
		for _, k := range EntryKinds() {
			if k != KindZone && auditCount(t, d, "metering."+k+".retire") != 1 {
				t.Errorf("no audit entry for retiring the %s", k)
			}
		}
	})
}

func TestZoneBoundaryEditing(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		seed(t, s, muniA, "SN-1")
		a := adminOf(muniA)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.CreateZone(ctx, a, muniA.ID, ZoneInput{Code: "Z1", Network: "W", Kind: ZoneDMA, Name: "Центр"})
		must(err)
		_, err = s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "IN", Network: "W", Name: "Ввод зоны", Role: RoleBoundary})
		must(err)
		_, err = s.CreateNetwork(ctx, a, muniA.ID, NetworkInput{Code: "H", Resource: "heat", Name: "Тепло"})
		must(err)
		_, err = s.CreatePoint(ctx, a, muniA.ID, PointInput{Code: "HP", Network: "H", Name: "Тепловой ввод", Role: RoleBoundary})
		must(err)
		e, err := s.Entry(ctx, a, muniA.ID, KindZone, "Z1")
		must(err)
		if len(e.Boundary) != 0 || len(e.Candidates) != 2 { // P1 and IN; HP is of another network
			t.Fatalf("new zone: %+v", e)
		}
		must(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "IN", Sign: 1}))
		must(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "P1", Sign: -1}))
		must(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "P1", Sign: 0})) // a consumer inside after all
		if f, ok := fault.As(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "HP", Sign: 1})); !ok || f.Fields["point"] != "metering.error.other_network" {
			t.Errorf("point of another network: %v", f)
		}
		if f, ok := fault.As(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "IN", Sign: 2})); !ok || f.Fields["sign"] == "" {
			t.Errorf("sign 2: %v", f)
		}
		if err := s.SetBoundary(ctx, operatorOf(muniA), muniA.ID, ZonePointInput{Zone: "Z1", Point: "IN", Sign: -1}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("operator: %v", err)
		}
		e, err = s.Entry(ctx, a, muniA.ID, KindZone, "Z1")
		must(err)
		signs := map[string]int{}
		for _, b := range e.Boundary {
			signs[b.Code] = b.Sign
		}
		if len(signs) != 2 || signs["IN"] != 1 || signs["P1"] != 0 || len(e.Candidates) != 0 {
			t.Fatalf("boundary %+v candidates %+v", e.Boundary, e.Candidates)
		}
		must(s.RemoveBoundary(ctx, a, muniA.ID, "Z1", "P1"))
		if err := s.RemoveBoundary(ctx, a, muniA.ID, "Z1", "P1"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("removed twice: %v", err)
		}
		if n := auditCount(t, d, "metering.zone.point"); n != 3 {
			t.Errorf("%d zone.point audit entries, want 3", n)
		}
		if n := auditCount(t, d, "metering.zone.point.remove"); n != 1 {
			t.Errorf("%d zone.point.remove audit entries, want 1", n)
		}
		// A retired zone leaves the detectors' list and keeps its balance points.
		must(s.Retire(ctx, a, muniA.ID, KindZone, "Z1"))
		zones, err := s.st.tenantZones(ctx, muniA.ID)
		must(err)
		if len(zones) != 0 {
			t.Errorf("retired zone still watched: %+v", zones)
		}
		if f, ok := fault.As(s.SetBoundary(ctx, a, muniA.ID, ZonePointInput{Zone: "Z1", Point: "P1", Sign: 1})); !ok || f.Fields["zone"] != "metering.error.retired" {
			t.Errorf("retired zone edited: %v", f)
		}
		e, err = s.Entry(ctx, a, muniA.ID, KindZone, "Z1")
		must(err)
		if e.Retired == nil || !slices.ContainsFunc(e.Boundary, func(b BoundaryPoint) bool { return b.Code == "IN" }) {
			t.Errorf("retired zone: %+v", e)
		}
	})
}
