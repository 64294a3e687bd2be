// Package tz loads IANA time zones once per process.
//
// time.LoadLocation reads and parses the zone file from disk on every call
// (the standard library keeps no cache), which costs a file read and about
// 6 kB of garbage each time; pages that show local times of a municipality
// ask for its zone on every request. Load keeps what it has read.
package tz

import (
	"sync"
	"time"
)

var zones sync.Map // name → *time.Location

// Load is time.LoadLocation with a cache: "" and "UTC" are UTC, "Local" is
// the machine's zone, anything else an IANA name such as "Europe/Moscow".
// Errors (an unknown name) are not cached.
func Load(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
