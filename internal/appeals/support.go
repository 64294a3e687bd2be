package appeals

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// NearbyRadius is how close (in metres) an open report of the same
// category must be for a new one to look like its duplicate.
const NearbyRadius = 150.0

// distance is the great-circle distance between two points, in metres.
func distance(a, b Point) float64 {
	const earth = 6371000.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earth * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Nearby lists the open reports of a category within NearbyRadius of p,
// nearest first, so a resident can support one instead of filing a
// duplicate. They are public information, as on the map.
func (s *Service) Nearby(ctx context.Context, tenantID, categoryID string, p Point) ([]PublicReport, error) {
	if !validPoint(p) || categoryID == "" {
		return nil, nil
	}
	dLat := NearbyRadius / 111320.0
	dLon := dLat / math.Max(math.Cos(p.Lat*math.Pi/180), 0.01)
	items, err := s.st.list(ctx, listQuery{TenantID: tenantID, Regime: RegimeReport, OpenOnly: true, CategoryID: categoryID,
		Box: &box{p.Lat - dLat, p.Lat + dLat, p.Lon - dLon, p.Lon + dLon}, Limit: 50, Public: true})
	if err != nil {
		return nil, err
	}
	var out []PublicReport
	for _, it := range items {
		if it.Point != nil && distance(p, *it.Point) <= NearbyRadius {
			out = append(out, publicOf(it, s.now()))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return distance(p, *out[i].Point) < distance(p, *out[j].Point) })
	return out, nil
}

// Support adds the signed-in person's "me too" to an open report: counted
// once per person, it raises the report's priority in the work queue.
func (s *Service) Support(ctx context.Context, id string) (Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return Appeal{}, err
	}
	if who.Kind != auth.User {
		return Appeal{}, ErrForbidden
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if a.Regime != RegimeReport { // formal appeals are private
		return Appeal{}, ErrNotFound
	}
	if a.State.Closed() || isAuthor(who, a) {
		return Appeal{}, fault.New(ErrConflict, "appeal-support", "appeals.error.support")
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		added, err := s.st.addSupport(ctx, a.ID, who.ID, s.now())
		if err != nil || !added {
			return err // supporting twice counts once and records nothing
		}
		a.Supporters++
		return s.record(ctx, audit.Entry{Action: "appeals.appeal.support", ObjectType: "appeal", ObjectID: a.ID,
			TenantID: a.TenantID, Detail: map[string]any{"supporters": a.Supporters}}, "appeal.supported", eventOf(a, "support"))
	})
	if err != nil {
		return Appeal{}, wrap("support", err)
	}
	return s.st.appeal(ctx, id)
}

// Confirm records the author's confirmation of a fixed report, with a
// 1–5 rating, within DisputeWindow of the fix; a dispute is Reopen.
func (s *Service) Confirm(ctx context.Context, id string, rating int) (Appeal, error) {
	who, err := actor(ctx)
	if err != nil {
		return Appeal{}, err
	}
	a, err := s.st.appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if !canRead(who, a) {
		return Appeal{}, ErrNotFound
	}
	if !isAuthor(who, a) {
		return Appeal{}, ErrForbidden
	}
	if a.State != Fixed || a.ConfirmedAt != nil || s.now().Sub(a.UpdatedAt) > DisputeWindow {
		return Appeal{}, fault.New(ErrConflict, "appeal-confirm", "appeals.error.confirm")
	}
	if rating < 1 || rating > 5 {
		return Appeal{}, invalid("confirm-invalid", map[string]string{"rating": "appeals.rating.invalid"})
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.confirm(ctx, a.ID, rating, s.now()); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.appeal.confirm", ObjectType: "appeal", ObjectID: a.ID,
			TenantID: a.TenantID, Detail: map[string]any{"rating": rating}}, "appeal.confirmed", eventOf(a, "confirm"))
	})
	if err != nil {
		return Appeal{}, wrap("confirm", err)
	}
	return s.st.appeal(ctx, id)
}

// CanConfirm reports whether the actor in ctx may confirm or dispute a fix now.
func (s *Service) CanConfirm(ctx context.Context, a Appeal) bool {
	return isAuthor(auth.From(ctx), a) && a.State == Fixed && a.ConfirmedAt == nil && s.now().Sub(a.UpdatedAt) <= DisputeWindow
}

func (s *store) addSupport(ctx context.Context, appealID, userID string, at time.Time) (bool, error) {
	res, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_supports (appeal_id, user_id, created_ms) VALUES ($1, $2, $3)
		ON CONFLICT (appeal_id, user_id) DO NOTHING`, appealID, userID, db.Millis(at))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	_, err = s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals SET supporters = supporters + 1 WHERE id = $1`, appealID)
	return err == nil, err
}

func (s *store) confirm(ctx context.Context, appealID string, rating int, at time.Time) error {
	_, err := s.db.Q(ctx).ExecContext(ctx, `UPDATE appeals SET confirmed_ms = $1, rating = $2 WHERE id = $3`,
		db.Millis(at), rating, appealID)
	return err
}
