package db

import (
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite appends every commit to the write-ahead log and copies the log
// back into the database file at a checkpoint. Left to SQLite, the
// checkpoint runs inside whichever commit fills the log past
// walAutoPages, so that one request pays for the copy and its fsync
// (17 % of the CPU of an ingest request in a profile). The checkpointer
// runs PASSIVE checkpoints on a connection of its own, twice a second
// when something was committed, so commits rarely meet one; the writer
// keeps an automatic checkpoint at a larger size only as a safety net.
const (
	checkpointEvery = 500 * time.Millisecond
	walAutoPages    = 16000 // about 64 MB of log at 4 KiB pages
)

type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error
	runs atomic.Int64 // checkpoints done, for tests
}

// startCheckpointer opens its connection with dsn and checkpoints while
// gen moves.
func startCheckpointer(dsn string, gen func() uint64) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run(gen)
	return c, nil
}

func (c *checkpointer) run(gen func() uint64) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	last := gen()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if g := gen(); g != last {
				last = g
				// PASSIVE never waits for readers or the writer: what it
				// cannot copy now the next round copies. An error (the
				// file busy, say) leaves the safety net in place.
				if _, err := c.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err == nil {
					c.runs.Add(1)
				}
			}
		}
	}
}

// close stops the rounds and closes the connection; closing again
// returns the first close's error, as DB.Close may be called twice.
func (c *checkpointer) close() error {
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		c.err = c.conn.Close()
	})
	return c.err
}
