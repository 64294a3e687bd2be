package app

import (
	"context"
	"slices"
	"time"

	"github.com/muni-platform/muni/internal/metering"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/tz"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/workplace"
)

// watch is metering's operational side (detectors, alarms, outage
// notices, the interruption ledger) over the metering service. It holds
// no state of its own, so building it where needed is cheap.
func (a *App) watch() *metering.Watch {
	return metering.NewWatch(a.Metering, a.Outbox, metering.Rules{})
}

// runMetering keeps the rollups and the detectors going while muni
// serves, until ctx ends: pending rollups every 30 s (raw readings older
// than keepRaw purged daily; 0 keeps them for ever), every detector over
// every municipality every 5 minutes.
func (a *App) runMetering(ctx context.Context, keepRaw time.Duration) {
	go a.Metering.RunRollups(AsSystem(ctx), 30*time.Second, keepRaw)
	a.watch().Run(AsSystem(ctx), 5*time.Minute)
}

// meteringKeepRaw is how long raw readings are kept, from
// MUNI_METERING_RAW_DAYS; 0 keeps them for ever.
func meteringKeepRaw(c config.Config) time.Duration {
	return time.Duration(c.MeteringRawDays) * 24 * time.Hour
}

// alarmQueue puts metering incidents (open alarms of warning or critical
// severity) in the officials' work queue.
type alarmQueue struct{ w *metering.Watch }

// Name is the source's name in the queue's filter.
func (q alarmQueue) Name() string { return "metering" }

// Queue lists the incidents of the municipalities the actor serves.
func (q alarmQueue) Queue(ctx context.Context, actor *auth.Actor, f workplace.Filter) ([]workplace.Item, error) {
	if f.OverdueOnly { // incidents carry no deadline
		return nil, nil
	}
	incs, err := q.w.Incidents(ctx, actor, f.Limit)
	if err != nil {
		return nil, err
	}
	out := make([]workplace.Item, 0, len(incs))
	for _, in := range incs {
		it := workplace.Item{Source: "metering", Kind: "metering.alarm.kind." + string(in.Kind), ID: in.ID, Title: in.TargetName,
			URL: "/m/" + in.Muni.Slug + "/resources#alarm-" + in.ID, TenantID: in.TenantID, Place: in.Muni.Name,
			Zone: in.Muni.TimeZone, State: "metering.alarm.status." + string(in.Status), Priority: 1}
		if in.Severity == metering.SeverityCritical {
			it.Priority = 2
		}
		out = append(out, it)
	}
	return out, nil
}

// SimulateMeters creates the simulated water network in the municipality
// at slug (once: network SIM-W, zones SIM-Z001…) and sends the readings
// o describes through send — or straight through the ingest pipeline when
// send is nil, rolling up what it stored.
func (a *App) SimulateMeters(ctx context.Context, slug string, o metering.SimOptions, send func([]metering.Input) error) (metering.SimStats, error) {
	n, err := a.Territory.NodeBySlug(ctx, slug)
	if err != nil {
		return metering.SimStats{}, err
	}
	o.MunicipalityID = n.ID
	if c := n.Center; c != nil {
		o.Lat, o.Lon = c.Lat, c.Lon
	}
	loc, err := tz.Load(n.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	sys := AsSystem(ctx)
	world, err := a.Metering.SimRegistry(sys, systemActor, o)
	if err != nil {
		return metering.SimStats{}, err
	}
	local := send == nil
	if local {
		send = func(b []metering.Input) error {
			_, err := a.Metering.Ingest(sys, metering.Batch{TenantID: n.ID, Source: metering.SourceImport, Readings: b})
			return err
		}
	}
	stats, err := metering.Simulate(o, world, loc, send)
	for local && err == nil {
		var done int
		if done, err = a.Metering.RollupPending(sys, 500); done < 500 {
			break
		}
	}
	return stats, err
}

// meteringHome is the outages block of a municipality's home page: the
// outages on now and those planned for the coming week, a link to the
// public outage map, and for its officials a link to the resource
// dashboard.
type meteringHome struct{ a *App }

// homeWeek is how far ahead the home page announces planned outages.
const homeWeek = 7 * 24 * time.Hour

// Section lists up to three outages: those on now first, then the
// planned ones by their start.
func (h meteringHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	l := h.a.Catalog.Localizer(lang)
	b := territory.HomeBlock{Title: l.T("metering.home.title"), Text: l.T("metering.home.text"),
		MoreURL: "/m/" + muni.Slug + "/outages", MoreText: l.T("metering.home.more")}
	now := time.Now()
	list, err := h.a.watch().Outages(ctx, muni.ID, now, now.Add(homeWeek))
	if err != nil {
		return b, err
	}
	loc, err := tz.Load(muni.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var soon []metering.Outage
	for _, o := range list {
		switch {
		case o.Active(now):
			soon = append(soon, o)
		case o.Planned && o.Ended == nil && o.Starts.After(now) && o.Starts.Before(now.Add(homeWeek)):
			soon = append(soon, o)
		}
	}
	slices.SortStableFunc(soon, func(x, y metering.Outage) int {
		if ax, ay := x.Active(now), y.Active(now); ax != ay {
			if ax {
				return -1
			}
			return 1
		}
		return x.Starts.Compare(y.Starts)
	})
	for _, o := range soon[:min(len(soon), 3)] {
		title := l.T("metering.service." + o.Service)
		if o.ZoneName != "" {
			title += " — " + o.ZoneName
		}
		meta := l.T("metering.home.since", "Since", o.Starts.In(loc).Format("02.01 15:04"))
		if !o.Active(now) {
			meta = l.T("metering.home.planned", "From", o.Starts.In(loc).Format("02.01 15:04"))
		}
		b.Items = append(b.Items, territory.HomeItem{Title: title, URL: "/m/" + muni.Slug + "/outages", Meta: meta})
	}
	if len(soon) == 0 {
		b.Text = l.T("metering.home.none")
	}
	if auth.From(ctx).Can(auth.RoleOperator, muni.Path) {
		b.Items = append(b.Items, territory.HomeItem{Title: l.T("metering.dashboard.title"), URL: "/m/" + muni.Slug + "/resources"})
	}
	return b, nil
}
