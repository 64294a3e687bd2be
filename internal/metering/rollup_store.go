package metering

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/db"
)

// rollupChannel loads a channel for rollup; a channel that no longer
// exists comes back with an empty kind and is skipped.
func (st *store) rollupChannel(ctx context.Context, id int64) (rollupChannel, error) {
	ch := rollupChannel{id: id}
	var intervalS int64
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT c.tenant_id, c.device_id, c.kind, c.multiplier, c.digits, d.interval_s
		FROM metering_channels c JOIN metering_devices d ON d.id = c.device_id WHERE c.id = $1`, id).
		Scan(&ch.tenant, &ch.deviceID, &ch.kind, &ch.multiplier, &ch.digits, &intervalS)
	if errors.Is(err, sql.ErrNoRows) {
		return rollupChannel{}, nil
	}
	ch.intervalMs = intervalS * 1000
	return ch, err
}

// neighbours returns the channel's latest reading time before from and
// its earliest after to, or from and to themselves where there is none.
func (st *store) neighbours(ctx context.Context, id, from, to int64) (prev, next int64, err error) {
	var p, n sql.NullInt64
	err = st.db.R(ctx).QueryRowContext(ctx, `SELECT
		(SELECT MAX(ts_ms) FROM metering_readings WHERE channel_id = $1 AND ts_ms < $2),
		(SELECT MIN(ts_ms) FROM metering_readings WHERE channel_id = $1 AND ts_ms > $3)`, id, from, to).Scan(&p, &n)
	prev, next = from, to
	if p.Valid {
		prev = p.Int64
	}
	if n.Valid {
		next = n.Int64
	}
	return prev, next, err
}

// readingsBetween returns the channel's readings in [from, to].
func (st *store) readingsBetween(ctx context.Context, id, from, to int64) ([]engine.Reading, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT ts_ms, value, quality FROM metering_readings
		WHERE channel_id = $1 AND ts_ms >= $2 AND ts_ms <= $3 ORDER BY ts_ms`, id, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Reading
	for rows.Next() {
		var r engine.Reading
		var q Quality
		if err := rows.Scan(&r.TS, &r.Value, &q); err != nil {
			return nil, err
		}
		r.Quality = engine.Quality(q.String())
		out = append(out, r)
	}
	return out, rows.Err()
}

