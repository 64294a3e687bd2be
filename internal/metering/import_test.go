package metering

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// registryCSV is a whole small registry, one file per entity, in order.
var registryCSV = []struct{ entity, body string }{
	{"networks", "code,resource,name\nW,water,Водопровод\nH,heat,Теплосеть\n"},
	{"objects", "code,kind,name,address,lat,lon\nPS1,pumping_station,ВНС-1,,58.73,29.85\nB1,building,Дом 1,\"ул. Ленина, 1\",58.74,29.84\n"},
	{"points", "code,network,name,role,object,apartment,resident_account_id\nIN1,W,Ввод в зону,boundary,PS1,,\nC1,W,Дом 1,consumer,B1,,\nA1,W,Кв. 5,consumer,B1,5,user-1\n"},
	{"zones", "code,network,kind,name\nDMA1,W,dma,Зона 1\n"},
	{"zone_points", "zone,point,sign\nDMA1,IN1,1\nDMA1,C1,0\n"},
	{"devices", "serial,model,calibrated_on,calibration_months,interval_s\nM1,ВСХ-50,2025-03-01,72,900\nM2,ВСХ-15,,,\n"},
	{"installations", "device,point,from,start_register\nM1,IN1,2026-01-01,12.5\nM2,C1,2026-01-01T00:00:00Z,\n"},
	{"channels", "device,name,quantity,unit,kind,multiplier,digits\nM1,v,volume,m3,cumulative,1,6\nM2,v,volume,m3,cumulative,,5\n"},
}

func TestImportRegistry(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, f := range registryCSV {
			res, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body))
			if err != nil {
				t.Fatalf("%s: %v", f.entity, err)
			}
			if want := strings.Count(f.body, "\n") - 1; res.Rows != want {
				t.Errorf("%s: %d rows, want %d", f.entity, res.Rows, want)
			}
		}
		var n int
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'metering.%' AND tenant_id = $1`, muniA.ID).Scan(&n); err != nil || n != 16 {
			t.Errorf("%d audit entries (%v), want one per row (16)", n, err)
		}
		// Another municipality's codes are not this one's.
		_, err := s.Import(ctx, adminOf(muniB), muniB.ID, "points", strings.NewReader("code,network,name,role\nX,W,x,consumer\n"))
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0] != (LineError{Line: 2, Field: "network", Key: "metering.error.unknown_ref"}) {
			t.Errorf("muni B referring to muni A's network: %v %+v", err, ie)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, f := range registryCSV[:2] {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body)); err != nil {
				t.Fatal(err)
			}
		}
		count := func() int {
			var n int
			if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM metering_points`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		cases := []struct {
			name, entity, body string
			want               []LineError
		}{
			{"bad rows among good ones", "points",
				"code,network,name,role,object\nOK1,W,Хорошая,consumer,B1\nBAD 1,W,Плохая,consumer,B1\nOK2,NOPE,x,boss,\nOK1,W,Повтор,consumer,\n",
				[]LineError{{3, "code", "metering.error.code"}, {4, "network", "metering.error.unknown_ref"}, {4, "role", "metering.error.role"}, {5, "code", "metering.error.duplicate"}}},
			{"missing and unknown columns", "points", "code,name,colour\nP,x,red\n",
				[]LineError{{1, "colour", "metering.import.unknown_column"}, {1, "network", "metering.import.missing_column"}, {1, "role", "metering.import.missing_column"}}},
			{"empty required cell", "points", "code,network,name,role\nP,W,,consumer\n", []LineError{{2, "name", "metering.error.required"}}},
			{"header only", "points", "code,network,name,role\n", []LineError{{2, "", "metering.import.empty"}}},
			{"bad number", "objects", "code,kind,name,lat,lon\nB9,building,x,north,29\n", []LineError{{2, "lat", "metering.error.number"}}},
			{"bad date", "devices", "serial,calibrated_on\nD9,yesterday\n", []LineError{{2, "calibrated_on", "metering.error.date"}}},
		}
		for _, tc := range cases {
			_, err := s.Import(ctx, adminOf(muniA), muniA.ID, tc.entity, strings.NewReader(tc.body))
			var ie *ImportError
			if !errors.As(err, &ie) || !errors.Is(err, fault.ErrInvalid) {
				t.Fatalf("%s: %v, want an import error", tc.name, err)
			}
			got := map[LineError]bool{}
			for _, l := range ie.Lines {
				got[l] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("%s: missing %+v in %+v", tc.name, w, ie.Lines)
				}
			}
			if len(ie.Lines) != len(tc.want) {
				t.Errorf("%s: %+v, want %+v", tc.name, ie.Lines, tc.want)
			}
			if count() != 0 {
				t.Fatalf("%s: a refused file left %d points", tc.name, count())
			}
		}
		if _, err := s.Import(ctx, operatorOf(muniA), muniA.ID, "points", strings.NewReader(registryCSV[2].body)); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("an operator imported: %v", err)
		}
		if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, "people", strings.NewReader("a\n")); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("unknown entity: %v", err)
		}
	})
}

// TestMeterSwap removes a meter and installs a new one on its point from
// the same instant; readings of the old meter after its removal are
// refused as of a device no longer installed there.
func TestMeterSwap(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		for _, f := range registryCSV {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body)); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []struct{ entity, body string }{
			{"removals", "device,to,end_register\nM2,2026-06-01T12:00:00Z,431.5\n"},
			{"devices", "serial\nM9\n"},
			{"installations", "device,point,from,start_register\nM9,C1,2026-06-01T12:00:00Z,0\n"},
		} {
			if _, err := s.Import(ctx, adminOf(muniA), muniA.ID, f.entity, strings.NewReader(f.body)); err != nil {
				t.Fatalf("%s: %v", f.entity, err)
			}
		}
		var to int64
		var end float64
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT i.to_ms, i.end_register FROM metering_installations i JOIN metering_devices d ON d.id = i.device_id WHERE d.serial = 'M2'`).Scan(&to, &end); err != nil || end != 431.5 {
			t.Fatalf("removal: %d %v %v", to, end, err)
		}
		at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
		res, err := s.Ingest(ctx, Batch{TenantID: muniA.ID, Source: SourceHTTP, Readings: []Input{
			{Device: "M2", Channel: "v", At: at("2026-06-01T11:59:00Z"), Value: 431},
			{Device: "M2", Channel: "v", At: at("2026-06-01T12:00:00Z"), Value: 432},
		}})
		if err != nil || res.Stored != 1 || len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonAfterRemoval {
			t.Errorf("readings around the removal: %+v %v", res, err)
		}
		_, err = s.Import(ctx, adminOf(muniA), muniA.ID, "removals", strings.NewReader("device,to\nM2,2026-07-01\n"))
		var ie *ImportError
		if !errors.As(err, &ie) || ie.Lines[0].Key != "metering.error.not_installed" {
			t.Errorf("removing a removed meter: %v", err)
		}
	})
}
