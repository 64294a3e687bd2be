package metering

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/muni-platform/muni/internal/metering/engine"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/tick"
)

// Watch is the operational side of metering: it runs the detectors over
// the rollups, keeps alarms (raised → acknowledged → cleared, one open
// per kind and target, "alarm.raised" and "alarm.cleared" on the outbox),
// outage notices and the interruption ledger. It works over the
// registry and readings of a Service.
type Watch struct {
	svc    *Service
	db     *db.DB
	st     *store
	outbox *events.Outbox
	now    func() time.Time
	log    *slog.Logger
	rules  Rules
}

// Rules are the detectors' thresholds; zero fields take the defaults.
type Rules struct {
	Leak   engine.LeakRule
	Outage engine.OutageRule
	// OfflineFactor is how many of its own intervals a device may miss.
	OfflineFactor float64
	// ZoneLossPercent is the daily loss share above which a zone alarms (0: 25 %).
	ZoneLossPercent float64
}

// NewWatch builds the watch over the metering service, publishing its
// events to outbox.
func NewWatch(svc *Service, outbox *events.Outbox, rules Rules) *Watch {
	if rules.OfflineFactor <= 0 {
		rules.OfflineFactor = engine.DefaultOfflineFactor
	}
	if rules.ZoneLossPercent <= 0 {
		rules.ZoneLossPercent = 25
	}
	return &Watch{svc: svc, db: svc.db, st: svc.st, outbox: outbox, now: svc.now, log: svc.log, rules: rules}
}

// The events the watch publishes.
const (
	EventAlarmRaised  = "alarm.raised"
	EventAlarmCleared = "alarm.cleared"
)

// alarmEvent is the payload of alarm.raised and alarm.cleared.
type alarmEvent struct {
	ID         string    `json:"id"`
	Kind       AlarmKind `json:"kind"`
	TargetType string    `json:"target_type"`
	TargetID   string    `json:"target_id"`
	TargetName string    `json:"target_name"`
	Severity   Severity  `json:"severity"`
	Since      time.Time `json:"since"`
}

func eventOf(a Alarm) alarmEvent {
	return alarmEvent{ID: a.ID, Kind: a.Kind, TargetType: a.TargetType, TargetID: a.TargetID, TargetName: a.TargetName, Severity: a.Severity, Since: a.Since}
}

// raise opens an alarm for the condition, or refreshes the open one of the
// same kind and target (its severity only ever rises). It reports whether
// a new alarm was raised; only then is alarm.raised published.
func (w *Watch) raise(ctx context.Context, c Condition) (Alarm, bool, error) {
	var out Alarm
	var raised bool
	detail, err := json.Marshal(c.Detail)
	if err != nil {
		return Alarm{}, false, wrap("raise alarm", err)
	}
	if c.Detail == nil {
		detail = []byte("{}")
	}
	now := w.now().UTC()
	err = w.db.InTx(ctx, func(ctx context.Context) error {
		open, err := w.st.openAlarm(ctx, c.TenantID, c.Kind, c.TargetID)
		if err == nil {
			if severityRank[c.Severity] > severityRank[open.Severity] {
				open.Severity = c.Severity
			}
			open.Seen, open.Detail = now, detail
			out = open
			return w.st.refreshAlarm(ctx, open)
		}
		if err != ErrNotFound {
			return err
		}
		out = Alarm{ID: db.NewID(), TenantID: c.TenantID, Kind: c.Kind, TargetType: c.TargetType, TargetID: c.TargetID,
			TargetName: c.TargetName, Severity: c.Severity, Status: AlarmRaised, Since: c.Since.UTC(), Raised: now, Seen: now, Detail: detail}
		if out.Since.IsZero() {
			out.Since = now
		}
		if err := w.st.insertAlarm(ctx, out); err != nil {
			return err
		}
		raised = true
		if err := w.svc.record(ctx, "alarm.raise", "alarm", out.ID, out.TenantID, map[string]any{"kind": out.Kind, "target": out.TargetID, "severity": out.Severity}); err != nil {
			return err
		}
		return w.outbox.Publish(ctx, EventAlarmRaised, out.TenantID, eventOf(out))
	})
	if db.IsUnique(err) { // another instance raised it in the meantime
		return w.raise(ctx, c)
	}
	return out, raised, wrap("raise alarm", err)
}

