package metering

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
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
	// retired: the device is installed now on a retired point.
	retired bool
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

// prefetch resolves the keys of the map (not its values) that the cache
// does not hold (all of them when it is stale) with a few queries for the
// whole batch instead of two per key, so a batch that arrives after the cache expired, or from devices
// not seen in the last minute, does not cost a round trip per device.
func (c *channelCache) prefetch(ctx context.Context, keys map[channelKey]channelRef) error {
	c.mu.RLock()
	stale := c.now().Sub(c.born) > channelCacheTTL
	var miss []channelKey
	for k := range keys {
		if _, ok := c.m[k]; !ok || stale {
			miss = append(miss, k)
		}
	}
	c.mu.RUnlock()
	if len(miss) < 2 { // one key is lookup's single query
		return nil
	}
	refs, err := c.st.channelRefs(ctx, miss)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.now().Sub(c.born) > channelCacheTTL {
		c.m = map[channelKey]channelRef{}
		c.born = c.now()
	}
	for k, r := range refs {
		if len(c.m) >= 1_000_000 {
			break
		}
		c.m[k] = r
	}
	c.mu.Unlock()
	return nil
}

// refsChunk is how many device names one channelRefs query carries.
const refsChunk = 200

// channelRefs is channelRef for many keys at once: a query per tenant
// and refsChunk device names, returning a ref for every key (the zero
// ref for an unknown device, id 0 for an unknown channel), as channelRef
// would.
func (st *store) channelRefs(ctx context.Context, keys []channelKey) (map[channelKey]channelRef, error) {
	byTenant := map[string]map[string]struct{}{}
	for _, k := range keys {
		if byTenant[k.tenant] == nil {
			byTenant[k.tenant] = map[string]struct{}{}
		}
		byTenant[k.tenant][k.device] = struct{}{}
	}
	type device struct {
		ref   channelRef
		chans map[string]int64
	}
	out := make(map[channelKey]channelRef, len(keys))
	for tenant, names := range byTenant {
		byID, bySerial := map[string]*device{}, map[string]*device{}
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		for len(list) > 0 {
			chunk := list[:min(len(list), refsChunk)]
			list = list[len(chunk):]
			args := make([]any, 0, 1+len(chunk))
			args = append(args, tenant)
			var in strings.Builder
			for i, n := range chunk {
				if i > 0 {
					in.WriteByte(',')
				}
				in.WriteString("$" + strconv.Itoa(i+2))
				args = append(args, n)
			}
			rows, err := st.db.R(ctx).QueryContext(ctx, `SELECT d.id, d.serial,
				COALESCE((SELECT MIN(i.from_ms) FROM metering_installations i WHERE i.device_id = d.id), -1),
				CASE WHEN EXISTS (SELECT 1 FROM metering_installations i WHERE i.device_id = d.id AND i.to_ms IS NULL) THEN -1
					ELSE COALESCE((SELECT MAX(i.to_ms) FROM metering_installations i WHERE i.device_id = d.id), -1) END,
				EXISTS (SELECT 1 FROM metering_installations i JOIN metering_points p ON p.id = i.point_id
					WHERE i.device_id = d.id AND i.to_ms IS NULL AND p.retired_ms IS NOT NULL),
				c.id, c.name
				FROM metering_devices d LEFT JOIN metering_channels c ON c.device_id = d.id
				WHERE d.tenant_id = $1 AND (d.id IN (`+in.String()+`) OR d.serial IN (`+in.String()+`))`, args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id, serial string
				var installed, removed int64
				var retired bool
				var chID sql.NullInt64
				var chName sql.NullString
				if err := rows.Scan(&id, &serial, &installed, &removed, &retired, &chID, &chName); err != nil {
					rows.Close()
					return nil, err
				}
				d := byID[id]
				if d == nil {
					d = &device{ref: channelRef{deviceID: id, installed: installed, removed: removed, retired: retired}, chans: map[string]int64{}}
					byID[id] = d
					if _, ok := bySerial[serial]; !ok {
						bySerial[serial] = d
					}
				}
				if chID.Valid {
					d.chans[chName.String] = chID.Int64
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		for _, k := range keys {
			if k.tenant != tenant {
				continue
			}
			d := byID[k.device] // a device's id wins over another's serial
			if d == nil {
				d = bySerial[k.device]
			}
			if d == nil {
				out[k] = channelRef{}
				continue
			}
			r := d.ref
			r.id = d.chans[k.name]
			out[k] = r
		}
	}
	return out, nil
}

// channelRef looks a channel up by its device's id or serial and its name.
func (st *store) channelRef(ctx context.Context, k channelKey) (channelRef, error) {
	r := channelRef{installed: -1, removed: -1}
	err := st.db.R(ctx).QueryRowContext(ctx, `SELECT d.id, COALESCE((SELECT MIN(i.from_ms) FROM metering_installations i WHERE i.device_id = d.id), -1),
		CASE WHEN EXISTS (SELECT 1 FROM metering_installations i WHERE i.device_id = d.id AND i.to_ms IS NULL) THEN -1
			ELSE COALESCE((SELECT MAX(i.to_ms) FROM metering_installations i WHERE i.device_id = d.id), -1) END,
		EXISTS (SELECT 1 FROM metering_installations i JOIN metering_points p ON p.id = i.point_id
			WHERE i.device_id = d.id AND i.to_ms IS NULL AND p.retired_ms IS NOT NULL)
		FROM metering_devices d WHERE d.tenant_id = $1 AND (d.id = $2 OR d.serial = $2)`, k.tenant, k.device).Scan(&r.deviceID, &r.installed, &r.removed, &r.retired)
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
