package services

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/events"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// Notifications follow the applications' outbox events: the app
// subscribes an idempotent consumer to each type NotifyEvents lists and
// stores what Notices returns in the consumer's transaction, as appeals
// does. The applicant hears of every step but the ones they take.
var applicantTold = []Action{ActSubmit, ActAccept, ActRequest, ActApprove, ActRefuse}

// NotifyEvents lists the event types Notices turns into notifications.
func NotifyEvents() []string {
	out := make([]string, len(applicantTold))
	for i, act := range applicantTold {
		out[i] = eventType(act)
	}
	return out
}

// Notices says what the applicant is told about event e.
func (s *Service) Notices(ctx context.Context, e events.Event) ([]notify.Notice, error) {
	var ev event
	if err := json.Unmarshal(e.Payload, &ev); err != nil {
		return nil, fmt.Errorf("services: notice of %s %s: %w", e.Type, e.ID, err)
	}
	if ev.ApplicantID == "" {
		return nil, nil
	}
	r, err := s.st.app(ctx, ev.ID)
	if err != nil {
		return nil, wrap("notice", err)
	}
	return []notify.Notice{{UserID: ev.ApplicantID, TenantID: ev.TenantID, Kind: "service_application." + string(ev.Action),
		Key: "services.notify." + string(ev.Action), Args: map[string]string{"number": r.Number, "service": r.ServiceName},
		Link: "/services/applications/" + ev.ID}}, nil
}