// tenures returns the device's installations as consumption tenures.
func (st *store) tenures(ctx context.Context, deviceID string) ([]engine.Tenure, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT from_ms, to_ms, start_register, end_register
		FROM metering_installations WHERE device_id = $1 ORDER BY from_ms`, deviceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Tenure
	for rows.Next() {
		var t engine.Tenure
		var to sql.NullInt64
		var start float64
		var end sql.NullFloat64
		if err := rows.Scan(&t.FromMs, &to, &start, &end); err != nil {
			return nil, err
		}
		t.ToMs, t.Start = to.Int64, &start
		if end.Valid && to.Valid {
			t.End = &end.Float64
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// qualityCode is the stored code of an engine quality flag.
func qualityCode(q engine.Quality) int64 {
	if v, ok := ParseQuality(string(q)); ok {
		return int64(v)
	}
	return int64(Suspect)
}

// replaceBuckets swaps the channel's hourly and daily rows in r for the
// recomputed ones.
func (st *store) replaceBuckets(ctx context.Context, id int64, r span, hours, days []engine.Bucket) error {
	q := st.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM metering_hourly WHERE channel_id = $1 AND start_ms >= $2 AND start_ms < $3`, id, r.from, r.to); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM metering_daily WHERE channel_id = $1 AND day_ms >= $2 AND day_ms < $3`, id, r.from, r.to); err != nil {
		return err
	}
	if err := st.insertBuckets(ctx, "metering_hourly (channel_id, start_ms, value, quality, suspect)", id, hours); err != nil {
		return err
	}
	return st.insertBuckets(ctx, "metering_daily (channel_id, day_ms, value, quality, suspect)", id, days)
}

// bucketChunk is how many buckets one INSERT carries. SQLite looks each
// $N parameter up in a list, so a statement's preparation grows with the
// square of its parameters; 100 rows of 5 keep it cheap.
const bucketChunk = 100

func (st *store) insertBuckets(ctx context.Context, into string, id int64, bs []engine.Bucket) error {
	for len(bs) > 0 {
		chunk := bs[:min(len(bs), bucketChunk)]
		bs = bs[len(chunk):]
		var b strings.Builder
		args := make([]any, 0, 5*len(chunk))
		b.WriteString("INSERT INTO " + into + " VALUES ")
		for i, k := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			n := 5 * i
			b.WriteString("($" + strconv.Itoa(n+1) + ",$" + strconv.Itoa(n+2) + ",$" + strconv.Itoa(n+3) + ",$" + strconv.Itoa(n+4) + ",$" + strconv.Itoa(n+5) + ")")
			args = append(args, id, k.StartMs, k.Value, qualityCode(k.Quality), k.Suspect)
		}
		if _, err := st.db.Q(ctx).ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// channelZones lists the zones a channel's device has been installed in.
func (st *store) channelZones(ctx context.Context, id int64) ([]string, error) {
	return db.Strings(ctx, st.db.R(ctx), `SELECT DISTINCT zp.zone_id FROM metering_channels c
		JOIN metering_installations i ON i.device_id = c.device_id
		JOIN metering_zone_points zp ON zp.point_id = i.point_id WHERE c.id = $1`, id)
}

// zonePointsSQL joins a zone to the channels that count in its balance:
// the forward consumption registers (volume for water and gas, energy
// for power, heat or energy for heat) of the devices installed on its
// points. zoneChannelsSQL adds their daily rollups on the days they were
// installed, zoneHoursSQL their hourly ones.
const zonePointsSQL = `FROM metering_zones z
	JOIN metering_networks n ON n.id = z.network_id
	JOIN metering_zone_points zp ON zp.zone_id = z.id
	JOIN metering_installations i ON i.point_id = zp.point_id
	JOIN metering_channels c ON c.device_id = i.device_id AND ` + consumptionChannelSQL

// consumptionChannelSQL picks, of the channels c of a device installed
// on a point of network n, the one that measures the network's
// consumption.
const consumptionChannelSQL = `c.direction = 'forward' AND c.kind IN ('cumulative', 'interval')
		AND ((n.resource IN ('water', 'gas') AND c.quantity = 'volume') OR (n.resource = 'power' AND c.quantity = 'energy')
		  OR (n.resource = 'heat' AND c.quantity IN ('heat', 'energy')))`

const zoneChannelsSQL = zonePointsSQL + `
	JOIN metering_daily d ON d.channel_id = c.id AND d.day_ms + 86400000 > i.from_ms AND (i.to_ms IS NULL OR d.day_ms < i.to_ms)`

const zoneHoursSQL = zonePointsSQL + `
	JOIN metering_hourly h ON h.channel_id = c.id AND h.start_ms >= i.from_ms AND (i.to_ms IS NULL OR h.start_ms < i.to_ms)`

// replaceZoneDays recomputes the zone's daily balances over r.
func (st *store) replaceZoneDays(ctx context.Context, zone string, r span) error {
	rows, err := st.db.Q(ctx).QueryContext(ctx, `SELECT d.day_ms, zp.sign, SUM(d.value), MAX(d.quality) `+zoneChannelsSQL+`
		WHERE z.id = $1 AND d.day_ms >= $2 AND d.day_ms < $3 GROUP BY d.day_ms, zp.sign ORDER BY d.day_ms`, zone, r.from, r.to)
	if err != nil {
		return err
	}
	type day struct {
		in, out, cons float64
		q             int64
	}
	var order []int64
	days := map[int64]*day{}
	for rows.Next() {
		var ms, sign, q int64
		var v float64
		if err := rows.Scan(&ms, &sign, &v, &q); err != nil {
			rows.Close()
			return err
		}
		d, ok := days[ms]
		if !ok {
			d = &day{}
			days[ms] = d
			order = append(order, ms)
		}
		switch {
		case sign > 0:
			d.in += v
		case sign < 0:
			d.out += v
		default:
			d.cons += v
		}
		d.q = max(d.q, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	q := st.db.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM metering_zone_daily WHERE zone_id = $1 AND day_ms >= $2 AND day_ms < $3`, zone, r.from, r.to); err != nil {
		return err
	}
	for _, ms := range order {
		d := days[ms]
		if _, err := q.ExecContext(ctx, `INSERT INTO metering_zone_daily (zone_id, day_ms, inflow, outflow, consumers, quality)
			VALUES ($1, $2, $3, $4, $5, $6)`, zone, ms, d.in, d.out, d.cons, d.q); err != nil {
			return err
		}
	}
	return nil
}

// dirtyMark is one channel waiting for its rollup.
type dirtyMark struct {
	channel, from, to, rev int64
}

func (st *store) dirty(ctx context.Context, limit int) ([]dirtyMark, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT channel_id, from_ms, to_ms, rev FROM metering_rollup_dirty ORDER BY channel_id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dirtyMark
	for rows.Next() {
		var m dirtyMark
		if err := rows.Scan(&m.channel, &m.from, &m.to, &m.rev); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// clearDirty removes the marks that did not change while they were being
// rolled up.
func (st *store) clearDirty(ctx context.Context, marks []dirtyMark) error {
	return st.db.InTx(ctx, func(ctx context.Context) error {
		for _, m := range marks {
			if _, err := st.db.Q(ctx).ExecContext(ctx, `DELETE FROM metering_rollup_dirty WHERE channel_id = $1 AND rev = $2`, m.channel, m.rev); err != nil {
				return err
			}
		}
		return nil
	})
}

// rawKeptFrom is where raw readings were purged up to, 0 if never.
func (st *store) rawKeptFrom(ctx context.Context) (int64, error) {
	var ms int64
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT value_ms FROM metering_rollup_state WHERE name = 'raw_kept_from_ms'`).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return ms, err
}

// purgeRaw deletes readings before cut but each channel's last one before
// it, and records the cut.
func (st *store) purgeRaw(ctx context.Context, cut int64) (int64, error) {
	q := st.db.Q(ctx)
	res, err := q.ExecContext(ctx, `DELETE FROM metering_readings WHERE ts_ms < $1 AND ts_ms < (
		SELECT MAX(r2.ts_ms) FROM metering_readings r2 WHERE r2.channel_id = metering_readings.channel_id AND r2.ts_ms < $1)`, cut)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	_, err = q.ExecContext(ctx, `INSERT INTO metering_rollup_state (name, value_ms) VALUES ('raw_kept_from_ms', $1)
		ON CONFLICT (name) DO UPDATE SET value_ms = CASE WHEN excluded.value_ms > metering_rollup_state.value_ms THEN excluded.value_ms ELSE metering_rollup_state.value_ms END`, cut)
	return n, err
}
