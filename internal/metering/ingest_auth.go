package metering

import (
	"context"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// IngestAs runs readings through Ingest for an official or an API key
// holding at least an operator's role on the municipality.
func (s *Service) IngestAs(ctx context.Context, a *auth.Actor, muniID string, src Source, in []Input) (Result, error) {
	m, err := s.municipality(ctx, a, muniID, auth.RoleOperator)
	if err != nil {
		return Result{}, err
	}
	return s.Ingest(ctx, Batch{TenantID: m.ID, Source: src, Readings: in})
}

// IngestDevice runs a device's own readings through Ingest.
func (s *Service) IngestDevice(ctx context.Context, dev DeviceIdentity, src Source, in []Input) (Result, error) {
	return s.Ingest(ctx, Batch{TenantID: dev.TenantID, DeviceID: dev.ID, Source: src, Readings: in})
}
