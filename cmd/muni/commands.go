package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/config"
	"github.com/muni-platform/muni/internal/platform/db"
)

// usageError makes main exit with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env *cmdEnv, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (applies migrations first)", cmdServe},
		{"demo", "create the demo region (idempotent) and serve it", cmdDemo},
		{"migrate", "apply database migrations and exit", cmdMigrate},
		{"user", "manage users: user create -email E -password P [-role R -scope OKTMO]", cmdUser},
		{"territory", "territory import [FILE]: load municipalities from a CSV (the shipped cities file by default)", cmdTerritory},
		{"audit", "audit verify: check the audit log's hash chain", cmdAudit},
		{"verify-tally", "verify-tally FILE|URL: recount a budget from its published ballot log, prove receipts", cmdVerifyTally},
		{"backup", "backup FILE: consistent online snapshot of a SQLite database", cmdBackup},
		{"transport", "transport import FILE -municipality SLUG: import a GTFS feed as a new timetable version", cmdTransport},
		{"proactive", "proactive import FILE -municipality SLUG | proactive sweep: life events from a CSV; run the proactive rules now", cmdProactive},
		{"simulate", "simulate meters|traffic -municipality SLUG […]: simulated meter readings with leaks, stuck meters, outages; traffic detectors on road segments", cmdSimulate},
		{"version", "print the version", cmdVersion},
	}
}

// cmdEnv is what every command gets: settings, a logger and stdout.
type cmdEnv struct {
	environ []string
	out     io.Writer
	cfgFile string
}

func (e *cmdEnv) config() (config.Config, error) { return config.Load(e.cfgFile, e.environ) }

func (e *cmdEnv) logger(cfg config.Config) *slog.Logger {
	lvl := slog.LevelInfo
	lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// database loads the settings and opens and migrates the database.
func (e *cmdEnv) database(ctx context.Context) (*db.DB, config.Config, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, cfg, err
	}
	d, err := app.Open(ctx, cfg, e.logger(cfg))
	return d, cfg, err
}

// app opens the database and builds the application; done closes both.
func (e *cmdEnv) app(ctx context.Context) (*app.App, func(), error) {
	d, cfg, err := e.database(ctx)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(ctx, cfg, e.logger(cfg), d)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return a, func() { a.Close(); d.Close() }, nil
}

func run(ctx context.Context, args, environ []string) error {
	env := &cmdEnv{environ: environ, out: os.Stdout}
	top := flag.NewFlagSet("muni", flag.ContinueOnError)
	top.StringVar(&env.cfgFile, "config", "", "optional settings file of MUNI_*=value lines")
	top.Usage = func() { usage(top.Output()) }
	if err := top.Parse(args); err != nil {
		return err
	}
	if top.NArg() == 0 {
		usage(os.Stderr)
		return usageError{"no command given"}
	}
	name := top.Arg(0)
	if name == "help" { // -h and --help end in flag.ErrHelp above
		usage(os.Stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, top.Args()[1:])
		}
	}
	usage(os.Stderr)
	return usageError{fmt.Sprintf("unknown command %q", name)}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: muni [-config FILE] COMMAND [args]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'muni serve --help' for the settings.")
}

// flags returns a flag set whose -help prints the settings table too.
func flags(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("muni "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: muni %s\n%s\n\n", name, summary)
		fs.PrintDefaults()
		config.Usage(fs.Output())
	}
	return fs
}

func cmdServe(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("serve [flags]", "Runs the web server. Migrations are applied first.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return serve(ctx, env)
}

func serve(ctx context.Context, env *cmdEnv) error {
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	return a.Serve(ctx, nil)
}

func cmdMigrate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("migrate", "Applies every pending migration and exits.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, _, err := env.database(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(env.out, "migrations applied")
	return nil
}

func cmdAudit(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return usageError{"usage: muni audit verify"}
	}
	d, _, err := env.database(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := audit.New(d).Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.out, "audit log intact: %d entries verified\n", n)
	return nil
}

func cmdBackup(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) > 1 {
		return usageError{"usage: muni backup [FILE]"}
	}
	d, cfg, err := env.database(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	path := cfg.DataDir + "/backup-" + time.Now().UTC().Format("20060102-150405") + ".db"
	if len(args) == 1 {
		path = args[0]
	}
	if err := app.Backup(ctx, d, path); err != nil {
		return err
	}
	fmt.Fprintln(env.out, "backup written to", path)
	return nil
}

func cmdVersion(ctx context.Context, env *cmdEnv, args []string) error {
	v := app.Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += "+" + s.Value[:min(12, len(s.Value))]
			}
		}
		v += " " + strings.TrimPrefix(bi.GoVersion, "go")
	}
	fmt.Fprintln(env.out, "muni", v)
	return nil
}
