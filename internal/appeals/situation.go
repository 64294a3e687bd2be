package appeals

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// SituationPoints bounds how many open items the situation map shows.
const SituationPoints = 500

// Situation is a municipality's appeals at a moment, for the officials'
// situation centre: counts, and the open items' places without people.
type Situation struct {
	Open    int              `json:"open"`
	Overdue int              `json:"overdue"` // open with a clock past due
	Today   int              `json:"today"`   // received since local midnight
	Points  []SituationPoint `json:"points"`
}

// SituationPoint is one open item on the map: where, since when, late or
// not — no text, no author.
type SituationPoint struct {
	ID         string    `json:"id"`
	Regime     Regime    `json:"regime"`
	CategoryID string    `json:"category_id"`
	Lat        float64   `json:"lat"`
	Lon        float64   `json:"lon"`
	ReceivedAt time.Time `json:"received_at"`
	Overdue    bool      `json:"overdue"`
}

const closedStates = "('answered', 'fixed', 'closed_not_fixed', 'redirected', 'returned', 'no_answer')"

// openStates are the states that are not closed, spelled out in the
// situation's query so the (tenant_id, state) index serves it.
func openStates() []string {
	var out []string
	for _, st := range States() {
		if !st.Closed() {
			out = append(out, "'"+string(st)+"'")
		}
	}
	return out
}

// Situation counts the municipality's open and overdue items and lists
// the newest open ones that have a point, for its staff (an operator or
// higher over the municipality).
func (s *Service) Situation(ctx context.Context, tenantID string) (Situation, error) {
	who, err := actor(ctx)
	if err != nil {
		return Situation{}, err
	}
	m, err := s.municipality(ctx, tenantID)
	if err != nil {
		return Situation{}, err
	}
	if !who.Can(auth.RoleOperator, m.Path) {
		return Situation{}, ErrForbidden
	}
	loc, err := zone(m)
	if err != nil {
		return Situation{}, err
	}
	now := s.now()
	y, mo, d := now.In(loc).Date()
	return s.st.situation(ctx, tenantID, now, time.Date(y, mo, d, 0, 0, 0, 0, loc))
}

// situation reads the tenant's open items, newest first, and the ids of
// those with a clock past due (from the partial index of running
// clocks), in two queries: the counts come from all of them, the points
// from the newest that have one.
func (s *store) situation(ctx context.Context, tenantID string, now, midnight time.Time) (Situation, error) {
	open := `SELECT a.id FROM appeals a WHERE a.tenant_id = $1 AND a.state IN (` + strings.Join(openStates(), ", ") + `)`
	late := map[string]bool{}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT DISTINCT o.appeal_id FROM appeals_deadlines o
		WHERE o.closed_ms IS NULL AND o.due_ms < $2 AND o.appeal_id IN (`+open+`)`, tenantID, db.Millis(now))
	if err != nil {
		return Situation{}, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return Situation{}, err
		}
		late[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Situation{}, err
	}
	rows, err = s.db.R(ctx).QueryContext(ctx, `SELECT a.id, a.regime, a.category_id, a.lat, a.lon, a.received_ms
		FROM appeals a WHERE a.tenant_id = $1 AND a.state IN (`+strings.Join(openStates(), ", ")+`)
		ORDER BY a.received_ms DESC, a.id DESC`, tenantID)
	if err != nil {
		return Situation{}, err
	}
	defer rows.Close()
	out := Situation{Points: []SituationPoint{}}
	today := db.Millis(midnight)
	for rows.Next() {
		var p SituationPoint
		var lat, lon *float64
		var ms int64
		if err := rows.Scan(&p.ID, &p.Regime, &p.CategoryID, &lat, &lon, &ms); err != nil {
			return out, err
		}
		p.Overdue = late[p.ID]
		out.Open++
		if p.Overdue {
			out.Overdue++
		}
		if ms >= today {
			out.Today++
		}
		if lat != nil && lon != nil && len(out.Points) < SituationPoints {
			p.Lat, p.Lon, p.ReceivedAt = *lat, *lon, db.Time(ms)
			out.Points = append(out.Points, p)
		}
	}
	return out, rows.Err()
}

// PeriodStats are the municipality's statistics of the items received
// within [from, to): the same figures, by the same rules, as the public
// statistics' total row (8-FZ), for a reporting period.
func (s *Service) PeriodStats(ctx context.Context, tenantID string, from, to time.Time) (StatsRow, error) {
	if _, err := s.municipality(ctx, tenantID); err != nil {
		return StatsRow{}, err
	}
	items, err := s.st.statItems(ctx, tenantID, from, to.Add(-time.Millisecond))
	if err != nil {
		return StatsRow{}, err
	}
	return statsRow("", items), nil
}

// DistrictCount is how many public issue reports a district holds.
type DistrictCount struct {
	ID, Name, NameEN string
	Open, Total      int
}

// DistrictCounts counts the municipality's public issue reports received
// since since, per district their point lies in (those outside every
// district, or without a point, under an empty id), open and in all.
// The counts are public: no text, no people.
func (s *Service) DistrictCounts(ctx context.Context, tenantID string, since time.Time) ([]DistrictCount, error) {
	if _, err := s.municipality(ctx, tenantID); err != nil {
		return nil, err
	}
	ds, err := s.districts(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT a.lat, a.lon, a.state NOT IN `+closedStates+`
		FROM appeals a WHERE a.tenant_id = $1 AND a.regime = $2 AND a.received_ms >= $3 AND `+publicClause,
		tenantID, RegimeReport, db.Millis(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]DistrictCount, len(ds)+1)
	at := map[string]int{"": len(ds)}
	for i, d := range ds {
		out[i] = DistrictCount{ID: d.ID, Name: d.Name, NameEN: d.NameEN}
		at[d.ID] = i
	}
	for rows.Next() {
		var lat, lon *float64
		var open bool
		if err := rows.Scan(&lat, &lon, &open); err != nil {
			return nil, err
		}
		id := ""
		if lat != nil && lon != nil {
			id, _ = Locate(Point{Lat: *lat, Lon: *lon}, ds)
		}
		c := &out[at[id]]
		c.Total++
		if open {
			c.Open++
		}
	}
	return out, rows.Err()
}
