package main

import (
	"context"

	"github.com/muni-platform/muni/internal/app"
)

// The commands below are filled in as their domains land.

func cmdDemo(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("demo [-seed-only]", "Creates the demo region (idempotently), prints the logins and serves it.")
	seedOnly := fs.Bool("seed-only", false, "create the demo data and exit without serving")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := env.config()
	if err != nil {
		return err
	}
	log := env.logger(cfg)
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := app.New(ctx, cfg, log, d)
	if err != nil {
		return err
	}
	defer a.Close()
	world, err := a.SeedDemo(ctx)
	if err != nil {
		return err
	}
	world.Print(env.out, cfg.PublicURL())
	if *seedOnly {
		return nil
	}
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
