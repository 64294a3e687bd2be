package appeals

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

// o311Update is one entry of FixMyStreet's servicerequestupdates
// extension: a step of a report's history.
type o311Update struct {
	XMLName          xml.Name `xml:"request_update" json:"-"`
	UpdateID         string   `xml:"update_id" json:"update_id"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Status           string   `xml:"status" json:"status"`
	UpdatedDatetime  string   `xml:"updated_datetime" json:"updated_datetime"`
	Description      string   `xml:"description" json:"description"`
	MediaURL         string   `xml:"media_url" json:"media_url"`
}

// fmsStatus maps a state onto the extension's status vocabulary.
var fmsStatus = map[State]string{Received: "OPEN", Registered: "OPEN", Assigned: "ACTION_SCHEDULED", InProgress: "IN_PROGRESS",
	Fixed: "FIXED", ClosedNotFixed: "NO_FURTHER_ACTION", Reopened: "REOPEN"}

// reportStep is a history step of a report, for the updates feed.
type reportStep struct {
	AppealID string
	Step
}

// reportSteps lists the history steps of a municipality's reports taken
// within [from, to], oldest first.
func (s *store) reportSteps(ctx context.Context, tenantID string, from, to time.Time, limit int) ([]reportStep, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT h.appeal_id, h.seq, h.action, h.from_state, h.to_state, h.at_ms
		FROM appeals_history h JOIN appeals a ON a.id = h.appeal_id
		WHERE a.tenant_id = $1 AND a.regime = 'report' AND h.at_ms >= $2 AND h.at_ms <= $3
		ORDER BY h.at_ms, h.appeal_id, h.seq LIMIT $4`, tenantID, db.Millis(from), db.Millis(to), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reportStep
	for rows.Next() {
		var r reportStep
		var at int64
		if err := rows.Scan(&r.AppealID, &r.Seq, &r.Action, &r.From, &r.To, &at); err != nil {
			return nil, err
		}
		r.At = db.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// updates serves GET servicerequestupdates.{fmt}: every state change of
// the municipality's reports within start_date–end_date (at most 90 days,
// the last 90 by default), so another 311 system can follow them. Notes
// are not included: the feed is public.
func (h *open311) updates(w http.ResponseWriter, r *http.Request, format string) error {
	m, ok, err := h.jurisdiction(w, r, format)
	if !ok {
		return err
	}
	f, bad := requestFilter(r, nil, h.svc.now())
	if bad != "" {
		return h.fail(w, r, format, http.StatusBadRequest, bad)
	}
	steps, err := h.svc.st.reportSteps(r.Context(), m.ID, f.From, f.To, 1000)
	if err != nil {
		return err
	}
	loc := h.cat.Localizer(web.Lang(r.Context()))
	out := make([]o311Update, 0, len(steps))
	for _, st := range steps {
		status := fmsStatus[st.To]
		if status == "" {
			status = "CLOSED"
		}
		out = append(out, o311Update{UpdateID: st.AppealID + "-" + strconv.Itoa(st.Seq), ServiceRequestID: st.AppealID,
			Status: status, UpdatedDatetime: o311Time(st.At), Description: loc.T("appeals.action." + string(st.Action))})
	}
	return writeO311(w, format, http.StatusOK, "service_request_updates", out)
}
