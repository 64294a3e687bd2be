package identity

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ResidenceClaim is what a resident says of themselves so that the
// census can confirm it: their birth date and address. The name is the
// account's.
type ResidenceClaim struct {
	BirthDate time.Time `json:"birth_date"`
	Address   string    `json:"address"`
}

// CensusResult is what an import did.
type CensusResult struct {
	Rows     int `json:"rows"`     // census rows stored
	Verified int `json:"verified"` // residents whose waiting claims matched
}

// Limits on a census import.
const (
	MaxCensusRows = 200000
	maxAddress    = 300
)

// ClaimResidence records the signed-in resident's birth date and address
// in their home municipality and verifies them at once when a census row
// matches name, birth date and address. It reports whether they are now
// verified.
func (s *Service) ClaimResidence(ctx context.Context, in ResidenceClaim) (bool, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return false, err
	}
	u, err := s.st.user(ctx, a.ID)
	if err != nil {
		return false, err
	}
	bad := map[string]string{}
	checkBirth(bad, "birth_date", in.BirthDate, s.now())
	addr := addressKey(in.Address)
	if addr == "" || utf8.RuneCountInString(in.Address) > maxAddress {
		bad["address"] = "identity.field.address"
	}
	if u.TenantID == "" {
		bad["home_id"] = "identity.field.home.unknown"
	}
	if len(bad) > 0 {
		return false, fault.Invalid("claim-invalid", bad)
	}
	birth := dateOnly(in.BirthDate).Format(time.DateOnly)
	verified := false
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.exec(ctx, `INSERT INTO residence_claims (user_id, tenant_id, name_key, birth_date, address_key, claimed_ms)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id,
			name_key = excluded.name_key, birth_date = excluded.birth_date, address_key = excluded.address_key,
			claimed_ms = excluded.claimed_ms`, u.ID, u.TenantID, nameKey(u.Name), birth, addr, s.nowMs()); err != nil {
			return err
		}
		if err := s.record(ctx, change{action: "identity.residence.claim", objectType: "user", objectID: u.ID,
			tenantID: u.TenantID, event: "identity.residence.claimed", payload: map[string]string{"user_id": u.ID}}); err != nil {
			return err
		}
		n, err := s.matchCensus(ctx, u.TenantID, u.ID)
		verified = n > 0
		return err
	})
	return verified, err
}

// ImportCensus stores a municipality's census extract and verifies every
// waiting claim it matches. The CSV has a header with the columns name,
// birth_date (YYYY-MM-DD), address and optionally node_id (a district of
// the municipality; the municipality itself when empty). Any bad line
// fails the whole import with the line's number and nothing stored.
// Only the municipality's administrators may import.
func (s *Service) ImportCensus(ctx context.Context, tenantID string, r io.Reader) (CensusResult, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return CensusResult{}, err
	}
	m, err := s.places.Place(ctx, tenantID)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && m.TenantID != m.ID) {
		return CensusResult{}, ErrNotFound
	}
	if err != nil {
		return CensusResult{}, err
	}
	if !a.Can(auth.RoleMunicipalAdmin, m.Path) {
		return CensusResult{}, fault.New(fault.ErrForbidden, "forbidden", "error.forbidden")
	}
	rows, err := s.parseCensus(ctx, m, r)
	if err != nil {
		return CensusResult{}, err
	}
	batch, now := db.NewID(), s.nowMs()
	var res CensusResult
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		for _, c := range rows {
			if err := s.st.exec(ctx, `INSERT INTO census_rows (id, tenant_id, batch_id, name_key, birth_date, address_key,
				node_id, node_path, imported_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				db.NewID(), m.ID, batch, c.name, c.birth, c.address, c.node.ID, c.node.Path, now); err != nil {
				return err
			}
		}
		res.Rows = len(rows)
		if err := s.record(ctx, change{action: "identity.census.import", objectType: "census", objectID: batch,
			tenantID: m.ID, detail: map[string]any{"rows": len(rows)}, event: "identity.census.imported",
			payload: map[string]any{"batch_id": batch, "tenant_id": m.ID, "rows": len(rows)}}); err != nil {
			return err
		}
		res.Verified, err = s.matchCensus(ctx, m.ID, "")
		return err
	})
	return res, err
}

type censusRow struct {
	name, birth, address string
	node                 Place
}

func (s *Service) parseCensus(ctx context.Context, m Place, r io.Reader) ([]censusRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fault.Invalid("census-invalid", map[string]string{"file": "identity.census.header"})
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"name", "birth_date", "address"} {
		if _, ok := col[need]; !ok {
			return nil, fault.Invalid("census-invalid", map[string]string{"file": "identity.census.header"})
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	nodes := map[string]Place{"": m}
	var out []censusRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		bad := func() error {
			return fault.Invalid("census-invalid", map[string]string{fmt.Sprintf("line %d", line): "identity.census.line"})
		}
		if err != nil || len(out) >= MaxCensusRows {
			return nil, bad()
		}
		c := censusRow{name: nameKey(get(rec, "name")), address: addressKey(get(rec, "address"))}
		b, perr := time.Parse(time.DateOnly, get(rec, "birth_date"))
		if c.name == "" || c.address == "" || perr != nil || b.After(s.now()) {
			return nil, bad()
		}
		c.birth = b.Format(time.DateOnly)
		id := get(rec, "node_id")
		n, ok := nodes[id]
		if !ok {
			n, err = s.places.Place(ctx, id)
			if errors.Is(err, fault.ErrNotFound) || (err == nil && !strings.HasPrefix(n.Path, m.Path)) {
				return nil, bad()
			}
			if err != nil {
				return nil, err
			}
			nodes[id] = n
		}
		c.node = n
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fault.Invalid("census-invalid", map[string]string{"file": "identity.census.empty"})
	}
	return out, nil
}

// matchCensus verifies the tenant's waiting claims (only userID's when
// given) that a census row matches, and returns how many it verified. A
// person already verified by an official keeps that verification.
func (s *Service) matchCensus(ctx context.Context, tenantID, userID string) (int, error) {
	q := `SELECT c.user_id, c.birth_date, r.node_id, r.node_path FROM residence_claims c
		JOIN census_rows r ON r.tenant_id = c.tenant_id AND r.name_key = c.name_key AND r.birth_date = c.birth_date
			AND r.address_key = c.address_key
		LEFT JOIN verifications v ON v.user_id = c.user_id
		WHERE c.tenant_id = $1 AND (v.user_id IS NULL OR v.method = 'census')`
	args := []any{tenantID}
	if userID != "" {
		q += ` AND c.user_id = $2`
		args = append(args, userID)
	}
	rows, err := s.db.Q(ctx).QueryContext(ctx, q+` ORDER BY c.user_id, r.imported_ms DESC`, args...)
	if err != nil {
		return 0, err
	}
	var found []Verification
	for rows.Next() {
		var v Verification
		var birth string
		if err := rows.Scan(&v.UserID, &birth, &v.NodeID, &v.NodePath); err != nil {
			rows.Close()
			return 0, err
		}
		if len(found) > 0 && found[len(found)-1].UserID == v.UserID {
			continue // the newest matching row counts
		}
		v.BirthDate, _ = time.Parse(time.DateOnly, birth)
		found = append(found, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	a := auth.From(ctx)
	for _, v := range found {
		v.TenantID, v.Method, v.Document, v.VerifiedBy = tenantID, VerifiedByCensus, "census", a.ID
		v.VerifiedAt = s.now().Truncate(time.Millisecond)
		if err := s.saveVerification(ctx, v); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}
