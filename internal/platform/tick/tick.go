// Package tick runs the background rounds of a process: a job every
// interval until the process stops.
package tick

import (
	"context"
	"time"
)

// Every calls fn every d until ctx ends; with now, it also calls fn at
// once, before the first wait. A round that overruns d delays the next
// one rather than piling rounds up.
func Every(ctx context.Context, d time.Duration, now bool, fn func(ctx context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	if now && ctx.Err() == nil {
		fn(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if ctx.Err() == nil { // both may be ready: stopping wins
				fn(ctx)
			}
		}
	}
}
