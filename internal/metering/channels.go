package metering

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"
)

// channelRef is what the pipeline needs to accept a reading of a channel.
type channelRef struct {
	id       int64  // 0: no such channel
	deviceID string // "" : no such device
	// installed is the start of the device's first installation in ms,
	// or -1 when it was never installed.
	installed int64
	// removed is when the device's last installation ended in ms, or -1
	// while it is installed.
	removed int64
}

type channelKey struct{ tenant, device, name string }

// channelCache remembers channel lookups for a minute, so a batch costs a
// map lookup per reading, not a query. Registry changes made here reset
// it at once; other instances' changes are seen within the minute.
type channelCache struct {
	st   *store
	now  func() time.Time
	mu   sync.RWMutex
	m    map[channelKey]channelRef
	born time.Time
}

const channelCacheTTL = time.Minute

func newChannelCache(st *store, now func() time.Time) *channelCache {
	return &channelCache{st: st, now: now, m: map[channelKey]channelRef{}}
}

func (c *channelCache) reset() {
	c.mu.Lock()
	c.m = map[channelKey]channelRef{}
	c.mu.Unlock()
}

// lookup resolves a device (id or serial) and channel name in a tenant.
func (c *channelCache) lookup(ctx context.Context, k channelKey) (channelRef, error) {
	c.mu.RLock()
	r, ok := c.m[k]
	stale := c.now().Sub(c.born) > channelCacheTTL
	c.mu.RUnlock()
	if ok && !stale {
		return r, nil
	}
	r, err := c.st.channelRef(ctx, k)
	if err != nil {
		return r, err
	}
	c.mu.Lock()
	if c.now().Sub(c.born) > channelCacheTTL {
		c.m = map[channelKey]channelRef{}
		c.born = c.now()
	}
	if len(c.m) < 1_000_000 { // a flood of unknown names must not eat the memory
		c.m[k] = r
	}
	c.mu.Unlock()
	return r, nil
}

// channelRef looks a channel up by its device's id or serial and its name.
func (st *store) channelRef(ctx context.Context, k channelKey) (channelRef, error) {
	r := channelRef{installed: -1, removed: -1}
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT d.id, COALESCE((SELECT MIN(i.from_ms) FROM metering_installations i WHERE i.device_id = d.id), -1),
		CASE WHEN EXISTS (SELECT 1 FROM metering_installations i WHERE i.device_id = d.id AND i.to_ms IS NULL) THEN -1
			ELSE COALESCE((SELECT MAX(i.to_ms) FROM metering_installations i WHERE i.device_id = d.id), -1) END
		FROM metering_devices d WHERE d.tenant_id = $1 AND (d.id = $2 OR d.serial = $2)`, k.tenant, k.device).Scan(&r.deviceID, &r.installed, &r.removed)
	if errors.Is(err, sql.ErrNoRows) {
		return channelRef{}, nil
	}
	if err != nil {
		return r, err
	}
	err = st.db.R(ctx).QueryRowContext(ctx, `SELECT id FROM metering_channels WHERE device_id = $1 AND name = $2`, r.deviceID, k.name).Scan(&r.id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	return r, err
}
