package metering

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/tick"
	"github.com/muni-platform/muni/internal/platform/tz"
)

// rollupChannel is what recomputing a channel's buckets needs to know.
type rollupChannel struct {
	id         int64
	tenant     string
	deviceID   string
	kind       ChannelKind
	multiplier float64
	digits     int
	intervalMs int64
	loc        *time.Location
}

// span is a day-aligned range [from, to) of local days.
type span struct{ from, to int64 }

func (a span) union(b span) span {
	if a.to == 0 {
		return b
	}
	return span{min(a.from, b.from), max(a.to, b.to)}
}

// Rollup recomputes the hourly and daily consumption of the channels for
// the local days touched by readings between fromMs and toMs, and the
// daily balances of the zones they count in. It is what the rollup job
// runs for each dirty channel; call it directly after an import or a
// registry change (a new installation's start register) to bring the
// rollups up to date at once.
func (s *Service) Rollup(ctx context.Context, channelIDs []int64, fromMs, toMs int64) error {
	zones := map[string]span{}
	locs := map[string]*time.Location{}
	for _, id := range channelIDs {
		if err := s.rollupOne(ctx, id, fromMs, toMs, locs, zones); err != nil {
			return err
		}
	}
	return s.rollupZones(ctx, zones)
}

// rollupOne recomputes one channel and notes which zone days changed.
func (s *Service) rollupOne(ctx context.Context, id, fromMs, toMs int64, locs map[string]*time.Location, zones map[string]span) error {
	ch, err := s.st.rollupChannel(ctx, id)
	if err != nil || (ch.kind != Cumulative && ch.kind != IntervalValue) {
		return wrap("rollup", err)
	}
	if ch.loc, err = s.location(ctx, ch.tenant, locs); isNotFound(err) {
		return nil // the municipality is gone: nothing to roll up for
	} else if err != nil {
		return wrap("rollup", err)
	}
	days, err := s.recompute(ctx, ch, fromMs, toMs)
	if err != nil || days.to == 0 {
		return wrap(fmt.Sprintf("rollup channel %d", id), err)
	}
	zs, err := s.st.channelZones(ctx, id)
	for _, z := range zs {
		zones[z] = zones[z].union(days)
	}
	return wrap("rollup", err)
}

// location is the municipality's time zone, cached for one run.
func (s *Service) location(ctx context.Context, tenant string, cache map[string]*time.Location) (*time.Location, error) {
	if loc, ok := cache[tenant]; ok {
		return loc, nil
	}
	m, err := s.places.Municipality(ctx, tenant)
	if err != nil {
		return nil, err
	}
	loc, err := tz.Load(m.TimeZone)
	if err != nil || m.TimeZone == "" {
		loc = time.UTC
	}
	cache[tenant] = loc
	return loc, nil
}

// recompute rebuilds the channel's buckets over the local days that
// readings in [fromMs, toMs] can change — from the day of the reading
// before them to the day of the reading after, since a new reading
// splits the delta between those two (an installation's start or end
// register counts as a reading) — and returns those days.
func (s *Service) recompute(ctx context.Context, ch rollupChannel, fromMs, toMs int64) (span, error) {
	var tenures []engine.Tenure
	var err error
	if ch.kind == Cumulative {
		if tenures, err = s.st.tenures(ctx, ch.deviceID); err != nil {
			return span{}, err
		}
	}
	prev, next, err := s.st.neighbours(ctx, ch.id, fromMs, toMs)
	if err != nil {
		return span{}, err
	}
	for _, t := range tenures {
		for _, b := range []int64{t.FromMs, t.ToMs} {
			if b != 0 && b < fromMs && (prev == fromMs || b > prev) {
				prev = b
			}
			if b > toMs && (next == toMs || b < next) {
				next = b
			}
		}
	}
	r := span{engine.BucketStart(engine.Day, prev, ch.loc), 0}
	r.to = engine.BucketEnd(engine.Day, engine.BucketStart(engine.Day, next, ch.loc), ch.loc)
	kept, err := s.st.rawKeptFrom(ctx)
	if err != nil {
		return span{}, err
	}
	if kept > r.from {
		r.from = engine.BucketEnd(engine.Day, engine.BucketStart(engine.Day, kept, ch.loc), ch.loc)
	}
	if r.from >= r.to {
		return span{}, nil
	}
	loadLo, loadHi, err := s.st.neighbours(ctx, ch.id, r.from, r.to-1)
	if err != nil {
		return span{}, err
	}
	readings, err := s.st.readingsBetween(ctx, ch.id, loadLo, loadHi)
	if err != nil {
		return span{}, err
	}
	deltas := channelDeltas(ch, tenures, readings)
	hours := inSpan(engine.Buckets(deltas, engine.Hour, ch.loc), r)
	days := inSpan(engine.Buckets(deltas, engine.Day, ch.loc), r)
	return r, s.db.InTx(ctx, func(ctx context.Context) error {
		return s.st.replaceBuckets(ctx, ch.id, r, hours, days)
	})
}

