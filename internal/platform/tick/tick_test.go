package tick

import (
	"context"
	"testing"
	"time"
)

func TestEvery(t *testing.T) {
	for _, now := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var rounds []int
		done := make(chan struct{})
		go func() {
			defer close(done)
			Every(ctx, time.Millisecond, now, func(context.Context) {
				rounds = append(rounds, len(rounds))
				if len(rounds) == 3 {
					cancel()
				}
			})
		}()
		<-done // Every returns once ctx ends
		if len(rounds) != 3 {
			t.Fatalf("now=%v: %d rounds after the third cancelled", now, len(rounds))
		}
	}

	// With now, the first round runs before any wait: a ticker of an hour
	// still gives it.
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	Every(ctx, time.Hour, true, func(context.Context) { ran = true; cancel() })
	if !ran {
		t.Fatal("now=true did not run at once")
	}

	// An ended context runs nothing.
	ended, stop := context.WithCancel(context.Background())
	stop()
	Every(ended, time.Hour, true, func(context.Context) { t.Fatal("ran after ctx ended") })
}
