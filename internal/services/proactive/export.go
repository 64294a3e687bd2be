package proactive

import (
	"context"
	"fmt"
)

// Export is what the register holds about one person, for their data
// export (152-FZ subject access).
type Export struct {
	Consents []Consent  `json:"consents"`
	Register []Resident `json:"register"`
	Offers   []Offer    `json:"offers"`
}

// ExportUser gathers userID's consents, register entries and offers; the
// identity domain calls it for the person's own data export.
func (s *Service) ExportUser(ctx context.Context, userID string) (string, any, error) {
	out := Export{Consents: []Consent{}, Register: []Resident{}, Offers: []Offer{}}
	var err error
	if out.Consents, err = s.st.consents(ctx, userID); err != nil {
		return "", nil, err
	}
	rows, err := s.DB.R(ctx).QueryContext(ctx, `SELECT `+residentCols+` FROM proactive_residents WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return "", nil, fmt.Errorf("proactive: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Resident
		if err := scanResident(rows, &r); err != nil {
			return "", nil, err
		}
		out.Register = append(out.Register, r)
	}
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	if out.Offers, err = s.st.offersOf(ctx, userID, 10000); err != nil {
		return "", nil, err
	}
	return "proactive", out, nil
}
