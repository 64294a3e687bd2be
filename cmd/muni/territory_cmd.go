package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// territoryImport runs "muni territory import [FILE]": the shipped cities
// file when FILE is absent, "-" for standard input.
func territoryImport(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("territory import [FILE]", "Loads subjects, municipalities and towns from a CSV with the columns of russian-cities.csv (the shipped copy when FILE is absent). Running it again changes nothing.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{"usage: muni territory import [FILE]"}
	}
	var r io.Reader // nil: the shipped file
	switch name := fs.Arg(0); name {
	case "":
	case "-":
		r = os.Stdin
	default:
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.ImportTerritory(ctx, r)
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(env.out, "line %d (OKTMO %q) skipped: %s\n", s.Line, s.OKTMO, a.Catalog.Localizer("en").T(s.Reason))
	}
	fmt.Fprintf(env.out, "%d rows: %d places created, %d updated, %d unchanged, %d rows skipped\n",
		res.Rows, res.Created, res.Updated, res.Unchanged, len(res.Skipped))
	fmt.Fprintln(env.out, "Data: HFLabs city (github.com/hflabs/city), CC BY-SA 4.0 — keep this attribution when you share it.")
	return nil
}
