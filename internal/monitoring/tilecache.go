package monitoring

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// TransportTTL is how long a municipality's transport tile is reused.
// A day's punctuality moves slowly, and its report reads every trip of
// the day: recomputing it on every poll of every open screen would cost
// far more than the rest of the situation centre together.
const TransportTTL = time.Minute

// maxCached bounds the cache; past it, stale entries are dropped.
const maxCached = 2000

type cachedPunctuality struct {
	at time.Time
	p  Punctuality
}

// punctualityCache keeps recent transport tiles per municipality, day
// and map flag. It is per process, as the data it saves work on is.
type punctualityCache struct {
	mu sync.Mutex
	m  map[string]cachedPunctuality
}

// punctuality is the transport tile of [from, to), from the cache when
// it is younger than TransportTTL.
func (s *Service) punctuality(ctx context.Context, m Municipality, from, to time.Time, withMap bool) (Punctuality, error) {
	key := m.ID + "|" + from.Format(time.DateOnly) + "|" + strconv.FormatBool(withMap)
	now := s.now()
	s.pc.mu.Lock()
	c, ok := s.pc.m[key]
	s.pc.mu.Unlock()
	if age := now.Sub(c.at); ok && age >= 0 && age < TransportTTL {
		return c.p, nil
	}
	p, err := s.src.Transport.Punctuality(ctx, m.ID, from, to, withMap)
	if err != nil {
		return p, err
	}
	s.pc.mu.Lock()
	defer s.pc.mu.Unlock()
	if s.pc.m == nil {
		s.pc.m = map[string]cachedPunctuality{}
	}
	if len(s.pc.m) >= maxCached {
		for k, v := range s.pc.m {
			if now.Sub(v.at) >= TransportTTL {
				delete(s.pc.m, k)
			}
		}
	}
	s.pc.m[key] = cachedPunctuality{at: now, p: p}
	return p, nil
}
