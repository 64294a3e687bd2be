package metering

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Report counts what one detection run changed.
type Report struct {
	Raised, Cleared           int
	OutagesOpened, OutagesEnd int
}

func (r *Report) count(raised bool, err error) error {
	if raised {
		r.Raised++
	}
	return err
}

func (r *Report) uncount(cleared bool, err error) error {
	if cleared {
		r.Cleared++
	}
	return err
}

// Detect runs every detector over one municipality's rollups and
// readings at the current time: night flow and losses per zone, outage
// inference per zone (opening and ending unplanned outage notices and
// the buildings' interruptions), devices offline, and the validation of
// consumption channels (reverse flow, stuck, spikes, continuous flow).
// A condition found raises (or keeps) its alarm; one no longer found
// clears it.
func (w *Watch) Detect(ctx context.Context, tenant string) (Report, error) {
	var rep Report
	m, err := w.svc.places.Municipality(ctx, tenant)
	if err != nil {
		return rep, wrap("detect", err)
	}
	loc := locationOf(m)
	zones, err := w.st.tenantZones(ctx, tenant)
	if err != nil {
		return rep, wrap("detect", err)
	}
	down := map[string]bool{} // devices explained by an outage
	for _, z := range zones {
		if err := w.detectLeak(ctx, &rep, z, loc); err != nil {
			return rep, wrap("detect night flow", err)
		}
		if err := w.detectLoss(ctx, &rep, z, loc); err != nil {
			return rep, wrap("detect losses", err)
		}
		if err := w.detectOutage(ctx, &rep, z, down); err != nil {
			return rep, wrap("detect outage", err)
		}
	}
	if err := w.detectOffline(ctx, &rep, tenant, down); err != nil {
		return rep, wrap("detect offline", err)
	}
	return rep, wrap("validate channels", w.validate(ctx, &rep, tenant))
}

// zoneRef is a zone as the detectors see it.
type zoneRef struct {
	id, tenant, code, name string
	resource               Resource
}

func (st *store) tenantZones(ctx context.Context, tenant string) ([]zoneRef, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT z.id, z.tenant_id, z.code, z.name, n.resource FROM metering_zones z
		JOIN metering_networks n ON n.id = z.network_id WHERE z.tenant_id = $1 AND z.retired_ms IS NULL ORDER BY z.code`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zoneRef
	for rows.Next() {
		var z zoneRef
		if err := rows.Scan(&z.id, &z.tenant, &z.code, &z.name, &z.resource); err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, rows.Err()
}

// detectLeak judges the zone's minimum night flow, from the hourly net
// inflow of its boundary points, against its own rolling baseline.
func (w *Watch) detectLeak(ctx context.Context, rep *Report, z zoneRef, loc *time.Location) error {
	rule := w.rules.Leak
	nights := max(rule.BaselineNights, engine.DefaultLeakRule.BaselineNights) + max(rule.Nights, engine.DefaultLeakRule.Nights) + 2
	now := w.now()
	since := engine.BucketStart(engine.Day, db.Millis(now.AddDate(0, 0, -nights)), loc)
	deltas, err := w.st.zoneNetHours(ctx, z.id, since)
	if err != nil {
		return err
	}
	var done []engine.NightFlow
	for _, n := range engine.NightFlows(deltas, loc) {
		if n.DayMs+4*3_600_000 <= db.Millis(now) { // a night still going on is not judged
			done = append(done, n)
		}
	}
	v := engine.DetectLeak(done, rule)
	if !v.Judged {
		return nil
	}
	if !v.Leak {
		return rep.uncount(w.resolve(ctx, z.tenant, AlarmNightFlow, z.id))
	}
	sev := SeverityWarning
	if v.Excess > v.Baseline {
		sev = SeverityCritical
	}
	_, raised, err := w.raise(ctx, Condition{TenantID: z.tenant, Kind: AlarmNightFlow, TargetType: "zone", TargetID: z.id, TargetName: z.name,
		Severity: sev, Since: db.Time(v.SinceMs), Detail: map[string]any{"baseline": v.Baseline, "threshold": v.Threshold, "latest": v.Latest, "excess": v.Excess}})
	return rep.count(raised, err)
}

// zoneNetHours is the zone's net inflow (Σ sign × consumption of its
// boundary points) per hour since from, for the hours every boundary
// channel reported.
func (st *store) zoneNetHours(ctx context.Context, zoneID string, from int64) ([]engine.Delta, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT h.start_ms, SUM(zp.sign * h.value), COUNT(*) `+zoneHoursSQL+`
		WHERE z.id = $1 AND zp.sign <> 0 AND h.start_ms >= $2 GROUP BY h.start_ms ORDER BY h.start_ms`, zoneID, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type hour struct {
		start int64
		v     float64
		n     int
	}
	var hs []hour
	most := 0
	for rows.Next() {
		var h hour
		if err := rows.Scan(&h.start, &h.v, &h.n); err != nil {
			return nil, err
		}
		hs = append(hs, h)
		most = max(most, h.n)
	}
	var out []engine.Delta
	for _, h := range hs {
		if h.n == most {
			out = append(out, engine.Delta{FromMs: h.start, ToMs: h.start + 3_600_000, Value: h.v, Quality: engine.Measured})
		}
	}
	return out, rows.Err()
}

