package metering

import (
	"context"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// ManualReading is a register value read off a meter by a person.
type ManualReading struct {
	ChannelID int64
	At        time.Time // when it was read; a resident's reading is "now"
	Value     float64
	Quality   Quality
}

// EnterReading records a reading an official took (or corrected) for a
// point of their municipality: it goes through Ingest as source manual,
// with an audit entry in the same transaction.
func (s *Service) EnterReading(ctx context.Context, a *auth.Actor, muniID, pointCode string, in ManualReading) (Result, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Result{}, err
	}
	p, err := s.st.point(ctx, m.ID, pointCode)
	if err != nil {
		return Result{}, err
	}
	if in.Quality != Measured && in.Quality != Edited && in.Quality != Estimated {
		return Result{}, invalid("metering-reading-invalid", map[string]string{"quality": "metering.reason.bad-quality"})
	}
	return s.manual(auth.With(ctx, a), p, in, SourceManual, "reading.manual")
}

// SubmitOwnReading records a resident's reading of the meter of a point
// linked to them (an apartment meter), stamped now.
func (s *Service) SubmitOwnReading(ctx context.Context, a *auth.Actor, pointID string, channelID int64, value float64) (Result, error) {
	if a.Kind != auth.User {
		return Result{}, ErrUnauthorized
	}
	p, err := s.st.point(ctx, "", pointID)
	if err != nil || p.ResidentAccountID != a.ID {
		return Result{}, ErrNotFound // another's point is not shown to exist
	}
	return s.manual(auth.With(ctx, a), p, ManualReading{ChannelID: channelID, At: s.now().UTC().Truncate(time.Second), Value: value}, SourceResident, "reading.resident")
}

// manual checks that the channel belongs to the device installed on the
// point at the reading's time and stores the reading with its audit entry.
func (s *Service) manual(ctx context.Context, p Point, in ManualReading, src Source, action string) (Result, error) {
	chans, err := s.st.installedChannels(ctx, p.ID, 0)
	if err != nil {
		return Result{}, wrap("manual reading", err)
	}
	var ch *InstalledChannel
	for i := range chans {
		if chans[i].ID == in.ChannelID && chans[i].Installation.Covers(in.At) {
			ch = &chans[i]
		}
	}
	if ch == nil {
		return Result{}, invalid("metering-reading-invalid", map[string]string{"channel": "metering.error.channel_at"})
	}
	var res Result
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		res, err = s.Ingest(ctx, Batch{TenantID: p.TenantID, Source: src, Readings: []Input{{Device: ch.DeviceID, Channel: ch.Name, At: in.At, Value: in.Value, Quality: in.Quality}}})
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return invalid("metering-reading-invalid", map[string]string{"value": "metering.reason." + res.Rejected[0].Reason})
		}
		if res.Stored == 0 {
			return invalid("metering-reading-invalid", map[string]string{"at": "metering.error.reading_exists"})
		}
		return s.record(ctx, action, "metering_point", p.ID, p.TenantID, map[string]any{"channel": ch.Name, "at": db.Millis(in.At), "value": in.Value})
	})
	return res, err
}
