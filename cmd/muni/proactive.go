package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/services/proactive"
)

const proactiveUsage = "usage: muni proactive import FILE -municipality SLUG | muni proactive sweep"

// cmdProactive runs "muni proactive import FILE -municipality SLUG" (a
// CSV of life events, all or nothing) and "muni proactive sweep" (expire
// offers and run the register rules now, as the server does hourly).
func cmdProactive(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 1 && args[0] == "sweep" {
		a, done, err := env.app(ctx)
		if err != nil {
			return err
		}
		defer done()
		res, err := a.SweepProactive(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.out, "%d residents evaluated, %d new offers, %d offers expired\n", res.Residents, res.Offers, res.Expired)
		return nil
	}
	if len(args) == 0 || args[0] != "import" {
		return usageError{proactiveUsage}
	}
	fs := flags("proactive import FILE -municipality SLUG", "Records the life events of a CSV file ("+fmt.Sprint(proactive.CSVColumns)+
		", data as name=value pairs separated by |) in the municipality's register and makes the offers they call for. A file with any bad row records nothing.")
	slug := fs.String("municipality", "", "slug of the municipality (as in /m/SLUG/)")
	files, err := parseMixed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 || *slug == "" {
		return usageError{proactiveUsage}
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	sys := app.AsSystem(ctx)
	m, err := a.Proactive.Municipality(sys, *slug)
	if err != nil {
		return err
	}
	res, err := a.Proactive.ImportCSV(sys, m.ID, f)
	var ie *proactive.ImportError
	if errors.As(err, &ie) {
		loc := a.Catalog.Localizer("en")
		for _, r := range ie.Rows {
			for field, key := range r.Fields {
				fmt.Fprintf(env.out, "row %d: %s: %s\n", r.Row, field, loc.T(key))
			}
		}
		return errors.New("the file was refused: nothing of it was recorded")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "%d rows: %d events recorded, %d repeated, %d new offers\n", res.Rows, res.Recorded, res.Duplicates, res.Offers)
	return nil
}
