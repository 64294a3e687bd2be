package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// Handler consumes one event. An error asks for redelivery later.
type Handler func(ctx context.Context, e Event) error

// Bus delivers committed outbox events to subscribers. Only the Relay
// publishes; domains publish through Outbox.Publish in their transaction.
type Bus interface {
	// Publish hands a committed event to the subscribers of its type. A
	// nil error means the bus has taken responsibility for delivering it.
	Publish(ctx context.Context, e Event) error
	// Subscribe registers h as consumer for events of eventType. The
	// consumer name is stable across restarts and instances: instances
	// that subscribe under the same name share the work.
	Subscribe(consumer, eventType string, h Handler) error
	// Close stops delivery and releases connections.
	Close() error
}

var consumerName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
var eventTypeName = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// checkSubscription validates names that become durable consumer names
// and subjects on NATS, so both buses accept the same set.
func checkSubscription(consumer, eventType string, h Handler) error {
	switch {
	case !consumerName.MatchString(consumer):
		return fmt.Errorf("events: consumer name %q: want 1-64 of A-Z a-z 0-9 _ -", consumer)
	case !eventTypeName.MatchString(eventType):
		return fmt.Errorf("events: event type %q: want dotted lower-case words", eventType)
	case h == nil:
		return fmt.Errorf("events: nil handler for %s/%s", consumer, eventType)
	}
	return nil
}

// InProcess is the default bus: Publish runs every subscriber of the event
// type in the caller's goroutine (the relay's). A subscriber whose handler
// fails gets a row in event_retry and is retried on its own, with growing
// delays, by the relay's retry loop; the others go on, so one broken
// consumer (say, mail while SMTP is down) holds nothing back. Publish
// fails, and the relay keeps the event pending for everyone, only when a
// retry cannot be recorded. Retried events can arrive after later ones,
// as on NATS.
type InProcess struct {
	db    *db.DB
	log   *slog.Logger
	retry time.Duration
	mu    sync.RWMutex
	subs  map[string][]subscription
}

type subscription struct {
	consumer string
	h        Handler
}

// NewInProcess returns an empty in-process bus whose retries live in d.
// retry is the first retry delay (default 1s); it doubles per attempt up
// to 64 times that.
func NewInProcess(d *db.DB, log *slog.Logger, retry time.Duration) *InProcess {
	if retry <= 0 {
		retry = time.Second
	}
	return &InProcess{db: d, log: log, retry: retry, subs: map[string][]subscription{}}
}

// Subscribe registers h for events of eventType. A consumer name may
// subscribe to a type only once.
func (b *InProcess) Subscribe(consumer, eventType string, h Handler) error {
	if err := checkSubscription(consumer, eventType, h); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.subs[eventType] {
		if s.consumer == consumer {
			return fmt.Errorf("events: %s already subscribes to %s", consumer, eventType)
		}
	}
	b.subs[eventType] = append(b.subs[eventType], subscription{consumer, h})
	return nil
}

// Publish runs the subscribers of e.Type in order; a failed one is
// scheduled for retry.
func (b *InProcess) Publish(ctx context.Context, e Event) error {
	b.mu.RLock()
	subs := b.subs[e.Type]
	b.mu.RUnlock()
	var errs []error
	for _, s := range subs {
		if err := call(ctx, s.h, e); err != nil {
			if rerr := b.scheduleRetry(ctx, s.consumer, e, 1, err); rerr != nil {
				errs = append(errs, fmt.Errorf("events: %s on %s %s: %w", s.consumer, e.Type, e.ID, errors.Join(err, rerr)))
			}
		}
	}
	return errors.Join(errs...)
}

// handler returns consumer's handler for eventType, or nil.
func (b *InProcess) handler(consumer, eventType string) Handler {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range b.subs[eventType] {
		if s.consumer == consumer {
			return s.h
		}
	}
	return nil
}

// Close does nothing: the in-process bus holds no resources.
func (b *InProcess) Close() error { return nil }

// call runs h, turning a panic into an error so one broken handler cannot
// take the relay (or a NATS consumer) down with it.
func call(ctx context.Context, h Handler, e Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, e)
}
