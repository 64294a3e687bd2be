package transport

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Traffic impacts of road works.
const (
	ImpactLaneClosed = "lane_closed"
	ImpactDetour     = "detour"
	ImpactRoadClosed = "road_closed"
)

// Impacts lists the impacts, mildest first.
func Impacts() []string { return []string{ImpactLaneClosed, ImpactDetour, ImpactRoadClosed} }

// Road works statuses. Whether scheduled works are current or planned
// follows from their period.
const (
	WorksScheduled = "scheduled"
	WorksSuspended = "suspended"
	WorksCompleted = "completed"
	WorksCancelled = "cancelled"
)

// WorksStatuses lists the statuses.
func WorksStatuses() []string {
	return []string{WorksScheduled, WorksSuspended, WorksCompleted, WorksCancelled}
}

// Phases of road works at a moment, as residents see them.
const (
	PhaseCurrent = "current"
	PhasePlanned = "planned"
	PhaseOver    = "over"
)

// RoadWork is one entry of the road works registry.
type RoadWork struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"-"`
	Title      string    `json:"title"`
	Contractor string    `json:"contractor"`
	Geometry   Geometry  `json:"geometry"`
	Starts     time.Time `json:"starts"`
	Ends       time.Time `json:"ends"`
	Impact     string    `json:"impact"`
	Status     string    `json:"status"`
	Detour     string    `json:"detour,omitempty"`
	CreatedAt  time.Time `json:"-"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Phase is whether the works are current, planned or over at t: works
// completed or cancelled are over whatever their period says.
func (w RoadWork) Phase(t time.Time) string {
	switch {
	case w.Status == WorksCompleted || w.Status == WorksCancelled || !t.Before(w.Ends):
		return PhaseOver
	case t.Before(w.Starts):
		return PhasePlanned
	}
	return PhaseCurrent
}

// WorkInput describes road works; times are absolute.
type WorkInput struct {
	Title      string          `json:"title"`
	Contractor string          `json:"contractor"`
	Geometry   json.RawMessage `json:"geometry"`
	Starts     time.Time       `json:"starts"`
	Ends       time.Time       `json:"ends"`
	Impact     string          `json:"impact"`
	Status     string          `json:"status"`
	Detour     string          `json:"detour"`
}

// maxWorksDays bounds a period: longer works are entered in stages.
const maxWorksDays = 3 * 366

func (in WorkInput) check() (RoadWork, error) {
	if in.Status == "" {
		in.Status = WorksScheduled
	}
	f := fieldErrs{}
	f.check(textValid(in.Title, 200), "title", "transport.works.error.title")
	f.check(textValid(in.Contractor, 200), "contractor", "transport.works.error.contractor")
	g, ok := parseGeometry(in.Geometry, GeoPoint, GeoLine, GeoPolygon)
	f.check(ok, "geometry", "transport.works.error.geometry")
	f.check(!in.Starts.IsZero(), "starts", "transport.works.error.starts")
	f.check(!in.Ends.IsZero(), "ends", "transport.works.error.ends")
	if !in.Starts.IsZero() && !in.Ends.IsZero() {
		f.check(in.Ends.After(in.Starts) && in.Ends.Sub(in.Starts) <= maxWorksDays*24*time.Hour, "ends", "transport.works.error.period")
	}
	f.check(slices.Contains(Impacts(), in.Impact), "impact", "transport.works.error.impact")
	f.check(slices.Contains(WorksStatuses(), in.Status), "status", "transport.works.error.status")
	f.check(len([]rune(in.Detour)) <= 1000, "detour", "transport.works.error.detour")
	if in.Impact == ImpactDetour || in.Impact == ImpactRoadClosed {
		f.check(strings.TrimSpace(in.Detour) != "", "detour", "transport.works.error.detour_needed")
	}
	if len(f) > 0 {
		return RoadWork{}, invalidFields("transport-works-invalid", f)
	}
	return RoadWork{Title: strings.TrimSpace(in.Title), Contractor: strings.TrimSpace(in.Contractor), Geometry: g,
		Starts: in.Starts.UTC().Truncate(time.Minute), Ends: in.Ends.UTC().Truncate(time.Minute), Impact: in.Impact, Status: in.Status,
		Detour: strings.TrimSpace(in.Detour)}, nil
}

