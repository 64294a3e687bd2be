package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// The commands that work through the domains: demo, user, territory.

func cmdDemo(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("demo [-seed-only]", "Creates the demo region (idempotently), prints the logins and serves it.")
	seedOnly := fs.Bool("seed-only", false, "create the demo data and exit without serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	world, err := a.SeedDemo(ctx)
	if err != nil {
		return err
	}
	world.Print(env.out, a.Cfg.PublicURL())
	if *seedOnly {
		fmt.Fprintln(env.out, "Seeded only (-seed-only): start it with `muni serve` or `muni demo`.")
		return nil
	}
	// Seeding is a batch job (the indicators alone read a year of
	// timetables and observations); hand its garbage back to the system
	// before the long-running server starts, rather than letting the
	// heap's high-water mark stay resident.
	debug.FreeOSMemory()
	fmt.Fprintf(env.out, "Serving on %s/ — stop with Ctrl+C.\n", a.Cfg.PublicURL())
	a.Web.Render.Site.DemoNotice = true
	return a.Serve(ctx, nil)
}

func cmdUser(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: muni user create -email E -password P -name N [-role R -scope NODE_ID]"}
	}
	return userCreate(ctx, env, args[1:])
}

func cmdTerritory(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{"usage: muni territory import [FILE]"}
	}
	return territoryImport(ctx, env, args[1:])
}