// channelDeltas turns the channel's readings into consumption: a
// cumulative register through its device's installations (start and end
// registers, so a meter swap is never a reverse flow), an interval
// channel by its device's reporting interval. A delta reaching outside
// the loaded readings may be too long; it only touches buckets outside
// the recomputed days, which are not written.
func channelDeltas(ch rollupChannel, tenures []engine.Tenure, readings []engine.Reading) []engine.Delta {
	if ch.kind == IntervalValue {
		iv := ch.intervalMs
		if iv <= 0 {
			ts := make([]int64, len(readings))
			for i, r := range readings {
				ts[i] = r.TS
			}
			iv = engine.ReportingInterval(ts)
		}
		return engine.IntervalDeltas(readings, iv, ch.multiplier)
	}
	reg := engine.Register{Digits: ch.digits, Multiplier: ch.multiplier}
	if len(tenures) == 0 {
		tenures = []engine.Tenure{{}}
	}
	for i := range tenures {
		tenures[i].Register = reg
		tenures[i].Readings = readings
	}
	return engine.PointDeltas(tenures)
}

func inSpan(bs []engine.Bucket, r span) []engine.Bucket {
	out := bs[:0]
	for _, b := range bs {
		if b.StartMs >= r.from && b.StartMs < r.to {
			out = append(out, b)
		}
	}
	return out
}

// rollupZones recomputes the zones' daily balances over their changed days.
func (s *Service) rollupZones(ctx context.Context, zones map[string]span) error {
	for z, r := range zones {
		err := s.db.InTx(ctx, func(ctx context.Context) error { return s.st.replaceZoneDays(ctx, z, r) })
		if err != nil {
			return wrap("rollup zone "+z, err)
		}
	}
	return nil
}

// RollupPending rolls up the channels ingest marked, up to limit of them,
// and returns how many it finished. A channel that got new readings while
// it was being computed stays marked for the next run.
func (s *Service) RollupPending(ctx context.Context, limit int) (int, error) {
	marks, err := s.st.dirty(ctx, limit)
	if err != nil || len(marks) == 0 {
		return 0, wrap("rollup pending", err)
	}
	zones := map[string]span{}
	locs := map[string]*time.Location{}
	done := marks[:0]
	var firstErr error
	for _, m := range marks {
		if err := s.rollupOne(ctx, m.channel, m.from, m.to, locs, zones); err != nil {
			// Keep its mark for the next run; the other channels go on.
			s.log.Error("metering rollup", "channel", m.channel, "err", err)
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		done = append(done, m)
	}
	if err := s.rollupZones(ctx, zones); err != nil {
		return 0, err
	}
	if err := s.st.clearDirty(ctx, done); err != nil {
		return 0, wrap("rollup pending", err)
	}
	return len(marks), firstErr
}

// RunRollups rolls up pending readings every interval until ctx ends,
// and purges raw readings older than keepRaw (0: kept for ever) once a
// day. Errors are logged and retried on the next tick.
func (s *Service) RunRollups(ctx context.Context, interval, keepRaw time.Duration) {
	var lastPurge time.Time
	tick.Every(ctx, interval, true, func(ctx context.Context) {
		for {
			n, err := s.RollupPending(ctx, 500)
			if err != nil {
				s.log.Error("metering rollup", "err", err)
			}
			if err != nil || n < 500 {
				break
			}
		}
		if keepRaw > 0 && s.now().Sub(lastPurge) > 24*time.Hour {
			lastPurge = s.now()
			if n, err := s.PurgeRaw(ctx, s.now().Add(-keepRaw)); err != nil {
				s.log.Error("metering purge", "err", err)
			} else if n > 0 {
				s.log.Info("metering purge", "readings", n)
			}
		}
	})
}

// PurgeRaw deletes raw readings older than before, after rolling up
// everything pending, keeping each channel's last reading before the cut
// so the first delta after it can still be computed. Rollups are kept;
// the buckets before the cut are final from then on.
func (s *Service) PurgeRaw(ctx context.Context, before time.Time) (int64, error) {
	for {
		n, err := s.RollupPending(ctx, 500)
		if err != nil {
			return 0, err
		}
		if n < 500 {
			break
		}
	}
	var n int64
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		n, err = s.st.purgeRaw(ctx, db.Millis(before))
		return err
	})
	return n, wrap("purge raw readings", err)
}
