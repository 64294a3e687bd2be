package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserCreate(t *testing.T) {
	environ := []string{"MUNI_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "m.db"), "MUNI_LOG_LEVEL=error"}
	ctx := context.Background()
	create := func(args ...string) error {
		return run(ctx, append([]string{"user", "create"}, args...), environ)
	}
	if err := create("-email", "root@example.org", "-password", "long password 1", "-name", "Root", "-role", "platform_admin"); err != nil {
		t.Fatalf("create: %v", err)
	}
	err := create("-email", "ROOT@example.org", "-password", "long password 1", "-name", "Root")
	if err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("duplicate: %v", err)
	}
	err = create("-email", "x@example.org", "-password", "short", "-name", "X", "-role", "operator", "-scope", "no-such-place")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "-password") || !strings.Contains(err.Error(), "-scope") {
		t.Errorf("bad input: exit %d, %v", exitCode(err), err)
	}
	if err := run(ctx, []string{"user"}, environ); exitCode(err) != 2 {
		t.Errorf("no subcommand: %v", err)
	}
	if err := run(ctx, []string{"help"}, environ); err != nil {
		t.Errorf("muni help: %v", err)
	}
	if err := run(ctx, []string{"helpp"}, environ); exitCode(err) != 2 {
		t.Errorf("unknown command: %v", err)
	}
}
