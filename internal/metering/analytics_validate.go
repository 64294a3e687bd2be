package metering

import (
	"context"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/db"
)

// validationDays is how much hourly history channel validation reads.
const validationDays = 8

// channelHours is one consumption channel's recent hourly rollups.
type channelHours struct {
	id       int64
	name     string // point code / device serial
	consumer bool   // an apartment's own meter: it should rest some hour a day
	hours    []engine.Bucket
}

// validate checks every installed consumption channel of the
// municipality over its recent hours: reverse flow in the last day, a
// register stuck for 7 days, a spike in the last day by modified z-score
// against the channel's own week, and, at consumers, flow that never
// stopped for 24 hours (a leak after the meter) at apartment meters.
func (w *Watch) validate(ctx context.Context, rep *Report, tenant string) error {
	now := db.Millis(w.now())
	chans, err := w.st.recentHours(ctx, tenant, now-validationDays*24*3_600_000)
	if err != nil {
		return err
	}
	open, err := w.st.openTargets(ctx, tenant, "channel")
	if err != nil {
		return err
	}
	for _, c := range chans {
		for kind, found := range checkChannel(c, now) {
			target := idString(c.id)
			if found == nil {
				if !open[string(kind)+"|"+target] {
					continue // nothing to clear: skip the transaction
				}
				if err := rep.uncount(w.resolve(ctx, tenant, kind, target)); err != nil {
					return err
				}
				continue
			}
			sev := SeverityWarning
			if kind == AlarmSpike {
				sev = SeverityInfo
			}
			_, raised, err := w.raise(ctx, Condition{TenantID: tenant, Kind: kind, TargetType: "channel", TargetID: target, TargetName: c.name,
				Severity: sev, Since: db.Time(found.StartMs), Detail: map[string]any{"hour_ms": found.StartMs, "value": found.Value}})
			if err := rep.count(raised, err); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkChannel returns, per validation kind, the bucket that shows the
// problem, or nil when the channel is fine on that count.
func checkChannel(c channelHours, now int64) map[AlarmKind]*engine.Bucket {
	day := now - 24*3_600_000
	out := map[AlarmKind]*engine.Bucket{AlarmReverseFlow: nil, AlarmStuck: nil, AlarmSpike: nil}
	deltas := make([]engine.Delta, len(c.hours))
	for i, h := range c.hours {
		deltas[i] = engine.Delta{FromMs: h.StartMs, ToMs: h.EndMs, Value: h.Value}
		if h.Suspect > 0 && h.StartMs >= day && out[AlarmReverseFlow] == nil {
			out[AlarmReverseFlow] = &c.hours[i]
		}
	}
	if since, stuck := engine.Stuck(deltas, 7*24*3_600_000); stuck {
		out[AlarmStuck] = &engine.Bucket{StartMs: since}
	}
	if b, ok := dailySpike(c.hours); ok {
		out[AlarmSpike] = &b
	}
	if c.consumer {
		out[AlarmContinuousFlow] = nil
		if engine.ContinuousFlow(c.hours, 24) && c.hours[len(c.hours)-1].EndMs >= day {
			last := c.hours[len(c.hours)-24]
			out[AlarmContinuousFlow] = &last
		}
	}
	return out
}

// dailySpike compares the channel's last 24 hours with the 24-hour
// blocks before them: hourly consumption swings with the time of day, so
// a spike is judged on whole days, by modified z-score.
func dailySpike(hours []engine.Bucket) (engine.Bucket, bool) {
	if len(hours) == 0 {
		return engine.Bucket{}, false
	}
	end := hours[len(hours)-1].EndMs
	var blocks []engine.Delta
	for i := 0; i < validationDays; i++ {
		to := end - int64(i)*24*3_600_000
		blocks = append(blocks, engine.Delta{FromMs: to - 24*3_600_000, ToMs: to})
	}
	covered := make([]int, len(blocks))
	for _, h := range hours {
		i := int((end - h.EndMs) / (24 * 3_600_000))
		if i < len(blocks) {
			blocks[i].Value += h.Value
			covered[i]++
		}
	}
	var full []engine.Delta
	for i, b := range blocks {
		if covered[i] == 24 {
			full = append(full, b)
		}
	}
	if len(full) < 5 || covered[0] != 24 {
		return engine.Bucket{}, false
	}
	for _, s := range engine.Spikes(full) {
		if s.ToMs == end {
			return engine.Bucket{StartMs: s.FromMs, EndMs: s.ToMs, Value: s.Value}, true
		}
	}
	return engine.Bucket{}, false
}

// openTargets is the set of "kind|target" of the open alarms on one type
// of target, so that a detector only opens a transaction to clear an
// alarm that exists.
func (st *store) openTargets(ctx context.Context, tenant, targetType string) (map[string]bool, error) {
	keys, err := st.strings(ctx, `SELECT kind || '|' || target_id FROM metering_alarms
		WHERE tenant_id = $1 AND target_type = $2 AND status <> 'cleared'`, tenant, targetType)
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}

// recentHours reads the hourly rollups since from of the municipality's
// installed consumption channels.
func (st *store) recentHours(ctx context.Context, tenant string, from int64) ([]channelHours, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT c.id, p.code, d.serial, p.role, p.apartment, h.start_ms, h.value, h.suspect
		FROM metering_channels c
		JOIN metering_devices d ON d.id = c.device_id
		JOIN metering_installations i ON i.device_id = c.device_id AND i.to_ms IS NULL
		JOIN metering_points p ON p.id = i.point_id AND p.retired_ms IS NULL
		JOIN metering_hourly h ON h.channel_id = c.id AND h.start_ms >= $2
		WHERE c.tenant_id = $1 AND c.kind IN ('cumulative', 'interval') AND c.direction = 'forward'
		ORDER BY c.id, h.start_ms`, tenant, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []channelHours
	for rows.Next() {
		var id int64
		var code, serial, role, apartment string
		var b engine.Bucket
		if err := rows.Scan(&id, &code, &serial, &role, &apartment, &b.StartMs, &b.Value, &b.Suspect); err != nil {
			return nil, err
		}
		b.EndMs = b.StartMs + 3_600_000
		if len(out) == 0 || out[len(out)-1].id != id {
			out = append(out, channelHours{id: id, name: code + " / " + serial, consumer: role == RoleConsumer && apartment != ""})
		}
		c := &out[len(out)-1]
		c.hours = append(c.hours, b)
	}
	return out, rows.Err()
}
