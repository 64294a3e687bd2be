package monitoring

import (
	"context"
	"time"
)

// The other domains' data reach monitoring through these small
// interfaces; the app adapts each domain. A nil source is "not
// connected" and its tile says so.

// Point is a place on a map: what, where, and the page it links to.
type Point struct {
	Kind    string  `json:"kind"` // appeal, outage, stop, vehicle, works
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Name    string  `json:"name,omitempty"`
	URL     string  `json:"url,omitempty"`
	Overdue bool    `json:"overdue,omitempty"`
}

// Notice is an interruption or works announced to residents.
type Notice struct {
	Kind    string     `json:"kind"` // outage, planned, roadworks
	Service string     `json:"service,omitempty"`
	Title   string     `json:"title"`
	Starts  time.Time  `json:"starts"`
	Ends    *time.Time `json:"ends,omitempty"`
	Active  bool       `json:"active"`
	URL     string     `json:"url"`
	Points  []Point    `json:"points,omitempty"`
}

// Notices are the public outage and planned-works notices of a
// municipality on now or announced (metering).
type Notices interface {
	Notices(ctx context.Context, muniID string, now time.Time) ([]Notice, error)
}

// AppealSituation is a municipality's appeals at a moment (staff view).
type AppealSituation struct {
	Open    int     `json:"open"`
	Overdue int     `json:"overdue"`
	Today   int     `json:"today"`
	Points  []Point `json:"points"`
	URL     string  `json:"url"`
}

// DistrictCount is the public count of issue reports in one district.
type DistrictCount struct {
	Name  string `json:"name"` // empty: outside every district or without a place
	Open  int    `json:"open"`
	Total int    `json:"total"`
}

// AppealFigures are the statistics of appeals received in a period.
type AppealFigures struct {
	Received     int
	MedianAnswer float64 // days; -1 when nothing was answered
	MedianFix    float64 // days; -1 when nothing was fixed
	OverdueShare float64 // 0–1
}

// Appeals reads the appeals domain.
type Appeals interface {
	// Situation is for staff: ctx carries the actor.
	Situation(ctx context.Context, muniID string) (AppealSituation, error)
	// Districts counts public reports since a moment, per district.
	Districts(ctx context.Context, muniID, lang string, since time.Time) ([]DistrictCount, error)
	// Figures are public aggregates of the items received in [from, to).
	Figures(ctx context.Context, muniID string, from, to time.Time) (AppealFigures, error)
	// StatsURL is the public statistics page.
	StatsURL(slug string) string
}

// Alarm is an open technical alarm (meters, networks), for staff.
type Alarm struct {
	Title    string    `json:"title"` // kind and target in the reader's language, set by the handler
	Kind     string    `json:"kind"`
	Target   string    `json:"target"`
	Severity string    `json:"severity"`
	Since    time.Time `json:"since"`
	Acked    bool      `json:"acknowledged"`
	URL      string    `json:"url"`
}

// Alarms reads the open alarms; ctx carries the actor.
type Alarms interface {
	Alarms(ctx context.Context, muniID string) ([]Alarm, error)
}

// Activity is a participation process, poll or initiative under way.
type Activity struct {
	Kind  string     `json:"kind"` // process, initiative
	Title string     `json:"title"`
	Phase string     `json:"phase,omitempty"`
	Ends  *time.Time `json:"ends,omitempty"`
	URL   string     `json:"url"`
}

// Participation reads what residents can take part in now.
type Participation interface {
	Activities(ctx context.Context, muniID string, now time.Time) ([]Activity, error)
}

// Punctuality is public transport's service quality over a span.
type Punctuality struct {
	Observed  int     `json:"observed"`  // stop events seen
	OnTime    int     `json:"on_time"`   // of them within −1/+5 min
	Scheduled int     `json:"scheduled"` // trips due
	Missed    int     `json:"missed"`    // cancelled or never seen
	Vehicles  int     `json:"vehicles"`  // reporting now
	URL       string  `json:"url"`
	Points    []Point `json:"points,omitempty"` // stops and vehicles
}

// OnTimeShare is OnTime / Observed, -1 without observations.
func (p Punctuality) OnTimeShare() float64 {
	if p.Observed == 0 {
		return -1
	}
	return float64(p.OnTime) / float64(p.Observed)
}

// Transport reads the transport domain: punctuality over [from, to)
// and, with withMap, the stops and vehicles.
type Transport interface {
	Punctuality(ctx context.Context, muniID string, from, to time.Time, withMap bool) (Punctuality, error)
}

// ServiceFigures are municipal service applications at a moment.
type ServiceFigures struct {
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
	URL     string `json:"url"`
}

// Services reads the municipal services domain; ctx carries the actor.
type Services interface {
	Overdue(ctx context.Context, muniID string) (ServiceFigures, error)
}

// Losses reads network losses of one resource (water, heat, power,
// gas) over [from, to) in per cent of the zones' input; ok is false when
// no zone of that resource has metered input.
type Losses interface {
	Losses(ctx context.Context, muniID, resource string, from, to time.Time) (percent float64, ok bool, err error)
}

// Sources are the domains monitoring reads; any may be nil.
type Sources struct {
	Appeals       Appeals
	Notices       Notices
	RoadWorks     Notices // transport's road works registry, when it is wired
	Alarms        Alarms
	Participation Participation
	Transport     Transport
	Services      Services
	Losses        Losses
	CentreAccess  CentreAccess
}

// CentreAccess measures Decree 607's item 7 from the timetable (transport):
// the share of the population living in settlements without regular
// bus service to the municipal centre, in the week around at; ok is
// false when the municipality has no timetable to measure.
type CentreAccess interface {
	UnservedShare(ctx context.Context, muniID string, at time.Time) (share float64, ok bool, err error)
}
