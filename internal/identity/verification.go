package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// VerificationMethod says how a residence was verified.
type VerificationMethod string

// The ways a residence is verified.
const (
	// VerifiedByOfficial: an official saw a document (passport with a
	// registration stamp) and recorded what it showed.
	VerifiedByOfficial VerificationMethod = "official"
	// VerifiedByCensus: the resident's own claim matched an imported census
	// row by name, birth date and address.
	VerifiedByCensus VerificationMethod = "census"
	// VerifiedByOIDC: the identity provider vouched for the birth date and
	// the residence in its claims.
	VerifiedByOIDC VerificationMethod = "oidc"
)

// Verification is a person's entry in the voter roll: the territory node
// they are verified to live in and their birth date.
type Verification struct {
	UserID     string             `json:"user_id"`
	NodeID     string             `json:"node_id"`
	NodePath   string             `json:"-"`
	TenantID   string             `json:"tenant_id"`
	BirthDate  time.Time          `json:"birth_date"` // a date, midnight UTC
	Method     VerificationMethod `json:"method"`
	Document   string             `json:"document,omitempty"` // the kind of document seen, never its number
	VerifiedBy string             `json:"-"`
	VerifiedAt time.Time          `json:"verified_at"`
}

// Residence is what other domains (through the app) learn of a person's
// home: the declared one and, when verified, the verified one.
type Residence struct {
	UserID       string
	HomePath     string
	Verification *Verification // nil when not verified
}

// OfficialVerification is what an official records after seeing a
// document: where it says the person lives, their birth date and the kind
// of document (e.g. "паспорт РФ"), never its number.
type OfficialVerification struct {
	NodeID    string    `json:"node_id"`
	BirthDate time.Time `json:"birth_date"`
	Document  string    `json:"document"`
}

const maxDocument = 100

// dateOnly keeps the calendar date of t.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkBirth validates a birth date against today.
func checkBirth(bad map[string]string, field string, b, now time.Time) {
	if b.IsZero() || b.After(now) || b.Year() < now.Year()-130 {
		bad[field] = "identity.field.birth_date"
	}
}

// VerifyResidence records that an official saw a document showing that the
// user lives in the node and was born on the date. The official needs an
// operator's (or higher) grant over the node; the step is audited with the
// document kind and the node, never the birth date.
func (s *Service) VerifyResidence(ctx context.Context, userID string, in OfficialVerification) (Verification, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return Verification{}, err
	}
	in.Document = strings.TrimSpace(in.Document)
	bad := map[string]string{}
	checkBirth(bad, "birth_date", in.BirthDate, s.now())
	if in.Document == "" || !utf8.ValidString(in.Document) || utf8.RuneCountInString(in.Document) > maxDocument {
		bad["document"] = "identity.field.document"
	}
	var node Place
	if in.NodeID == "" {
		bad["node_id"] = "identity.field.scope.unknown"
	} else if node, err = s.places.Place(ctx, in.NodeID); errors.Is(err, fault.ErrNotFound) || (err == nil && node.TenantID == "") {
		bad["node_id"] = "identity.field.scope.unknown"
	} else if err != nil {
		return Verification{}, err
	}
	if len(bad) > 0 {
		return Verification{}, fault.Invalid("verification-invalid", bad)
	}
	if !a.Can(auth.RoleOperator, node.Path) {
		return Verification{}, fault.New(fault.ErrForbidden, "forbidden", "error.forbidden")
	}
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{UserID: u.ID, NodeID: node.ID, NodePath: node.Path, TenantID: node.TenantID,
		BirthDate: dateOnly(in.BirthDate), Method: VerifiedByOfficial, Document: in.Document, VerifiedBy: a.ID,
		VerifiedAt: s.now().Truncate(time.Millisecond)}
	return v, s.saveVerification(ctx, v)
}

// saveVerification writes v with its audit entry and event.
func (s *Service) saveVerification(ctx context.Context, v Verification) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.upsertVerification(ctx, v); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.verification." + string(v.Method), objectType: "user", objectID: v.UserID,
			tenantID: v.TenantID, detail: map[string]any{"node_id": v.NodeID, "method": v.Method, "document": v.Document},
			event: "identity.verified", payload: map[string]string{"user_id": v.UserID, "node_id": v.NodeID, "method": string(v.Method)}})
	})
}

