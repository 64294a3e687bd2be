package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/tick"
)

const transportUsage = "usage: muni transport import FILE -municipality SLUG | muni transport poll URL -municipality SLUG [-every 30s]"

// cmdTransport runs "muni transport import FILE -municipality SLUG": a
// GTFS zip or folder becomes a new version of the municipality's feed,
// and its validation report is printed.
func cmdTransport(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 0 && args[0] == "poll" {
		return transportPoll(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		return usageError{transportUsage}
	}
	fs := flags("transport import FILE -municipality SLUG", "Imports a GTFS feed (zip or folder) as a new version of the municipality's timetable and prints the gtfs-validator notices. A feed without errors becomes the active version.")
	slug := fs.String("municipality", "", "slug of the municipality (as in /m/SLUG/)")
	files, err := parseMixed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 || *slug == "" {
		return usageError{transportUsage}
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	f, err := a.ImportTransport(ctx, *slug, files[0])
	if err != nil {
		return err
	}
	loc := a.Catalog.Localizer("en")
	for _, g := range f.Notices {
		fmt.Fprintf(env.out, "%-7s %-55s × %d  %s\n", g.Severity, g.Code, g.Total, loc.T("transport.notice."+g.Code))
		for _, n := range g.Samples[:min(3, len(g.Samples))] {
			fmt.Fprintf(env.out, "        %s row %d %s %s\n", n.File, n.Row, n.Field, n.Value)
		}
	}
	fmt.Fprintf(env.out, "version %d: %s; stops %d, routes %d, trips %d, stop_times %d\n", f.Version, f.Status,
		f.Counts["stops.txt"], f.Counts["routes.txt"], f.Counts["trips.txt"], f.Counts["stop_times.txt"])
	if f.Status == "rejected" {
		return errors.New("the feed was rejected: nothing of it was kept")
	}
	return nil
}

// transportPoll runs "muni transport poll URL -municipality SLUG": it
// fetches an operator's GTFS-Realtime feed every interval until stopped
// and keeps the municipality's delays and vehicle positions current.
func transportPoll(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("transport poll URL -municipality SLUG [-every 30s]", "Polls a GTFS-Realtime feed (TripUpdates, VehiclePositions) and takes it in for the municipality until stopped.")
	slug := fs.String("municipality", "", "slug of the municipality (as in /m/SLUG/)")
	every := fs.Duration("every", 30*time.Second, "time between polls")
	urls, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(urls) != 1 || *slug == "" || *every < time.Second {
		return usageError{transportUsage}
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	sys := app.AsSystem(ctx)
	m, err := a.Transport.Municipality(sys, *slug)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 20 * time.Second}
	tick.Every(ctx, *every, true, func(context.Context) {
		res, err := a.Transport.PollRealtime(sys, client, m.ID, urls[0])
		if err != nil {
			fmt.Fprintf(env.out, "%s poll failed: %v\n", time.Now().Format(time.RFC3339), err)
		} else {
			fmt.Fprintf(env.out, "%s %d trip updates, %d vehicles\n", time.Now().Format(time.RFC3339), res.Trips, res.Vehicles)
		}
	})
	return nil
}

// parseMixed parses args with fs where flags may come before or after the
// positional arguments, which it returns.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
