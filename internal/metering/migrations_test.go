package metering

import (
	"context"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/testdb"
)

// TestReadingsKeyIsChannelAndTime proves the schema's idempotence: a
// second reading of a channel at the same instant is ignored, on both
// engines.
func TestReadingsKeyIsChannelAndTime(t *testing.T) {
	testdb.Run(t, sets, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if _, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO metering_readings (channel_id, ts_ms, value, quality, source, received_ms)
				VALUES (1, 1000, $1, 0, 2, 1) ON CONFLICT DO NOTHING`, float64(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		var v float64
		if err := d.R(ctx).QueryRowContext(ctx, `SELECT COUNT(*), MIN(value) FROM metering_readings`).Scan(&n, &v); err != nil {
			t.Fatal(err)
		}
		if n != 1 || v != 1 {
			t.Fatalf("got %d rows, value %v; want the first reading only", n, v)
		}
	})
}