// detectLoss raises a zone-loss alarm when yesterday's losses exceeded
// the norm share of the zone's input.
func (w *Watch) detectLoss(ctx context.Context, rep *Report, z zoneRef, loc *time.Location) error {
	today := engine.BucketStart(engine.Day, db.Millis(w.now()), loc)
	yesterday := engine.BucketStart(engine.Day, today-1, loc)
	days, err := w.st.zoneDays(ctx, z.id, yesterday, today, loc)
	if err != nil || len(days) == 0 || !days[0].Balance.HasInput || days[0].Balance.Consumers == 0 {
		return err
	}
	b := days[0].Balance
	if b.LossPercent <= w.rules.ZoneLossPercent {
		return rep.uncount(w.resolve(ctx, z.tenant, AlarmZoneLoss, z.id))
	}
	_, raised, err := w.raise(ctx, Condition{TenantID: z.tenant, Kind: AlarmZoneLoss, TargetType: "zone", TargetID: z.id, TargetName: z.name,
		Severity: SeverityWarning, Since: days[0].Day, Detail: map[string]any{"in": b.In, "out": b.Out, "consumers": b.Consumers, "losses": b.Losses, "loss_percent": b.LossPercent}})
	return rep.count(raised, err)
}

// meterState is a zone consumer's device as outage inference sees it.
type meterState struct {
	engine.MeterState
	deviceID string
}

// detectOutage infers an outage from the zone's consumer meters going
// silent (or to zero voltage or pressure) together. A new outage raises
// a critical alarm and opens an unplanned public notice with every
// building of the zone in the interruption ledger from the moment the
// meters went down; when they are back, the notice and the
// interruptions end when the first of them reported again.
func (w *Watch) detectOutage(ctx context.Context, rep *Report, z zoneRef, down map[string]bool) error {
	meters, err := w.st.zoneMeters(ctx, z.id)
	if err != nil {
		return err
	}
	states := make([]engine.MeterState, len(meters))
	byID := map[string]string{}
	for i, m := range meters {
		states[i] = m.MeterState
		byID[m.ID] = m.deviceID
	}
	now := w.now()
	service := serviceOf(z.resource)
	o, ok := engine.InferOutage(states, db.Millis(now), w.rules.Outage)
	if !ok {
		return w.endDetected(ctx, rep, z, service, meters)
	}
	devices := make([]string, 0, len(o.Down))
	for _, id := range o.Down {
		down[byID[id]] = true
		devices = append(devices, byID[id])
	}
	a, raised, err := w.raise(ctx, Condition{TenantID: z.tenant, Kind: AlarmOutage, TargetType: "zone", TargetID: z.id, TargetName: z.name,
		Severity: SeverityCritical, Since: db.Time(o.SinceMs), Detail: map[string]any{"service": service, "down": devices, "total": o.Total, "share": o.Share}})
	if err := rep.count(raised, err); err != nil {
		return err
	}
	return w.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := w.st.openDetected(ctx, z.tenant, z.id, service); err != ErrNotFound {
			return err // already open, or a failure
		}
		rep.OutagesOpened++
		return w.openOutage(ctx, Outage{ID: db.NewID(), TenantID: z.tenant, Service: service, ZoneID: z.id, Starts: db.Time(o.SinceMs), AlarmID: a.ID}, nil, "detector")
	})
}

