package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// PollRealtime fetches a GTFS-Realtime feed from url once (an operator's
// TripUpdates or VehiclePositions endpoint) and takes it in as
// IngestRealtime does. A feed larger than MaxRealtimeBytes is refused.
func (s *Service) PollRealtime(ctx context.Context, client *http.Client, municipalityID, url string) (RealtimeResult, error) {
	if _, err := s.operate(ctx, municipalityID); err != nil {
		return RealtimeResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return RealtimeResult{}, fmt.Errorf("transport: poll %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/x-protobuf")
	res, err := client.Do(req)
	if err != nil {
		return RealtimeResult{}, fmt.Errorf("transport: poll %s: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return RealtimeResult{}, fmt.Errorf("transport: poll %s: status %d", url, res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxRealtimeBytes+1))
	if err != nil {
		return RealtimeResult{}, fmt.Errorf("transport: poll %s: %w", url, err)
	}
	if len(body) > MaxRealtimeBytes {
		return RealtimeResult{}, errors.New("transport: poll " + url + ": feed larger than 4 MiB")
	}
	return s.IngestRealtime(ctx, municipalityID, body)
}
