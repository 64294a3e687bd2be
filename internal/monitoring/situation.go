package monitoring

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// Tile names, as the pages and the JSON know them.
const (
	TileAppeals       = "appeals"
	TileAlarms        = "alarms"
	TileOutages       = "outages"
	TileRoadWorks     = "roadworks"
	TileParticipation = "participation"
	TileServices      = "services"
	TileTransport     = "transport"
	TileDistricts     = "districts"
)

// Situation is the officials' one screen across domains at a moment. A
// tile whose source is not wired is listed in Off; one whose source
// failed is listed in Failed (the failure is logged), so the screen
// still shows the rest.
type Situation struct {
	Municipality  Municipality     `json:"-"`
	Slug          string           `json:"municipality"`
	At            time.Time        `json:"at"`
	Generation    uint64           `json:"generation"`
	Appeals       *AppealSituation `json:"appeals,omitempty"`
	Alarms        []Alarm          `json:"alarms"`
	Outages       []Notice         `json:"outages"`
	RoadWorks     []Notice         `json:"roadworks"`
	Participation []Activity       `json:"participation"`
	Services      *ServiceFigures  `json:"services,omitempty"`
	Transport     *Punctuality     `json:"transport,omitempty"`
	Off           []string         `json:"not_connected"`
	Failed        []string         `json:"failed"`
}

// Situation gathers the screen for the municipality at slug, for its
// staff (an operator or higher over it).
func (s *Service) Situation(ctx context.Context, slug string) (Situation, error) {
	m, err := s.staff(ctx, slug, auth.RoleOperator)
	if err != nil {
		return Situation{}, err
	}
	now := s.now()
	// The counter is read first: a change committed while the tiles are
	// read makes the next poll see a newer generation and read again.
	st := Situation{Municipality: m, Slug: m.Slug, At: now.UTC(), Generation: s.db.Generation(),
		Alarms: []Alarm{}, Outages: []Notice{}, RoadWorks: []Notice{}, Participation: []Activity{}, Off: []string{}, Failed: []string{}}
	g := gather{s: s, off: &st.Off, failed: &st.Failed}
	if g.on(TileAppeals, s.src.Appeals != nil) {
		a, err := s.src.Appeals.Situation(ctx, m.ID)
		if g.ok(TileAppeals, err) {
			st.Appeals = &a
		}
	}
	if g.on(TileAlarms, s.src.Alarms != nil) {
		a, err := s.src.Alarms.Alarms(ctx, m.ID)
		if g.ok(TileAlarms, err) {
			st.Alarms = a
		}
	}
	st.Outages = g.notices(ctx, TileOutages, s.src.Notices, m.ID, now)
	st.RoadWorks = g.notices(ctx, TileRoadWorks, s.src.RoadWorks, m.ID, now)
	if g.on(TileParticipation, s.src.Participation != nil) {
		a, err := s.src.Participation.Activities(ctx, m.ID, now)
		if g.ok(TileParticipation, err) {
			st.Participation = a
		}
	}
	if g.on(TileServices, s.src.Services != nil) {
		f, err := s.src.Services.Overdue(ctx, m.ID)
		if g.ok(TileServices, err) {
			st.Services = &f
		}
	}
	if g.on(TileTransport, s.src.Transport != nil) {
		from := startOfDay(now, zoneOf(m))
		p, err := s.punctuality(ctx, m, from, now, true)
		if g.ok(TileTransport, err) {
			st.Transport = &p
		}
	}
	return st, nil
}

// gather collects the tiles: off lists unwired sources, failed the ones
// that answered with an error.
type gather struct {
	s           *Service
	off, failed *[]string
}

func (g gather) on(tile string, wired bool) bool {
	if !wired {
		*g.off = append(*g.off, tile)
	}
	return wired
}

func (g gather) ok(tile string, err error) bool {
	if err != nil {
		g.s.log.Warn("monitoring: tile failed", "tile", tile, "err", err)
		*g.failed = append(*g.failed, tile)
		return false
	}
	return true
}

func (g gather) notices(ctx context.Context, tile string, src Notices, muniID string, now time.Time) []Notice {
	if !g.on(tile, src != nil) {
		return []Notice{}
	}
	ns, err := src.Notices(ctx, muniID, now)
	if !g.ok(tile, err) || ns == nil {
		return []Notice{}
	}
	return ns
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// NowDays is how far back the public page counts issue reports.
const NowDays = 30

// Now is the public "what is happening" page of a municipality.
type Now struct {
	Municipality  Municipality
	At            time.Time
	Outages       []Notice // on now
	Planned       []Notice // announced, not started
	RoadWorks     []Notice
	Districts     []DistrictCount
	Figures       *AppealFigures // the last NowDays days
	StatsURL      string
	Participation []Activity
	Transport     *Punctuality // today so far
	Off           []string
	Failed        []string
}

// Now gathers the public page of the municipality at slug: nothing on
// it names a person.
func (s *Service) Now(ctx context.Context, slug, lang string) (Now, error) {
	m, err := s.Municipality(ctx, slug)
	if err != nil {
		return Now{}, err
	}
	now := s.now()
	n := Now{Municipality: m, At: now}
	g := gather{s: s, off: &n.Off, failed: &n.Failed}
	for _, x := range g.notices(ctx, TileOutages, s.src.Notices, m.ID, now) {
		if x.Active {
			n.Outages = append(n.Outages, x)
		} else {
			n.Planned = append(n.Planned, x)
		}
	}
	n.RoadWorks = g.notices(ctx, TileRoadWorks, s.src.RoadWorks, m.ID, now)
	if g.on(TileDistricts, s.src.Appeals != nil) {
		since := now.AddDate(0, 0, -NowDays)
		ds, err := s.src.Appeals.Districts(ctx, m.ID, lang, since)
		if g.ok(TileDistricts, err) {
			n.Districts = ds
		}
		f, err := s.src.Appeals.Figures(ctx, m.ID, since, now)
		if g.ok(TileAppeals, err) {
			n.Figures = &f
		}
		n.StatsURL = s.src.Appeals.StatsURL(m.Slug)
	}
	if g.on(TileParticipation, s.src.Participation != nil) {
		a, err := s.src.Participation.Activities(ctx, m.ID, now)
		if g.ok(TileParticipation, err) {
			n.Participation = a
		}
	}
	if g.on(TileTransport, s.src.Transport != nil) {
		p, err := s.punctuality(ctx, m, startOfDay(now, zoneOf(m)), now, false)
		if g.ok(TileTransport, err) {
			n.Transport = &p
		}
	}
	return n, nil
}
