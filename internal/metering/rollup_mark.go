package metering

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/db"
)

// dirtySpan is the time span of the readings a batch wrote for one channel.
type dirtySpan struct {
	channel  int64
	from, to int64
}

// dirtySpans groups rows by channel, one span each, sorted by channel.
// Rows in channel order (as the writer sorts them) take one pass with no
// map.
func dirtySpans(rows []Reading) []dirtySpan {
	var out []dirtySpan
	sorted := true
	for _, r := range rows {
		ms := r.At.UnixMilli()
		if n := len(out); n > 0 && out[n-1].channel == r.ChannelID {
			out[n-1].from, out[n-1].to = min(out[n-1].from, ms), max(out[n-1].to, ms)
			continue
		} else if n > 0 && out[n-1].channel > r.ChannelID {
			sorted = false
		}
		out = append(out, dirtySpan{r.ChannelID, ms, ms})
	}
	if sorted {
		return out
	}
	slices.SortStableFunc(out, func(a, b dirtySpan) int { return cmp.Compare(a.channel, b.channel) })
	merged := out[:0]
	for _, d := range out {
		if n := len(merged); n > 0 && merged[n-1].channel == d.channel {
			merged[n-1].from, merged[n-1].to = min(merged[n-1].from, d.from), max(merged[n-1].to, d.to)
			continue
		}
		merged = append(merged, d)
	}
	return merged
}

// RollupMarks returns the statement that records which channels and
// times the rows touch, for the rollup job to recompute (RollupPending).
// The ingest pipeline runs it in the transaction that writes the rows, so
// a committed reading is never left out of the rollups, whichever path
// (database/sql or a raw pgx transaction) wrote it. It returns "" for no
// rows. markRollup is the database/sql form.
func RollupMarks(rows []Reading) (string, []any) {
	return marksSQL(dirtySpans(rows), false)
}

// marksSQL is RollupMarks for spans; SQLite gets "?" placeholders (see
// insertSQL) and OR IGNORE, which spares the statement journal as in
// insertSQL (the upsert still merges a channel already marked).
func marksSQL(spans []dirtySpan, sqlite bool) (string, []any) {
	if len(spans) == 0 {
		return "", nil
	}
	var b strings.Builder
	b.Grow(96 + 16*len(spans) + 300)
	args := make([]any, 0, 3*len(spans))
	if sqlite {
		b.WriteString("INSERT OR IGNORE INTO metering_rollup_dirty (channel_id, from_ms, to_ms) VALUES ")
	} else {
		b.WriteString("INSERT INTO metering_rollup_dirty (channel_id, from_ms, to_ms) VALUES ")
	}
	for i, d := range spans {
		if i > 0 {
			b.WriteByte(',')
		}
		if sqlite {
			b.WriteString("(?,?,?)")
		} else {
			n := 3 * i
			b.WriteString("($" + strconv.Itoa(n+1) + ",$" + strconv.Itoa(n+2) + ",$" + strconv.Itoa(n+3) + ")")
		}
		args = append(args, d.channel, d.from, d.to)
	}
	b.WriteString(` ON CONFLICT (channel_id) DO UPDATE SET
		from_ms = CASE WHEN excluded.from_ms < metering_rollup_dirty.from_ms THEN excluded.from_ms ELSE metering_rollup_dirty.from_ms END,
		to_ms = CASE WHEN excluded.to_ms > metering_rollup_dirty.to_ms THEN excluded.to_ms ELSE metering_rollup_dirty.to_ms END,
		rev = metering_rollup_dirty.rev + 1`)
	return b.String(), args
}

// markRollup runs RollupMarks on q, in chunks that keep each statement
// well inside SQLite's parameter limit.
func markRollup(ctx context.Context, q db.Querier, rows []Reading) error {
	spans := dirtySpans(rows)
	for len(spans) > 0 {
		chunk := spans[:min(len(spans), 5000)]
		spans = spans[len(chunk):]
		rs := make([]Reading, 0, 2*len(chunk))
		for _, d := range chunk {
			rs = append(rs, Reading{ChannelID: d.channel, At: db.Time(d.from)}, Reading{ChannelID: d.channel, At: db.Time(d.to)})
		}
		text, args := RollupMarks(rs)
		if _, err := q.ExecContext(ctx, text, args...); err != nil {
			return wrap("mark rollup", err)
		}
	}
	return nil
}