func (w RoadWork) detail() map[string]any {
	return map[string]any{"title": w.Title, "contractor": w.Contractor, "starts": w.Starts, "ends": w.Ends,
		"impact": w.Impact, "status": w.Status, "geometry": w.Geometry.Type}
}

// CreateWork adds road works to the registry.
func (t *Traffic) CreateWork(ctx context.Context, municipalityID string, in WorkInput) (RoadWork, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return RoadWork{}, err
	}
	w, err := in.check()
	if err != nil {
		return w, err
	}
	now := t.now().UTC().Truncate(time.Millisecond)
	w.ID, w.TenantID, w.CreatedAt, w.UpdatedAt = db.NewID(), m.ID, now, now
	err = t.db.InTx(ctx, func(ctx context.Context) error {
		if err := t.st.insertWork(ctx, w); err != nil {
			return err
		}
		return t.audit.Record(ctx, audit.Entry{Action: "transport.works_created", ObjectType: "transport_road_works", ObjectID: w.ID,
			TenantID: m.ID, Detail: w.detail()})
	})
	return w, err
}

// UpdateWork replaces the works' description (a changed period or
// status included).
func (t *Traffic) UpdateWork(ctx context.Context, municipalityID, id string, in WorkInput) (RoadWork, error) {
	m, err := t.manage(ctx, municipalityID)
	if err != nil {
		return RoadWork{}, err
	}
	w, err := in.check()
	if err != nil {
		return w, err
	}
	err = t.db.InTx(ctx, func(ctx context.Context) error {
		old, err := t.st.work(ctx, m.ID, id)
		if err != nil {
			return err
		}
		w.ID, w.TenantID, w.CreatedAt, w.UpdatedAt = old.ID, m.ID, old.CreatedAt, t.now().UTC().Truncate(time.Millisecond)
		if err := t.st.updateWork(ctx, w); err != nil {
			return err
		}
		d := w.detail()
		d["was"] = map[string]any{"status": old.Status, "starts": old.Starts, "ends": old.Ends, "impact": old.Impact}
		return t.audit.Record(ctx, audit.Entry{Action: "transport.works_updated", ObjectType: "transport_road_works", ObjectID: w.ID,
			TenantID: m.ID, Detail: d})
	})
	return w, err
}

// Work returns one entry of the registry; cancelled works exist only for
// those who manage them.
func (t *Traffic) Work(ctx context.Context, m Municipality, id string) (RoadWork, error) {
	w, err := t.st.work(ctx, m.ID, id)
	if err == nil && w.Status == WorksCancelled && !t.CanManage(ctx, m) {
		return RoadWork{}, notFound()
	}
	return w, err
}

// WorksList is the registry as residents read it at a moment.
type WorksList struct {
	Municipality Municipality
	At           time.Time
	Current      []RoadWork
	Planned      []RoadWork
	// Other is, for those who manage the registry, works that are over or
	// cancelled in the last 90 days.
	Other     []RoadWork
	CanManage bool
}

// pastDays is how far back the officials' list reaches.
const pastDays = 90

// Works lists the municipality's current and planned works at at (and,
// for officials, the recent others).
func (t *Traffic) Works(ctx context.Context, m Municipality, at time.Time) (WorksList, error) {
	l := WorksList{Municipality: m, At: at, CanManage: t.CanManage(ctx, m)}
	from := at
	if l.CanManage {
		from = at.AddDate(0, 0, -pastDays)
	}
	ws, err := t.st.works(ctx, m.ID, from)
	if err != nil {
		return l, err
	}
	for _, w := range ws {
		switch w.Phase(at) {
		case PhaseCurrent:
			l.Current = append(l.Current, w)
		case PhasePlanned:
			l.Planned = append(l.Planned, w)
		default:
			if l.CanManage {
				l.Other = append(l.Other, w)
			}
		}
	}
	return l, nil
}

// CurrentWorks are the works going on at at in the municipality, for
// other domains (what is happening in the town now).
func (t *Traffic) CurrentWorks(ctx context.Context, municipalityID string, at time.Time) ([]RoadWork, error) {
	ws, err := t.st.works(ctx, municipalityID, at)
	if err != nil {
		return nil, err
	}
	var out []RoadWork
	for _, w := range ws {
		if w.Phase(at) == PhaseCurrent {
			out = append(out, w)
		}
	}
	return out, nil
}
