package metering

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// DeviceTokenHeader carries a device's token on HTTP; Authorization is
// left to API keys.
const DeviceTokenHeader = "Device-Token"

// MaxBatchBytes is the largest HTTP batch of readings.
const MaxBatchBytes = 32 << 20

// apiReadings is POST /api/v1/readings: a batch as JSON array, NDJSON or
// CSV by Content-Type, from a device (Device-Token) or an API key or
// official (?municipality=slug, or the key's only municipality). The
// answer lists the refused readings by index with their reasons; when
// nothing could be accepted it is a problem.
func (h *handler) apiReadings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var dev DeviceIdentity
	var muniID string
	if tok := r.Header.Get(DeviceTokenHeader); tok != "" {
		d, err := h.svc.AuthenticateDevice(ctx, tok)
		if errors.Is(err, errBadToken) {
			return fault.New(fault.ErrUnauthorized, "metering-device-token", "metering.error.device_token")
		}
		if err != nil {
			return err
		}
		dev = d
	} else {
		a := auth.From(ctx)
		if !a.SignedIn() {
			return fault.New(fault.ErrUnauthorized, "unauthorized", "error.unauthorized")
		}
		id, err := h.muniOf(r, a)
		if err != nil {
			return err
		}
		muniID = id
	}
	in, err := h.parseBody(r)
	if err != nil {
		return err
	}
	var res Result
	if dev.ID != "" {
		res, err = h.svc.IngestDevice(ctx, dev, SourceHTTP, in)
	} else {
		res, err = h.svc.IngestAs(ctx, auth.From(ctx), muniID, SourceHTTP, in)
	}
	if err != nil {
		return err
	}
	if res.Stored+res.Duplicates == 0 && len(res.Rejected) > 0 {
		return rejectedProblem(res)
	}
	return web.JSON(w, http.StatusOK, res)
}

// muniOf is the municipality an API key or official posts for.
func (h *handler) muniOf(r *http.Request, a *auth.Actor) (string, error) {
	if slug := r.URL.Query().Get("municipality"); slug != "" {
		m, err := h.svc.places.MunicipalityBySlug(r.Context(), slug)
		if err != nil {
			return "", err
		}
		return m.ID, nil
	}
	if len(a.Grants) == 1 {
		return a.Grants[0].ScopeID, nil
	}
	return "", invalid("metering-municipality-required", map[string]string{"municipality": "metering.error.municipality"})
}

// rejectedProblem is the problem for a batch refused whole: one message
// per reading, keyed by its index.
func rejectedProblem(res Result) error {
	f := map[string]string{}
	for _, x := range res.Rejected {
		if len(f) >= 100 {
			break
		}
		f[strconv.Itoa(x.Index)] = "metering.reason." + x.Reason
	}
	return &fault.Error{Kind: fault.ErrInvalid, Type: "metering-readings-rejected", Key: "metering.error.rejected", Fields: f,
		Args: map[string]any{"N": len(res.Rejected)}}
}

// parseBody reads a batch in the format its Content-Type names.
func (h *handler) parseBody(r *http.Request) ([]Input, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var in []Input
	var err error
	switch mt {
	case "application/json", "":
		in, err = ParseJSON(r.Body)
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		in, err = ParseNDJSON(r.Body)
	case "text/csv":
		in, err = ParseCSV(r.Body)
	case "application/senml+json":
		var b []byte
		if b, err = io.ReadAll(r.Body); err == nil {
			in, err = ParseSenML(b, h.svc.now())
			for i := range in {
				in[i].Device = r.URL.Query().Get("device")
			}
		}
	default:
		return nil, fault.New(fault.ErrInvalid, "unsupported-media-type", "metering.error.media_type")
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, fmt.Errorf("metering: batch: %w", err)
	}
	if err != nil {
		return nil, &fault.Error{Kind: fault.ErrInvalid, Type: "metering-batch-unreadable", Key: "metering.error.unreadable", Err: err}
	}
	if len(in) == 0 {
		return nil, fault.New(fault.ErrInvalid, "metering-batch-empty", "metering.error.empty")
	}
	return in, nil
}
