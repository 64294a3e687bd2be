package appeals

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// Notifications follow the appeals' own outbox events: the app subscribes
// an idempotent consumer (events.Subscribe) to each type NotifyEvents
// lists and stores what Notices returns with notify.Notify in the
// consumer's transaction. So a notification exists once per committed
// change, whatever the bus redelivers; the official's step never waits
// for it nor fails because of it; and a failed notification is retried
// by the bus on its own, on any instance.

// authorTold are the steps whose author hears of them. Assignment and
// the start of work are internal routing: telling the resident of each
// would be noise.
var authorTold = []Action{ActRegister, ActRedirect, ActAnswer, ActFix, ActCloseNotFixed, ActReturn, ActExtend,
	ActNoAnswer, ActReopen, "info_request"}

// EventEscalated is the event of a clock crossing an escalation level.
const EventEscalated = "appeal.escalated"

// NotifyEvents lists the event types Notices turns into notifications.
func NotifyEvents() []string {
	out := []string{EventEscalated}
	for _, act := range authorTold {
		if t := pastTense(act); t != "" {
			out = append(out, "appeal."+t)
		}
	}
	return out
}

// Notices says who is told what about event e: the author of the item
// about a step of its workflow (nobody for an anonymous item), the heads
// of its department about an escalation.
func (s *Service) Notices(ctx context.Context, e events.Event) ([]notify.Notice, error) {
	if e.Type == EventEscalated {
		return s.escalationNotices(ctx, e)
	}
	var ev event
	if err := json.Unmarshal(e.Payload, &ev); err != nil {
		return nil, fmt.Errorf("appeals: notice of %s %s: %w", e.Type, e.ID, err)
	}
	if ev.AuthorID == "" || !told(ev.Action) {
		return nil, nil
	}
	return []notify.Notice{{UserID: ev.AuthorID, TenantID: ev.TenantID, Kind: "appeal." + string(ev.Action),
		Key: "appeals.notify." + string(ev.Action), Args: map[string]string{"regime": string(ev.Regime)},
		Link: "/appeals/" + ev.ID}}, nil
}

func told(act Action) bool {
	for _, a := range authorTold {
		if a == act {
			return true
		}
	}
	return false
}

// escalationNotices tells the heads of the item's department — or, when
// it has none yet or the department has no head, the municipality's
// administrators — that a clock crossed a level.
func (s *Service) escalationNotices(ctx context.Context, e events.Event) ([]notify.Notice, error) {
	var esc Escalation
	if err := json.Unmarshal(e.Payload, &esc); err != nil {
		return nil, fmt.Errorf("appeals: notice of %s %s: %w", e.Type, e.ID, err)
	}
	if s.staff == nil {
		return nil, nil
	}
	m, err := s.municipality(ctx, esc.TenantID)
	if err != nil {
		return nil, err
	}
	loc, err := zone(m)
	if err != nil {
		return nil, err
	}
	heads, err := s.heads(ctx, m.Path, esc.DepartmentID)
	if err != nil {
		return nil, err
	}
	args := map[string]string{"level": strconv.Itoa(esc.Level), "basis": esc.Basis, "clock": string(esc.Clock),
		"due": esc.Due.In(loc).Format("02.01.2006 15:04")}
	out := make([]notify.Notice, 0, len(heads))
	for _, h := range heads {
		out = append(out, notify.Notice{UserID: h.ID, TenantID: esc.TenantID, Kind: EventEscalated,
			Key: escalationKey(esc.Level), Args: args, Link: "/appeals/" + esc.ID})
	}
	return out, nil
}

// escalationKey words the alert by how far the clock has gone.
func escalationKey(level int) string {
	if level >= 100 {
		return "appeals.notify.escalated.overdue"
	}
	return "appeals.notify.escalated"
}

// heads are the department heads over departmentID, else the
// municipality's administrators.
func (s *Service) heads(ctx context.Context, path, departmentID string) ([]Person, error) {
	pick := func(role auth.Role, dep string) ([]Person, error) {
		ps, err := s.staff.Staff(ctx, path, dep, role)
		var out []Person
		for _, p := range ps {
			if p.Role == role {
				out = append(out, p)
			}
		}
		return out, err
	}
	if departmentID != "" {
		hs, err := pick(auth.RoleDepartmentHead, departmentID)
		if err != nil || len(hs) > 0 {
			return hs, err
		}
	}
	return pick(auth.RoleMunicipalAdmin, "")
}
