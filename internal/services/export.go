package services

import "context"

// ExportUser is the services section of a person's data export (152-FZ
// subject access): every application they started, with its values, the
// names of its files and its history. It satisfies identity.Exporter
// through the app.
func (s *Service) ExportUser(ctx context.Context, userID string) (string, any, error) {
	rows, err := s.st.apps(ctx, `WHERE a.applicant_id = $1 ORDER BY a.created_ms`, userID)
	if err != nil {
		return "", nil, wrap("export", err)
	}
	out := make([]Application, 0, len(rows))
	for _, r := range rows {
		app, err := s.complete(ctx, r)
		if err != nil {
			return "", nil, err
		}
		out = append(out, app)
	}
	return "services", out, nil
}