// resolve clears the open alarm of a kind on a target, if any, because
// its detector no longer finds the condition.
func (w *Watch) resolve(ctx context.Context, tenant string, kind AlarmKind, target string) (bool, error) {
	var cleared bool
	err := w.db.InTx(ctx, func(ctx context.Context) error {
		open, err := w.st.openAlarm(ctx, tenant, kind, target)
		if err == ErrNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		cleared = true
		return w.move(ctx, open, AlarmCleared, "detector")
	})
	return cleared, wrap("resolve alarm", err)
}

// move changes an alarm's state inside the caller's transaction, with
// its audit entry and, on clearing, alarm.cleared.
func (w *Watch) move(ctx context.Context, a Alarm, to AlarmStatus, by string) error {
	if !canMove(a.Status, to) {
		return invalid("alarm-state", map[string]string{"status": "metering.error.alarm_state"})
	}
	now := w.now().UTC()
	if err := w.st.moveAlarm(ctx, a.ID, to, now, by); err != nil {
		return err
	}
	if err := w.svc.record(ctx, "alarm."+string(to), "alarm", a.ID, a.TenantID, map[string]any{"kind": a.Kind, "target": a.TargetID}); err != nil {
		return err
	}
	if to == AlarmCleared {
		return w.outbox.Publish(ctx, EventAlarmCleared, a.TenantID, eventOf(a))
	}
	return nil
}

// Acknowledge records that an official has taken the alarm on.
func (w *Watch) Acknowledge(ctx context.Context, a *auth.Actor, muniID, id string) error {
	return w.transition(ctx, a, muniID, id, AlarmAcknowledged)
}

// Clear closes an alarm by hand; a detector that still finds the
// condition raises a new one on its next run.
func (w *Watch) Clear(ctx context.Context, a *auth.Actor, muniID, id string) error {
	return w.transition(ctx, a, muniID, id, AlarmCleared)
}

func (w *Watch) transition(ctx context.Context, a *auth.Actor, muniID, id string, to AlarmStatus) error {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return err
	}
	return w.db.InTx(auth.With(ctx, a), func(ctx context.Context) error {
		al, err := w.st.alarm(ctx, m.ID, id)
		if err != nil {
			return err
		}
		return w.move(ctx, al, to, a.ID)
	})
}

// Alarms lists a municipality's alarms, open ones only when open is set,
// newest first, to its staff.
func (w *Watch) Alarms(ctx context.Context, a *auth.Actor, muniID string, open bool, limit int) ([]Alarm, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	return w.st.alarms(ctx, m.ID, open, limit)
}

// Alarm returns one alarm to the municipality's staff.
func (w *Watch) Alarm(ctx context.Context, a *auth.Actor, muniID, id string) (Alarm, error) {
	m, err := w.svc.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Alarm{}, err
	}
	return w.st.alarm(ctx, m.ID, id)
}

// Run runs every detector over every municipality with a metering
// network each interval, until ctx ends; failures are logged and
// retried on the next round.
func (w *Watch) Run(ctx context.Context, interval time.Duration) {
	tick.Every(ctx, interval, true, func(ctx context.Context) {
		tenants, err := w.st.strings(ctx, `SELECT DISTINCT tenant_id FROM metering_networks ORDER BY tenant_id`)
		if err != nil {
			w.log.Error("metering detectors", "err", err)
		}
		for _, tenant := range tenants {
			if rep, err := w.Detect(ctx, tenant); err != nil {
				w.log.Error("metering detectors", "tenant", tenant, "err", err)
			} else if rep != (Report{}) {
				w.log.Info("metering detectors", "tenant", tenant, "raised", rep.Raised, "cleared", rep.Cleared,
					"outages_opened", rep.OutagesOpened, "outages_ended", rep.OutagesEnd)
			}
		}
	})
}
