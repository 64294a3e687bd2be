package identity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/fault"
)

func birth(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOfficialVerifiesAResidence(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		res := e.register(t, "anna@example.ru", "a")
		op := e.official(t, "op@example.ru", "operator", "a")
		other := e.official(t, "opb@example.ru", "operator", "b")
		in := OfficialVerification{NodeID: "a1", BirthDate: birth("1990-04-02"), Document: "паспорт РФ"}

		if _, err := e.svc.VerifyResidence(context.Background(), res.ID, in); !errors.Is(err, fault.ErrUnauthorized) {
			t.Fatalf("anonymous: %v", err)
		}
		if _, err := e.svc.VerifyResidence(e.as(t, res.ID), res.ID, in); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("the resident verifying themselves: %v", err)
		}
		if _, err := e.svc.VerifyResidence(e.as(t, other.ID), res.ID, in); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another municipality's operator: %v", err)
		}
		audits := count(t, e.d, "audit_log")
		for _, c := range []struct {
			in    OfficialVerification
			field string
		}{
			{OfficialVerification{NodeID: "a1", BirthDate: birth("2099-01-01"), Document: "паспорт"}, "birth_date"},
			{OfficialVerification{NodeID: "a1", Document: "паспорт"}, "birth_date"},
			{OfficialVerification{NodeID: "a1", BirthDate: birth("1990-01-01")}, "document"},
			{OfficialVerification{NodeID: "a1", BirthDate: birth("1990-01-01"), Document: strings.Repeat("я", 101)}, "document"},
			{OfficialVerification{NodeID: "nowhere", BirthDate: birth("1990-01-01"), Document: "паспорт"}, "node_id"},
			{OfficialVerification{NodeID: "r", BirthDate: birth("1990-01-01"), Document: "паспорт"}, "node_id"},
		} {
			if _, err := e.svc.VerifyResidence(e.as(t, op.ID), res.ID, c.in); fieldErr(t, err, c.field) == "" {
				t.Errorf("%+v: want an error on %s, got %v", c.in, c.field, err)
			}
		}
		if count(t, e.d, "verifications") != 0 || count(t, e.d, "audit_log") != audits {
			t.Fatal("a refused verification wrote something")
		}
		if _, err := e.svc.VerifyResidence(e.as(t, op.ID), "no-such-user", in); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}

		v, err := e.svc.VerifyResidence(e.as(t, op.ID), res.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if v.Method != VerifiedByOfficial || v.NodePath != "/r/a/a1/" || v.TenantID != "a" || v.VerifiedBy != op.ID {
			t.Fatalf("verification %+v", v)
		}
		r, err := e.svc.Residence(context.Background(), res.ID)
		if err != nil || r.Verification == nil || !r.Verification.BirthDate.Equal(birth("1990-04-02")) || r.HomePath != "/r/a/" {
			t.Fatalf("residence %+v %v", r, err)
		}
		mine, err := e.svc.MyVerification(e.as(t, res.ID))
		if err != nil || mine.NodeID != "a1" {
			t.Fatalf("mine %+v %v", mine, err)
		}
		var detail string
		if err := e.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE action = 'identity.verification.official'`).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(detail, "1990") || !strings.Contains(detail, "паспорт") {
			t.Fatalf("the audit keeps the document kind, never the birth date: %s", detail)
		}

		if err := e.svc.RevokeVerification(e.as(t, other.ID), res.ID); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("revoke by another municipality: %v", err)
		}
		if err := e.svc.RevokeVerification(e.as(t, op.ID), res.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := e.svc.Residence(context.Background(), res.ID); r.Verification != nil {
			t.Fatal("revoked but still verified")
		}
	})
}

func TestCensusImportVerifiesMatchingClaims(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		adminA := e.official(t, "adm@example.ru", "municipal_admin", "a")
		adminB := e.official(t, "admb@example.ru", "municipal_admin", "b")
		early := e.register(t, "early@example.ru", "a") // claims before the import
		late := e.register(t, "late@example.ru", "a")   // claims after it
		wrong := e.register(t, "wrong@example.ru", "a") // a different address

		// "Анна Петрова" is every registered name in these tests.
		if ok, err := e.svc.ClaimResidence(e.as(t, early.ID), ResidenceClaim{BirthDate: birth("1985-03-01"),
			Address: "г. Луга, ул. Ленина, д. 5, кв. 12"}); err != nil || ok {
			t.Fatalf("claim before import: ok=%v %v", ok, err)
		}
		if ok, err := e.svc.ClaimResidence(e.as(t, wrong.ID), ResidenceClaim{BirthDate: birth("1985-03-01"),
			Address: "Луга, Кирова 1"}); err != nil || ok {
			t.Fatalf("claim with another address: ok=%v %v", ok, err)
		}
		if _, err := e.svc.ClaimResidence(e.as(t, late.ID), ResidenceClaim{Address: "Луга"}); fieldErr(t, err, "birth_date") == "" {
			t.Fatalf("claim without birth date: %v", err)
		}

		csv := "name,birth_date,address,node_id\n" +
			"ПЕТРОВА Анна,1985-03-01,\"Луга, Ленина 5, 12\",a1\n" +
			"Анна Петрова,1970-12-31,\"Луга, Садовая 3\",\n"
		if _, err := e.svc.ImportCensus(e.as(t, adminB.ID), "a", strings.NewReader(csv)); !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("import by another municipality: %v", err)
		}
		for name, bad := range map[string]string{
			"no header":      "Анна,1985-03-01,Луга\n",
			"bad date":       "name,birth_date,address\nАнна,01.03.1985,Луга\n",
			"other district": "name,birth_date,address,node_id\nАнна,1985-03-01,Луга,b\n",
			"empty":          "name,birth_date,address\n",
		} {
			if _, err := e.svc.ImportCensus(e.as(t, adminA.ID), "a", strings.NewReader(bad)); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if count(t, e.d, "census_rows") != 0 {
			t.Fatal("a refused import stored rows")
		}

		res, err := e.svc.ImportCensus(e.as(t, adminA.ID), "a", strings.NewReader(csv))
		if err != nil || res.Rows != 2 || res.Verified != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		r, _ := e.svc.Residence(context.Background(), early.ID)
		if r.Verification == nil || r.Verification.Method != VerifiedByCensus || r.Verification.NodePath != "/r/a/a1/" {
			t.Fatalf("early claim: %+v", r.Verification)
		}
		if r, _ := e.svc.Residence(context.Background(), wrong.ID); r.Verification != nil {
			t.Fatal("a claim with another address was verified")
		}
		ok, err := e.svc.ClaimResidence(e.as(t, late.ID), ResidenceClaim{BirthDate: birth("1970-12-31"), Address: "г. Луга, улица Садовая, дом 3"})
		if err != nil || !ok {
			t.Fatalf("late claim: ok=%v %v", ok, err)
		}
		if r, _ := e.svc.Residence(context.Background(), late.ID); r.Verification == nil || r.Verification.NodeID != "a" {
			t.Fatalf("late claim verified at the municipality: %+v", r.Verification)
		}
	})
}

func TestOIDCClaimsVerify(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "oidc@example.ru", "a")
		for _, claims := range []map[string]any{
			{},
			{"birthdate": "1990-01-01"},
			{"birthdate": "1990-01-01", "muni_residence_node": "nowhere"},
			{"birthdate": "not a date", "muni_residence_node": "a"},
		} {
			if _, ok, err := e.svc.VerifyFromClaims(context.Background(), u.ID, claims, OIDCClaimMap{}); ok || err != nil {
				t.Fatalf("%v: ok=%v %v", claims, ok, err)
			}
		}
		if count(t, e.d, "verifications") != 0 {
			t.Fatal("incomplete claims verified")
		}
		v, ok, err := e.svc.VerifyFromClaims(context.Background(), u.ID,
			map[string]any{"bd": "1990-01-01", "home": "a1"}, OIDCClaimMap{BirthDate: "bd", Residence: "home"})
		if err != nil || !ok || v.Method != VerifiedByOIDC || v.NodePath != "/r/a/a1/" {
			t.Fatalf("%+v ok=%v %v", v, ok, err)
		}
	})
}
