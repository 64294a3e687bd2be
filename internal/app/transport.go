package app

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/territory"
	"github.com/muni-platform/muni/internal/transport"
)

// buildTransport makes the transport service over the territory tree.
func (a *App) buildTransport() *transport.Service {
	s := transport.New(transport.Deps{DB: a.DB, Audit: a.Audit, Places: transportPlaces{a.Territory},
		Population: transportPlaces{a.Territory}, Log: a.Log})
	if err := s.RegisterMetrics(a.Registry); err != nil {
		a.Log.Warn("transport: metrics not registered", "err", err)
	}
	return s
}

// transportPlaces adapts the territory domain to transport.Places.
type transportPlaces struct{ t *territory.Service }

func transportMuni(n territory.Node, err error) (transport.Municipality, error) {
	return municipal(n, err, func(n territory.Node) transport.Municipality {
		return transport.Municipality{ID: n.ID, Path: n.Path, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN, TimeZone: n.TimeZone}
	})
}

// municipal converts a territory node a lookup found into a domain's
// municipality; a node that is not a municipal formation is not found.
func municipal[M any](n territory.Node, err error, conv func(territory.Node) M) (M, error) {
	var zero M
	if err != nil {
		return zero, err
	}
	if !n.Municipal() {
		return zero, territory.ErrNotFound
	}
	return conv(n), nil
}

// Municipality returns one municipal formation.
func (p transportPlaces) Municipality(ctx context.Context, id string) (transport.Municipality, error) {
	return transportMuni(p.t.Node(ctx, id))
}

// MunicipalityBySlug returns the municipal formation at /m/{slug}/.
func (p transportPlaces) MunicipalityBySlug(ctx context.Context, slug string) (transport.Municipality, error) {
	return transportMuni(p.t.NodeBySlug(ctx, slug))
}

// PopulationPoints are the municipality's localities that have a centre
// and a population, for stop coverage.
func (p transportPlaces) PopulationPoints(ctx context.Context, municipalityID string) ([]transport.PopulationPoint, error) {
	ns, err := p.t.Children(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	var out []transport.PopulationPoint
	for _, n := range ns {
		if n.Center != nil && n.Population > 0 {
			out = append(out, transport.PopulationPoint{Name: n.NameRU, Lat: n.Center.Lat, Lon: n.Center.Lon, Population: n.Population})
		}
	}
	return out, nil
}

// Centre is the municipality's administrative centre: the point the
// territory register keeps for the municipality itself.
func (p transportPlaces) Centre(ctx context.Context, municipalityID string) (string, float64, float64, bool, error) {
	n, err := p.t.Node(ctx, municipalityID)
	if err != nil || n.Center == nil {
		return "", 0, 0, false, err
	}
	return n.NameRU, n.Center.Lat, n.Center.Lon, true, nil
}

// Boundary is the municipality's boundary from the territory register,
// nil when it has none.
func (p transportPlaces) Boundary(ctx context.Context, municipalityID string) (json.RawMessage, error) {
	n, err := p.t.Node(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	return n.Boundary, nil
}

// ImportTransport reads a GTFS zip or folder at path as a new version of
// the feed of the municipality at slug, as muni itself.
func (a *App) ImportTransport(ctx context.Context, slug, path string) (transport.Feed, error) {
	ctx = AsSystem(ctx)
	m, err := a.Transport.Municipality(ctx, slug)
	if err != nil {
		return transport.Feed{}, err
	}
	src, err := transport.OpenSource(path)
	if err != nil {
		return transport.Feed{}, err
	}
	defer src.Close()
	return a.Transport.Import(ctx, m.ID, path, src)
}

// demoTransport gives the main demo municipality a bus network between
// its centre and its settlements: generated GTFS, imported like any
// operator's feed. A municipality that has a network keeps it.
func demoTransport(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	ctx = AsSystem(ctx)
	if _, err := a.Transport.Network(ctx, td.Main.Slug); err == nil {
		return nil
	} else if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	places := demoTransportPlaces(td.Main)
	if len(places) < 2 {
		return nil // nothing to connect
	}
	year := time.Now().Year()
	spec := transport.GenSpec{Agency: "МУП «Пассажирские перевозки» (демо)", AgencyURL: "https://example.org/transport",
		TimeZone: td.Main.TimeZone, Places: places, Routes: min(6, len(places)), StopsPerRoute: 12,
		WeekdayEvery: 30, WeekendEvery: 60, FirstMinute: 6 * 60, LastMinute: 22 * 60,
		StartDate: fmt.Sprintf("%d0101", year-1), EndDate: fmt.Sprintf("%d1231", year+1), SpeedKMH: 40}
	var buf bytes.Buffer
	if err := transport.Generate(&buf, spec); err != nil {
		return err
	}
	src, err := transport.ZipSource(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	f, err := a.Transport.Import(ctx, td.Main.ID, "demo-gtfs.zip", src)
	if err != nil {
		return err
	}
	if f.Status != transport.StatusActive {
		return fmt.Errorf("the generated feed was not accepted: %s, %d errors", f.Status, f.Errors())
	}
	w.Notes = append(w.Notes, fmt.Sprintf("transport: %d bus routes, %d stops, %d trips, %d stop times (GTFS version %d)",
		f.Counts["routes.txt"], f.Counts["stops.txt"], f.Counts["trips.txt"], f.Counts["stop_times.txt"], f.Version))
	// Realtime reports of the last week, so the punctuality report has data.
	n, err := a.Transport.DemoObservations(ctx, td.Main.ID, 7)
	if err != nil {
		return err
	}
	w.Notes = append(w.Notes, fmt.Sprintf("transport: GTFS-Realtime of the last 7 days played through the ingest (%d trip updates)", n))
	return nil
}

// demoTransportPlaces are the municipality's settlements that have a
// centre, the most populous (the hub every other line starts from) first.
func demoTransportPlaces(m territory.DemoMunicipality) []transport.Place {
	ss := slices.Clone(m.Settlements)
	slices.SortStableFunc(ss, func(a, b territory.Node) int { return cmp.Compare(b.Population, a.Population) })
	var out []transport.Place
	for _, s := range ss {
		if s.Center != nil {
			out = append(out, transport.Place{Name: s.NameRU, Lat: s.Center.Lat, Lon: s.Center.Lon})
		}
	}
	return out
}
