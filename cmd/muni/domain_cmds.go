package main

import (
	"context"
	"errors"
)

// The commands below are filled in as their domains land.

func cmdDemo(ctx context.Context, env *cmdEnv, args []string) error {
	return errors.New("demo: not wired yet")
}

func cmdUser(ctx context.Context, env *cmdEnv, args []string) error {
	return errors.New("user: not wired yet")
}

func cmdTerritory(ctx context.Context, env *cmdEnv, args []string) error {
	return errors.New("territory: not wired yet")
}