// endDetected clears the zone's outage alarm and ends its open notice at
// the first reading its down meters sent after it began.
func (w *Watch) endDetected(ctx context.Context, rep *Report, z zoneRef, service string, meters []meterState) error {
	return w.db.InTx(ctx, func(ctx context.Context) error {
		o, err := w.st.openDetected(ctx, z.tenant, z.id, service)
		if err == ErrNotFound {
			return rep.uncount(w.resolve(ctx, z.tenant, AlarmOutage, z.id))
		}
		if err != nil {
			return err
		}
		var devices []string
		if a, err := w.st.alarm(ctx, z.tenant, o.AlarmID); err == nil {
			var d struct{ Down []string }
			_ = json.Unmarshal(a.Detail, &d)
			devices = d.Down
		}
		back, err := w.st.firstAfter(ctx, devices, db.Millis(o.Starts))
		if err != nil {
			return err
		}
		end := w.now()
		if back > 0 && back < db.Millis(end) {
			end = db.Time(back)
		}
		rep.OutagesEnd++
		if err := w.endOutage(ctx, o, end); err != nil {
			return err
		}
		return rep.uncount(w.resolve(ctx, z.tenant, AlarmOutage, z.id))
	})
}

// zoneMeters returns the devices now installed on the zone's consumer
// points with their last reading, reporting interval and zero run.
func (st *store) zoneMeters(ctx context.Context, zoneID string) ([]meterState, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT p.id, d.id, d.interval_s FROM metering_zone_points zp
		JOIN metering_points p ON p.id = zp.point_id
		JOIN metering_installations i ON i.point_id = p.id AND i.to_ms IS NULL
		JOIN metering_devices d ON d.id = i.device_id
		WHERE zp.zone_id = $1 AND zp.sign = 0 AND p.retired_ms IS NULL ORDER BY p.id`, zoneID)
	if err != nil {
		return nil, err
	}
	var out []meterState
	var intervals []int64
	for rows.Next() {
		var m meterState
		var iv int64
		if err := rows.Scan(&m.ID, &m.deviceID, &iv); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
		intervals = append(intervals, iv*1000)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := st.fillState(ctx, &out[i], intervals[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fillState reads a device's last reading, its interval (declared, or
// estimated from its latest readings) and since when its voltage or
// pressure has read zero.
func (st *store) fillState(ctx context.Context, m *meterState, interval int64) error {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT c.id, c.quantity, c.kind,
		(SELECT MAX(ts_ms) FROM metering_readings r WHERE r.channel_id = c.id) FROM metering_channels c WHERE c.device_id = $1`, m.deviceID)
	if err != nil {
		return err
	}
	type ch struct {
		id       int64
		quantity string
		kind     ChannelKind
	}
	var chans []ch
	var busiest int64
	for rows.Next() {
		var c ch
		var last *int64
		if err := rows.Scan(&c.id, &c.quantity, &c.kind, &last); err != nil {
			rows.Close()
			return err
		}
		chans = append(chans, c)
		if last != nil && *last > m.LastSeenMs {
			m.LastSeenMs, busiest = *last, c.id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	m.IntervalMs = interval
	if m.IntervalMs <= 0 && busiest != 0 {
		ts, err := st.latestTimes(ctx, busiest, 10)
		if err != nil {
			return err
		}
		m.IntervalMs = engine.ReportingInterval(ts)
	}
	for _, c := range chans {
		if c.kind != Instantaneous || (c.quantity != "voltage" && c.quantity != "pressure") {
			continue
		}
		var zero *int64
		err := st.db.R(ctx).QueryRowContext(ctx, `SELECT MIN(ts_ms) FROM metering_readings WHERE channel_id = $1 AND value <= 0 AND ts_ms >
			COALESCE((SELECT MAX(ts_ms) FROM metering_readings WHERE channel_id = $1 AND value > 0), -1)`, c.id).Scan(&zero)
		if err != nil {
			return err
		}
		if zero != nil && (m.ZeroSinceMs == 0 || *zero < m.ZeroSinceMs) {
			m.ZeroSinceMs = *zero
		}
	}
	return nil
}

func (st *store) latestTimes(ctx context.Context, channel int64, n int) ([]int64, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT ts_ms FROM metering_readings WHERE channel_id = $1 ORDER BY ts_ms DESC LIMIT $2`, channel, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// firstAfter is the earliest reading of any of the devices after ms, 0
// if none.
func (st *store) firstAfter(ctx context.Context, devices []string, ms int64) (int64, error) {
	var first int64
	for _, d := range devices {
		var t *int64
		err := st.db.Q(ctx).QueryRowContext(ctx, `SELECT MIN((SELECT MIN(ts_ms) FROM metering_readings r WHERE r.channel_id = c.id AND r.ts_ms > $2))
			FROM metering_channels c WHERE c.device_id = $1`, d, ms).Scan(&t)
		if err != nil {
			return 0, err
		}
		if t != nil && (first == 0 || *t < first) {
			first = *t
		}
	}
	return first, nil
}

// detectOffline raises an alarm for every installed device silent past
// its own reporting interval, except those an outage explains.
func (w *Watch) detectOffline(ctx context.Context, rep *Report, tenant string, explained map[string]bool) error {
	devs, err := w.st.installedDevices(ctx, tenant)
	if err != nil {
		return err
	}
	open, err := w.st.openTargets(ctx, tenant, "device")
	if err != nil {
		return err
	}
	now := db.Millis(w.now())
	for _, d := range devs {
		if err := w.st.fillState(ctx, &d.meterState, d.IntervalMs); err != nil {
			return err
		}
		if d.LastSeenMs == 0 {
			continue // never reported: nothing to compare with
		}
		if explained[d.deviceID] || !engine.Offline(d.LastSeenMs, now, d.IntervalMs, w.rules.OfflineFactor) {
			if !open[string(AlarmOffline)+"|"+d.deviceID] {
				continue
			}
			if err := rep.uncount(w.resolve(ctx, tenant, AlarmOffline, d.deviceID)); err != nil {
				return err
			}
			continue
		}
		_, raised, err := w.raise(ctx, Condition{TenantID: tenant, Kind: AlarmOffline, TargetType: "device", TargetID: d.deviceID, TargetName: d.serial,
			Severity: SeverityWarning, Since: db.Time(d.LastSeenMs), Detail: map[string]any{"last_seen_ms": d.LastSeenMs, "interval_ms": d.IntervalMs}})
		if err := rep.count(raised, err); err != nil {
			return err
		}
	}
	return nil
}

type installedDevice struct {
	meterState
	serial string
}

func (st *store) installedDevices(ctx context.Context, tenant string) ([]installedDevice, error) {
	rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT d.id, d.serial, d.interval_s FROM metering_devices d WHERE d.tenant_id = $1
		AND EXISTS (SELECT 1 FROM metering_installations i JOIN metering_points p ON p.id = i.point_id
			WHERE i.device_id = d.id AND i.to_ms IS NULL AND p.retired_ms IS NULL) ORDER BY d.serial`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []installedDevice
	for rows.Next() {
		var d installedDevice
		var iv int64
		if err := rows.Scan(&d.deviceID, &d.serial, &iv); err != nil {
			return nil, err
		}
		d.ID, d.IntervalMs = d.deviceID, iv*1000
		out = append(out, d)
	}
	return out, rows.Err()
}

// idString is a channel id as an alarm target.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
