package metering

import (
	"context"
	"math"
	"time"
)

// Input is one reading as a client sent it: a device (its id or serial)
// and a channel name, a time and a value. Parsers that could not read a
// field set Reject to the reason, so the reading is refused in its place
// in the batch while the others go on.
type Input struct {
	Device  string
	Channel string
	At      time.Time
	Value   float64
	Quality Quality
	Reject  string
}

// Batch is readings that arrived together for one municipality.
type Batch struct {
	TenantID string
	// DeviceID, when the sender proved it is a device, is that device:
	// every reading must be its own, and a reading naming no device is.
	DeviceID string
	Source   Source
	Readings []Input
}

// Rejection is why one reading of a batch was refused.
type Rejection struct {
	Index   int    `json:"index"`
	Device  string `json:"device,omitempty"`
	Channel string `json:"channel,omitempty"`
	Reason  string `json:"reason"`
}

// Result is what became of a batch: readings stored, readings already
// stored before (duplicates are ignored), and the refused ones.
type Result struct {
	Received   int         `json:"received"`
	Stored     int         `json:"stored"`
	Duplicates int         `json:"duplicates"`
	Rejected   []Rejection `json:"rejected"`
}

// The reasons a reading is refused.
const (
	ReasonUnknownDevice      = "unknown-device"
	ReasonUnknownChannel     = "unknown-channel"
	ReasonOtherDevice        = "other-device"
	ReasonNotInstalled       = "not-installed"
	ReasonBeforeInstallation = "before-installation"
	ReasonAfterRemoval       = "after-removal"
	ReasonFuture             = "future-timestamp"
	ReasonNoTimestamp        = "missing-timestamp"
	ReasonNotNumeric         = "not-numeric"
	ReasonNotFinite          = "not-finite"
	ReasonBadQuality         = "bad-quality"
	ReasonMalformed          = "malformed"
	ReasonRetiredPoint       = "retired-point"
)

// MaxFuture is how far ahead of the server's clock a reading may be
// stamped: more is a device with a wrong clock.
const MaxFuture = 10 * time.Minute

// Ingest validates a batch, stores its valid readings in one transaction
// and returns only after the commit, so what it reports stored is
// durable. Invalid readings are refused with a reason without holding
// back the valid ones; a reading already stored is ignored (idempotent
// on channel and time), late and out-of-order ones are kept. The error is
// for a failure of the store: then nothing of the batch was written.
func (s *Service) Ingest(ctx context.Context, b Batch) (Result, error) {
	now := s.now().UTC()
	res := Result{Received: len(b.Readings), Rejected: []Rejection{}}
	rows := make([]Reading, 0, len(b.Readings))
	// The batch resolves each of its devices' channels once: a map of its
	// own, filled from the shared cache (which fetches what it lacks in a
	// few queries), so a reading costs no lock and no clock read.
	var refs map[channelKey]channelRef
	if len(b.Readings) > 1 {
		refs = make(map[channelKey]channelRef, min(len(b.Readings), 4096))
		for _, in := range b.Readings {
			device := in.Device
			if device == "" {
				device = b.DeviceID
			}
			if in.Reject == "" && device != "" {
				refs[channelKey{tenant: b.TenantID, device: device, name: in.Channel}] = channelRef{}
			}
		}
		if err := s.chans.prefetch(ctx, refs); err != nil {
			return Result{}, wrap("ingest", err)
		}
		for k := range refs {
			r, err := s.chans.lookup(ctx, k)
			if err != nil {
				return Result{}, wrap("ingest", err)
			}
			refs[k] = r
		}
	}
	for i, in := range b.Readings {
		r, reason, err := s.check(ctx, b, in, now, refs)
		if err != nil {
			return Result{}, wrap("ingest", err)
		}
		if reason != "" {
			res.Rejected = append(res.Rejected, Rejection{Index: i, Device: in.Device, Channel: in.Channel, Reason: reason})
			continue
		}
		rows = append(rows, r)
	}
	stored, err := s.write(ctx, rows)
	if err != nil {
		return Result{}, wrap("ingest", err)
	}
	res.Stored = int(stored)
	res.Duplicates = len(rows) - res.Stored
	s.metrics.observe(b.Source, res)
	return res, nil
}

// check validates one reading against the registry; refs, when set,
// holds the batch's resolved channels.
func (s *Service) check(ctx context.Context, b Batch, in Input, now time.Time, refs map[channelKey]channelRef) (Reading, string, error) {
	if in.Reject != "" {
		return Reading{}, in.Reject, nil
	}
	if math.IsNaN(in.Value) || math.IsInf(in.Value, 0) {
		return Reading{}, ReasonNotFinite, nil
	}
	if in.At.IsZero() {
		return Reading{}, ReasonNoTimestamp, nil
	}
	if in.At.Sub(now) > MaxFuture {
		return Reading{}, ReasonFuture, nil
	}
	if in.Quality < Measured || in.Quality > Missing {
		return Reading{}, ReasonBadQuality, nil
	}
	device := in.Device
	if device == "" {
		device = b.DeviceID
	}
	if device == "" {
		return Reading{}, ReasonUnknownDevice, nil
	}
	k := channelKey{tenant: b.TenantID, device: device, name: in.Channel}
	ref, ok := refs[k]
	var err error
	if !ok {
		ref, err = s.chans.lookup(ctx, k)
	}
	switch {
	case err != nil:
		return Reading{}, "", err
	case ref.deviceID == "":
		return Reading{}, ReasonUnknownDevice, nil
	case b.DeviceID != "" && ref.deviceID != b.DeviceID:
		return Reading{}, ReasonOtherDevice, nil
	case ref.id == 0:
		return Reading{}, ReasonUnknownChannel, nil
	case ref.installed < 0:
		return Reading{}, ReasonNotInstalled, nil
	case ref.retired:
		return Reading{}, ReasonRetiredPoint, nil
	case in.At.UnixMilli() < ref.installed:
		return Reading{}, ReasonBeforeInstallation, nil
	case ref.removed >= 0 && in.At.UnixMilli() >= ref.removed:
		return Reading{}, ReasonAfterRemoval, nil
	}
	return Reading{ChannelID: ref.id, At: in.At, Value: in.Value, Quality: in.Quality, Source: b.Source, Received: now}, "", nil
}
