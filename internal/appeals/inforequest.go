package appeals

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// The information request steps (59-FZ art. 10 p. 2): the official asks
// another body for what the answer needs, which must come within 15 days;
// its arrival stops that clock. Neither changes the item's state: the
// answer clock runs on (only an extension moves it, art. 12 p. 2).
const (
	ActInfoRequest  Action = "info_request"
	ActInfoReceived Action = "info_received"
)

// InfoRequest is one request for information sent to another body.
type InfoRequest struct {
	ID          string     `json:"id"`
	Body        string     `json:"body"`    // the body asked
	Subject     string     `json:"subject"` // what was asked
	RequestedAt time.Time  `json:"requested_at"`
	Due         time.Time  `json:"due"`
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	Result      string     `json:"result,omitempty"` // what came back, in short
}

// Received is when the answer came; zero while awaited.
func (r InfoRequest) Received() time.Time {
	if r.ReceivedAt == nil {
		return time.Time{}
	}
	return *r.ReceivedAt
}

// RequestInfo records a request for information to another body on an
// appeal and starts its 15-day clock. One request runs at a time.
func (s *Service) RequestInfo(ctx context.Context, id, body, subject string) (Appeal, error) {
	return s.step(ctx, id, ActInfoRequest, func(a *Appeal, w *stepWork) error {
		if _, open := openClock(*a, ClockInfo); open {
			return fault.New(ErrConflict, "appeal-info-open", "appeals.error.info_open")
		}
		body, subject = strings.TrimSpace(body), strings.TrimSpace(subject)
		bad := checkNote("subject", subject, true)
		if n := utf8.RuneCountInString(body); n < 2 || n > MaxName || !printable(body) {
			bad = withField(bad, "body", "appeals.body.invalid")
		}
		if len(bad) > 0 {
			return invalid("info-request-invalid", bad)
		}
		due := s.clocks.Due(RuleInfo, w.now, w.loc)
		req := InfoRequest{ID: db.NewID(), Body: body, Subject: subject, RequestedAt: w.now, Due: due.At}
		w.start = []Due{due}
		w.note = body + ": " + subject
		w.detail["body"], w.detail["due"] = body, due.At
		w.also = append(w.also, func(ctx context.Context) error { return s.st.addInfoRequest(ctx, a.ID, req) })
		return nil
	})
}

// ReceiveInfo records that the requested information came and stops the
// clock.
func (s *Service) ReceiveInfo(ctx context.Context, id, result string) (Appeal, error) {
	return s.step(ctx, id, ActInfoReceived, func(a *Appeal, w *stepWork) error {
		if _, open := openClock(*a, ClockInfo); !open {
			return fault.New(ErrConflict, "appeal-info-none", "appeals.error.info_none")
		}
		if bad := checkNote("result", result, false); bad != nil {
			return invalid("info-received-invalid", bad)
		}
		result = strings.TrimSpace(result)
		w.stop, w.note = []Clock{ClockInfo}, result
		w.also = append(w.also, func(ctx context.Context) error { return s.st.receiveInfo(ctx, a.ID, result, w.now) })
		return nil
	})
}

// InfoRequests lists an item's requests for information, oldest first,
// to whoever may read the item.
func (s *Service) InfoRequests(ctx context.Context, id string) ([]InfoRequest, error) {
	if _, err := s.Appeal(ctx, id); err != nil {
		return nil, err
	}
	return s.st.infoRequests(ctx, id)
}

func (s *store) addInfoRequest(ctx context.Context, appealID string, r InfoRequest) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_info_requests (id, appeal_id, body, subject, requested_ms,
		due_ms) VALUES ($1, $2, $3, $4, $5, $6)`, r.ID, appealID, r.Body, r.Subject, db.Millis(r.RequestedAt), db.Millis(r.Due))
	return err
}

func (s *store) receiveInfo(ctx context.Context, appealID, result string, at time.Time) error {
	res, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals_info_requests SET received_ms = $1, result = $2
		WHERE appeal_id = $3 AND received_ms IS NULL`, db.Millis(at), result, appealID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(err, fault.New(ErrConflict, "appeal-info-none", "appeals.error.info_none"))
	}
	return nil
}

func (s *store) infoRequests(ctx context.Context, appealID string) ([]InfoRequest, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT id, body, subject, requested_ms, due_ms, received_ms, result
		FROM appeals_info_requests WHERE appeal_id = $1 ORDER BY requested_ms, id`, appealID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []InfoRequest{}
	for rows.Next() {
		var r InfoRequest
		var req, due int64
		var got sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Body, &r.Subject, &req, &due, &got, &r.Result); err != nil {
			return nil, err
		}
		r.RequestedAt, r.Due = db.Time(req), db.Time(due)
		r.ReceivedAt = db.TimePtr(got)
		out = append(out, r)
	}
	return out, rows.Err()
}

// offered tells whether a step the state machine allows makes sense for
// the item now: routing only out of triage, an information request only
// while none runs, its arrival only while one does.
func (s *Service) offered(ctx context.Context, a Appeal, act Action) bool {
	_, infoOpen := openClock(a, ClockInfo)
	switch act {
	case ActInfoRequest:
		return !infoOpen
	case ActInfoReceived:
		return infoOpen
	case ActRoute:
		reason, err := s.st.openTriage(ctx, a.ID)
		return err == nil && reason != ""
	}
	return true
}
