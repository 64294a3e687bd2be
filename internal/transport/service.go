package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// Deps are what the service is built over. Now defaults to the wall
// clock, Log to slog's default.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Places Places
	// Population, when set, gives the planning page its population points.
	Population Population
	Now        func() time.Time
	Log        *slog.Logger
}

// Service imports, keeps and serves GTFS feeds. It authorizes every
// change (a municipal administrator over the municipality) and audits it.
type Service struct {
	db         *db.DB
	st         *store
	audit      *audit.Log
	places     Places
	population Population
	now        func() time.Time
	log        *slog.Logger
	cals       calendars
	mq         mqttState // vehicle positions over MQTT (mqtt.go)
}

// New builds the service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{db: d.DB, st: &store{db: d.DB}, audit: d.Audit, places: d.Places, population: d.Population, now: d.Now, log: d.Log}
}

// Municipality resolves a slug for the pages.
func (s *Service) Municipality(ctx context.Context, slug string) (Municipality, error) {
	return s.places.MunicipalityBySlug(ctx, slug)
}

// manage returns the municipality if the actor in ctx may manage its
// transport data.
func (s *Service) manage(ctx context.Context, municipalityID string) (Municipality, error) {
	m, err := s.places.Municipality(ctx, municipalityID)
	if err != nil {
		return m, err
	}
	if !auth.From(ctx).Can(auth.RoleMunicipalAdmin, m.Path) {
		return m, forbidden()
	}
	return m, nil
}

// errRejected rolls back an import whose feed had ERROR notices.
var errRejected = errors.New("transport: feed rejected")

// Import reads src as a new version of the municipality's feed. A feed
// without ERROR notices becomes the active version; one whose errors lost
// no rows is kept inactive for the operator to review and activate; one
// with blocking notices (rows that could not be stored) is kept only as a
// rejected version with its report. The returned Feed
// carries the notices either way; err is only for refusals and failures.
func (s *Service) Import(ctx context.Context, municipalityID, sourceName string, src Source) (Feed, error) {
	m, err := s.manage(ctx, municipalityID)
	if err != nil {
		return Feed{}, err
	}
	f := Feed{ID: db.NewID(), TenantID: m.ID, SourceName: sourceName, CreatedAt: s.now().UTC().Truncate(time.Millisecond),
		CreatedBy: auth.From(ctx).ID, Status: StatusInactive}
	var ns Notices
	// Before the transaction begins: SQLite decides where a transaction's
	// statement journals live (memory or a file) when it begins.
	restore, err := s.bigCache(ctx)
	if err != nil {
		return Feed{}, fmt.Errorf("transport: import: %w", err)
	}
	defer restore()
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if f.Version, f.No, err = s.st.nextVersion(ctx, m.ID); err != nil {
			return err
		}
		if err := s.st.createFeed(ctx, f); err != nil {
			return err
		}
		if f.Info, f.Counts, err = load(ctx, s.db, f.No, src, &ns); err != nil {
			return err
		}
		if ns.Blocking() > 0 {
			return errRejected
		}
		if ns.Errors() == 0 { // a feed with errors waits for the operator
			if err := s.st.activate(ctx, m.ID, f.ID); err != nil {
				return err
			}
			f.Status = StatusActive
		}
		return s.finish(ctx, &f, ns.Groups())
	})
	if errors.Is(err, errRejected) {
		f.Status, f.Counts = StatusRejected, Counts{}
		err = s.db.InTx(ctx, func(ctx context.Context) error {
			if f.Version, f.No, err = s.st.nextVersion(ctx, m.ID); err != nil {
				return err
			}
			if err := s.st.createFeed(ctx, f); err != nil {
				return err
			}
			return s.finish(ctx, &f, ns.Groups())
		})
	}
	if err != nil {
		return Feed{}, fmt.Errorf("transport: import: %w", err)
	}
	return f, nil
}

// bigCache lets SQLite keep up to 256 MiB of pages in memory while a
// feed loads, instead of spilling and rewriting index pages through its
// default 2 MiB cache, and its statement journals in memory rather than
// in temporary files (each multi-row INSERT writes one); restore puts the
// writer connection back. Called outside the transaction, it reaches
// the one writer connection the transaction will then use.
func (s *Service) bigCache(ctx context.Context) (restore func(), err error) {
	if s.db.Engine != db.SQLite {
		return func() {}, nil
	}
	q := s.db.Q(ctx)
	var old int
	if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return nil, err
	}
	// temp_store=MEMORY keeps each multi-row INSERT's statement journal
	// in memory rather than in a temporary file. SQLite refuses to change
	// it while the connection holds temporary tables (another domain's
	// loader may have left one): the import then runs with the default.
	memTemp := true
	if _, err := q.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		memTemp = false
		s.log.Debug("transport: temp_store left as it is", "err", err)
	}
	return func() {
		restore := `PRAGMA cache_size = ` + strconv.Itoa(old)
		if memTemp {
			restore += `; PRAGMA temp_store = DEFAULT`
		}
		if _, err := q.ExecContext(context.WithoutCancel(ctx), restore); err != nil {
			s.log.Warn("transport: cache size not restored", "err", err)
		}
	}, nil
}

// finish stores the report and audits the import.
func (s *Service) finish(ctx context.Context, f *Feed, groups []NoticeGroup) error {
	f.Notices = groups
	if err := s.st.finishFeed(ctx, *f); err != nil {
		return err
	}
	if err := s.st.saveNotices(ctx, f.ID, groups); err != nil {
		return err
	}
	return s.audit.Record(ctx, audit.Entry{Action: "transport.feed_imported", ObjectType: "transport_feed", ObjectID: f.ID,
		TenantID: f.TenantID, Detail: map[string]any{"version": f.Version, "status": f.Status, "source": f.SourceName,
			"counts": f.Counts, "errors": f.Errors(), "warnings": f.Warnings()}})
}

// Feed returns a version with its report to whoever manages it.
func (s *Service) Feed(ctx context.Context, id string) (Feed, error) {
	f, err := s.st.feed(ctx, id)
	if err != nil {
		return f, err
	}
	if _, err := s.manage(ctx, f.TenantID); err != nil {
		if errors.Is(err, ErrForbidden) {
			return Feed{}, notFound() // another municipality's feed does not exist for this actor
		}
		return Feed{}, err
	}
	f.Notices, err = s.st.notices(ctx, id)
	return f, err
}

// Feeds lists the municipality's versions, newest first.
func (s *Service) Feeds(ctx context.Context, municipalityID string) ([]Feed, error) {
	if _, err := s.manage(ctx, municipalityID); err != nil {
		return nil, err
	}
	return s.st.feeds(ctx, municipalityID)
}

// Activate makes a kept (not rejected) version the one residents see.
func (s *Service) Activate(ctx context.Context, id string) (Feed, error) {
	f, err := s.Feed(ctx, id)
	if err != nil {
		return f, err
	}
	if f.Status == StatusRejected {
		return f, invalidFeed("transport.error.rejected")
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.activate(ctx, f.TenantID, f.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Entry{Action: "transport.feed_activated", ObjectType: "transport_feed",
			ObjectID: f.ID, TenantID: f.TenantID, Detail: map[string]any{"version": f.Version}})
	})
	f.Status = StatusActive
	return f, err
}
