package identity

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// auditDetail reads the detail of the newest audit entry with action.
func auditDetail(t *testing.T, e *env, action, objectID string) map[string]any {
	t.Helper()
	var raw string
	if err := e.d.Writer().QueryRow(`SELECT detail FROM audit_log WHERE action = $1 AND object_id = $2 ORDER BY seq DESC LIMIT 1`,
		action, objectID).Scan(&raw); err != nil {
		t.Fatalf("audit %s of %s: %v", action, objectID, err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWithdrawingConsentDeletesTheVoterRollRecords(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := e.official(t, "op@example.ru", "operator", "a")
		verified := e.register(t, "anna@example.ru", "a")
		claimant := e.register(t, "boris@example.ru", "a")
		keeper := e.register(t, "vera@example.ru", "a")
		for _, u := range []User{verified, keeper} {
			if _, err := e.svc.VerifyResidence(e.as(t, op.ID), u.ID,
				OfficialVerification{NodeID: "a1", BirthDate: birth("1990-04-02"), Document: "паспорт РФ"}); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := e.svc.ClaimResidence(e.as(t, claimant.ID), ResidenceClaim{BirthDate: birth("1985-01-01"), Address: "ул. Ленина, 1"}); err != nil || ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}

		// The export carries the verification while it exists.
		x, err := e.svc.Export(e.as(t, verified.ID))
		if err != nil || x.Residence.Verification == nil || x.Residence.Verification.NodeID != "a1" {
			t.Fatalf("export before: %+v %v", x, err)
		}
		b, _ := json.Marshal(x)
		if !strings.Contains(string(b), `"residence":{"verification":{`) || !strings.Contains(string(b), `"birth_date":"1990-04-02T00:00:00Z"`) {
			t.Fatalf("export JSON lacks the verification: %s", b)
		}
		if x, _ := e.svc.Export(e.as(t, claimant.ID)); x.Residence.ClaimedAt == nil || x.Residence.Verification != nil {
			t.Fatalf("claimant's export: %+v", x.Residence)
		}

		if err := e.svc.WithdrawConsent(e.as(t, verified.ID), "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.WithdrawConsent(e.as(t, claimant.ID), "10.0.0.3"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, e.d, "verifications"); n != 1 {
			t.Fatalf("%d verifications left, want only the keeper's", n)
		}
		if n := count(t, e.d, "residence_claims"); n != 0 {
			t.Fatalf("%d residence claims left", n)
		}
		if d := auditDetail(t, e, "identity.consent.withdraw", verified.ID); d["verification_deleted"] != true || d["claim_deleted"] != false {
			t.Errorf("withdrawal audit %v", d)
		}
		if d := auditDetail(t, e, "identity.consent.withdraw", claimant.ID); d["verification_deleted"] != false || d["claim_deleted"] != true {
			t.Errorf("claimant's withdrawal audit %v", d)
		}
		// A deactivated person still gets their export; it holds no roll entry.
		deact := auth.With(context.Background(), &auth.Actor{Kind: auth.User, ID: verified.ID})
		if x, err := e.svc.Export(deact); err != nil || x.Residence.Verification != nil || x.Residence.ClaimedAt != nil {
			t.Fatalf("export after withdrawal: %+v %v", x.Residence, err)
		}
		if r, err := e.svc.Residence(context.Background(), verified.ID); err != nil || r.Verification != nil {
			t.Fatalf("the voter roll still lists a withdrawn person: %+v %v", r, err)
		}
	})
}

func TestPurgeDeletesVoterRollRecordsWithoutConsent(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		gone := e.register(t, "anna@example.ru", "a")
		keeper := e.register(t, "vera@example.ru", "a")
		if err := e.svc.WithdrawConsent(e.as(t, gone.ID), "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		// Records kept from before withdrawal deleted them (written directly).
		for _, u := range []User{gone, keeper} {
			if err := e.svc.st.upsertVerification(context.Background(), Verification{UserID: u.ID, NodeID: "a1", NodePath: "/r/a/a1/",
				TenantID: "a", BirthDate: birth("1990-04-02"), Method: VerifiedByOfficial, Document: "паспорт", VerifiedBy: "x",
				VerifiedAt: e.now}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.d.Writer().Exec(`INSERT INTO residence_claims (user_id, tenant_id, name_key, birth_date, address_key, claimed_ms)
			VALUES ($1, 'a', 'анна петрова', '1990-04-02', 'ленина 1', 1)`, gone.ID); err != nil {
			t.Fatal(err)
		}
		n, err := e.svc.Purge(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if count(t, e.d, "verifications") != 1 || count(t, e.d, "residence_claims") != 0 {
			t.Fatal("purge left the withdrawn person's records or took the keeper's")
		}
		if v, err := e.svc.st.verification(context.Background(), keeper.ID); err != nil || v.UserID != keeper.ID {
			t.Fatalf("keeper: %v", err)
		}
		if d := auditDetail(t, e, "identity.residence.purge", gone.ID); d["verification_deleted"] != true || d["claim_deleted"] != true {
			t.Errorf("purge audit %v", d)
		}
		if n, err := e.svc.Purge(context.Background()); err != nil || n != 0 {
			t.Fatalf("second purge: %d %v", n, err)
		}
	})
}
