package app

import (
	"context"
	"errors"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/territory"
)

// transportHome is the public transport block of a municipality's home
// page: the size of its network, links to the map of routes and stops
// and to its planning analytics, and for its officials the punctuality
// report. A municipality without a timetable gets no block.
type transportHome struct{ a *App }

// Section describes the municipality's active timetable.
func (h transportHome) Section(ctx context.Context, muni territory.Node, lang string) (territory.HomeBlock, error) {
	n, err := h.a.Transport.Network(ctx, muni.Slug)
	if errors.Is(err, fault.ErrNotFound) {
		return territory.HomeBlock{}, nil
	}
	if err != nil {
		return territory.HomeBlock{}, err
	}
	l := h.a.Catalog.Localizer(lang)
	base := "/m/" + muni.Slug + "/transport/"
	b := territory.HomeBlock{Title: l.T("transport.title"),
		Text: l.T("transport.home.text", "Routes", strconv.Itoa(n.Feed.Counts["routes.txt"]), "Stops", strconv.Itoa(n.Feed.Counts["stops.txt"])),
		Items: []territory.HomeItem{
			{Title: l.T("transport.home.map"), URL: base},
			{Title: l.T("transport.home.planning"), URL: base + "planning"},
		},
		MoreURL: base, MoreText: l.T("transport.home.more")}
	if auth.From(ctx).Can(auth.RoleOperator, muni.Path) {
		b.Items = append(b.Items, territory.HomeItem{Title: l.T("transport.home.quality"), URL: base + "quality"})
	}
	return b, nil
}