// RevokeVerification takes a person off the voter roll (a wrong entry,
// a person who moved away); an operator over their verified node may.
func (s *Service) RevokeVerification(ctx context.Context, userID string) error {
	a, err := actorOrFail(ctx)
	if err != nil {
		return err
	}
	v, err := s.st.verification(ctx, userID)
	if err != nil {
		return err
	}
	if !a.Can(auth.RoleOperator, v.NodePath) {
		return fault.New(fault.ErrForbidden, "forbidden", "error.forbidden")
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.st.exec(ctx, `DELETE FROM verifications WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return s.record(ctx, change{action: "identity.verification.revoke", objectType: "user", objectID: userID,
			tenantID: v.TenantID, detail: map[string]any{"node_id": v.NodeID, "method": v.Method},
			event: "identity.verification.revoked", payload: map[string]string{"user_id": userID}})
	})
}

// MyVerification is the signed-in person's own entry; ErrNotFound when
// they are not verified.
func (s *Service) MyVerification(ctx context.Context) (Verification, error) {
	a, err := actorOrFail(ctx)
	if err != nil {
		return Verification{}, err
	}
	return s.st.verification(ctx, a.ID)
}

// Residence reads a person's declared and verified home. It does no
// authorization: it is the voter-roll port the app hands to other
// domains, which decide themselves whom to tell what.
func (s *Service) Residence(ctx context.Context, userID string) (Residence, error) {
	u, err := s.st.user(ctx, userID)
	if err != nil {
		return Residence{}, err
	}
	r := Residence{UserID: u.ID, HomePath: u.HomePath}
	v, err := s.st.verification(ctx, userID)
	switch {
	case err == nil:
		r.Verification = &v
	case !errors.Is(err, ErrNotFound):
		return r, err
	}
	return r, nil
}

// deletedResidence says which voter-roll records of a person went.
type deletedResidence struct{ verification, claim bool }

// deleteResidence deletes a person's verification and residence claim.
func (s *store) deleteResidence(ctx context.Context, userID string) (deletedResidence, error) {
	var out deletedResidence
	for _, q := range []struct {
		sql string
		hit *bool
	}{
		{`DELETE FROM verifications WHERE user_id = $1`, &out.verification},
		{`DELETE FROM residence_claims WHERE user_id = $1`, &out.claim},
	} {
		res, err := s.db.Q(ctx).ExecContext(ctx, q.sql, userID)
		if err != nil {
			return out, fmt.Errorf("identity: delete residence: %w", err)
		}
		n, _ := res.RowsAffected()
		*q.hit = n > 0
	}
	return out, nil
}

const verificationColumns = `user_id, node_id, node_path, tenant_id, birth_date, method, document, verified_by, verified_ms`

func (s *store) verification(ctx context.Context, userID string) (Verification, error) {
	var v Verification
	var birth string
	var at int64
	err := s.db.R(ctx).QueryRowContext(ctx, `SELECT `+verificationColumns+` FROM verifications WHERE user_id = $1`, userID).
		Scan(&v.UserID, &v.NodeID, &v.NodePath, &v.TenantID, &birth, &v.Method, &v.Document, &v.VerifiedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNotFound
	}
	if err != nil {
		return v, err
	}
	v.BirthDate, err = time.Parse(time.DateOnly, birth)
	v.VerifiedAt = db.Time(at)
	return v, err
}

func (s *store) upsertVerification(ctx context.Context, v Verification) error {
	return s.exec(ctx, `INSERT INTO verifications (`+verificationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (user_id) DO UPDATE SET node_id = excluded.node_id, node_path = excluded.node_path,
		tenant_id = excluded.tenant_id, birth_date = excluded.birth_date, method = excluded.method,
		document = excluded.document, verified_by = excluded.verified_by, verified_ms = excluded.verified_ms`,
		v.UserID, v.NodeID, v.NodePath, v.TenantID, v.BirthDate.Format(time.DateOnly), v.Method, v.Document, v.VerifiedBy,
		db.Millis(v.VerifiedAt))
}

// nameKey normalises a person's name for matching: lower case, ё as е,
// its words sorted, so "Петрова Анна" matches "Анна Петрова".
func nameKey(s string) string {
	w := strings.Fields(matchKey(s, nil))
	slices.Sort(w)
	return strings.Join(w, " ")
}

// addressKey normalises an address: lower case, ё as е, words of letters
// and digits, without the usual abbreviations (ул., д., кв., г.).
func addressKey(s string) string { return matchKey(s, addressNoise) }

var addressNoise = map[string]bool{"ул": true, "улица": true, "д": true, "дом": true, "кв": true, "квартира": true,
	"г": true, "город": true, "пр": true, "просп": true, "проспект": true, "пер": true, "переулок": true,
	"корп": true, "к": true, "стр": true, "st": true, "street": true, "apt": true}

func matchKey(s string, noise map[string]bool) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := words[:0]
	for _, w := range words {
		if !noise[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// ExportedResidence is a person's voter-roll records for their data
// export: the verification and the claim waiting for the census.
type ExportedResidence struct {
	Verification *Verification `json:"verification"`
	ClaimedAt    *time.Time    `json:"claimed_at,omitempty"`
}

// ExportResidence reads a person's voter-roll records for their data
// export (identity's Export calls exporters with the signed-in user).
func (s *Service) ExportResidence(ctx context.Context, userID string) (ExportedResidence, error) {
	var out ExportedResidence
	v, err := s.st.verification(ctx, userID)
	switch {
	case err == nil:
		out.Verification = &v
	case !errors.Is(err, ErrNotFound):
		return out, err
	}
	var at int64
	err = s.db.R(ctx).QueryRowContext(ctx, `SELECT claimed_ms FROM residence_claims WHERE user_id = $1`, userID).Scan(&at)
	switch {
	case err == nil:
		t := db.Time(at)
		out.ClaimedAt = &t
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	return out, nil
}
