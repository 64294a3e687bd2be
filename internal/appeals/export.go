package appeals

import (
	"context"
)

// ExportUser is the appeals section of a person's data export (152-FZ
// subject access): every item they signed, with its history and clocks.
// It satisfies identity.Exporter through the app.
func (s *Service) ExportUser(ctx context.Context, userID string) (string, any, error) {
	out := []Appeal{}
	for before := ""; ; {
		page, err := s.st.list(ctx, listQuery{AuthorID: userID, BeforeID: before, Limit: 500})
		if err != nil {
			return "", nil, err
		}
		for _, sm := range page {
			a, err := s.st.appeal(ctx, sm.ID)
			if err != nil {
				return "", nil, err
			}
			out = append(out, a)
		}
		if len(page) < 500 {
			return "appeals", out, nil
		}
		before = page[len(page)-1].ID
	}
}
