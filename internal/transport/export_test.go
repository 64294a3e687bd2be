package transport

import (
	"bytes"
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// tableDump is every row of a feed's table as text, in key order.
func tableDump(t *testing.T, d *db.DB, ef exportFile, feedNo int64) [][]string {
	t.Helper()
	rows, err := d.Writer().QueryContext(context.Background(), ef.query, feedNo)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
			if !v.Valid {
				row[i] = "<null>"
			}
		}
		out = append(out, row)
	}
	return out
}

func TestExportRoundTrip(t *testing.T) {
	dir := sampleDir(t)
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		svc := newService(d)
		first := importDir(t, svc, muniA, dir)
		var buf bytes.Buffer
		if err := svc.Export(as(adminOf(muniA)), first.ID, &buf); err != nil {
			t.Fatal(err)
		}
		if err := svc.Export(as(adminOf(muniB)), first.ID, &bytes.Buffer{}); err == nil {
			t.Fatal("another municipality exported the feed")
		}
		second := importZip(t, svc, muniA, "export.zip", buf.Bytes())
		if !reflect.DeepEqual(first.Counts, second.Counts) || !reflect.DeepEqual(first.Info, second.Info) {
			t.Errorf("counts %v → %v, info %+v → %+v", first.Counts, second.Counts, first.Info, second.Info)
		}
		if !reflect.DeepEqual(codes(first), codes(second)) {
			t.Errorf("notices %v → %v", codes(first), codes(second))
		}
		for _, ef := range exportFiles {
			a, b := tableDump(t, d, ef, first.No), tableDump(t, d, ef, second.No)
			if len(a) == 0 && !strings.Contains(ef.name, "frequencies") && ef.name != "calendar_dates.txt" {
				t.Errorf("%s: nothing imported", ef.name)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s differs after the round trip:\n%v\n%v", ef.name, a, b)
			}
		}
	})
}
