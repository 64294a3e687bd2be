package identity

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestRegisterRecordsEverything(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "  Anna@Example.RU ", "a")
		if u.Email != "anna@example.ru" || u.TenantID != "a" || u.Status != StatusActive {
			t.Fatalf("user %+v", u)
		}
		ctx := e.as(t, u.ID)
		if !auth.From(ctx).Can(auth.RoleResident, "/r/a/") || auth.From(ctx).Can(auth.RoleResident, "/r/b/") {
			t.Error("resident grant must cover exactly the home municipality")
		}
		cs, err := e.svc.Consents(ctx)
		if err != nil || len(cs) != 1 {
			t.Fatalf("consents %v %v", cs, err)
		}
		doc, _ := ConsentDocument(CurrentConsent, "ru")
		if c := cs[0]; c.Version != CurrentConsent || c.TextHash != doc.Hash || c.IP != "10.0.0.1" || !c.Accepted.Equal(e.now) || !c.Active() {
			t.Errorf("consent %+v", c)
		}
		recs, _ := audit.New(e.d).List(context.Background(), audit.Filter{ActorID: u.ID})
		if len(recs) < 2 {
			t.Errorf("audit entries %d", len(recs))
		}
		for _, r := range recs {
			if strings.Contains(r.Detail, "anna@") {
				t.Errorf("personal data in audit detail: %s", r.Detail)
			}
		}
		if n := count(t, e.d, "event_outbox"); n < 2 {
			t.Errorf("outbox events %d", n)
		}
		// The confirmation link works once.
		tok := tokenOf(e.mail.link(t, "/confirm?token="))
		if err := e.svc.ConfirmEmail(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ConfirmEmail(context.Background(), tok); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("second use: %v", err)
		}
		me, _, _ := e.svc.Me(ctx)
		if !me.EmailConfirmed {
			t.Error("e-mail not confirmed")
		}
	})
}

func TestRegisterBadInputWritesNothing(t *testing.T) {
	good := Registration{Email: "ivan@example.ru", Password: "long enough pw", Name: "Иван", HomeID: "a", Consent: true,
		Version: CurrentConsent, Lang: "ru"}
	cases := []struct {
		name  string
		edit  func(r *Registration)
		field string
		key   string
	}{
		{"bad email", func(r *Registration) { r.Email = "ivan@" }, "email", "identity.field.email.invalid"},
		{"display name email", func(r *Registration) { r.Email = "Ivan <ivan@example.ru>" }, "email", "identity.field.email.invalid"},
		{"short password", func(r *Registration) { r.Password = "short" }, "password", "identity.field.password.short"},
		{"password is email", func(r *Registration) { r.Password = "IVAN@example.ru" }, "password", "identity.field.password.email"},
		{"no name", func(r *Registration) { r.Name = "   " }, "name", "identity.field.name.required"},
		{"markup name", func(r *Registration) { r.Name = "<script>alert(1)</script>" }, "name", "identity.field.name.chars"},
		{"no home", func(r *Registration) { r.HomeID = "" }, "home", "identity.field.home.required"},
		{"district is no home", func(r *Registration) { r.HomeID = "a1" }, "home", "identity.field.home.unknown"},
		{"injection home", func(r *Registration) { r.HomeID = "a' OR '1'='1" }, "home", "identity.field.home.unknown"},
		{"no consent", func(r *Registration) { r.Consent = false }, "consent", "identity.field.consent.required"},
		{"old consent", func(r *Registration) { r.Version = "v0" }, "consent", "identity.field.consent.outdated"},
	}
	run(t, func(t *testing.T, e *env) {
		for _, c := range cases {
			r := good
			c.edit(&r)
			_, err := e.svc.Register(context.Background(), r)
			if !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("%s: err %v", c.name, err)
				continue
			}
			if got := fieldErr(t, err, c.field); got != c.key {
				t.Errorf("%s: %s = %q, want %q", c.name, c.field, got, c.key)
			}
		}
		for _, table := range []string{"users", "consents", "grants", "audit_log", "event_outbox", "user_tokens"} {
			if n := count(t, e.d, table); n != 0 {
				t.Errorf("%s has %d rows after bad input", table, n)
			}
		}
	})
}

func TestDuplicateEmailWritesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.register(t, "anna@example.ru", "a")
		before := map[string]int{}
		tables := []string{"users", "consents", "grants", "audit_log", "event_outbox", "user_tokens"}
		for _, tb := range tables {
			before[tb] = count(t, e.d, tb)
		}
		_, err := e.svc.Register(context.Background(), Registration{Email: "ANNA@example.ru", Password: "another long pw",
			Name: "Другая Анна", HomeID: "b", Consent: true, Version: CurrentConsent, Lang: "ru"})
		if !errors.Is(err, fault.ErrConflict) || fieldErr(t, err, "email") != "identity.field.email.taken" {
			t.Fatalf("duplicate: %v", err)
		}
		for _, tb := range tables {
			if n := count(t, e.d, tb); n != before[tb] {
				t.Errorf("%s: %d rows, want %d", tb, n, before[tb])
			}
		}
	})
}

func TestLoginThrottlePerAccount(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.register(t, "anna@example.ru", "a")
		ctx := context.Background()
		for i := 0; i < 10; i++ {
			_, err := e.svc.Login(ctx, "anna@example.ru", "wrong password!", "10.0.0."+string(rune('1'+i)))
			want := ErrBadCredentials
			if i >= 5 {
				want = ErrThrottled
			}
			if !errors.Is(err, want) {
				t.Fatalf("attempt %d: %v, want %v", i+1, err, want)
			}
		}
		if _, err := e.svc.Login(ctx, "anna@example.ru", "correct horse battery", "10.9.9.9"); !errors.Is(err, ErrThrottled) {
			t.Fatalf("correct password while throttled: %v", err)
		}
		e.now = e.now.Add(16 * time.Minute)
		if _, err := e.svc.Login(ctx, "anna@example.ru", "correct horse battery", "10.9.9.9"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestLoginThrottlePerIPAndNoEnumeration(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.register(t, "anna@example.ru", "a")
		ctx := context.Background()
		var unknown, wrong error
		for i := 0; i < 5; i++ {
			// Different accounts, one address: the IP rule catches it.
			_, err := e.svc.Login(ctx, "nobody"+string(rune('a'+i))+"@example.ru", "whatever password", "192.0.2.7")
			if i == 0 {
				unknown = err
			}
		}
		_, wrong = e.svc.Login(ctx, "anna@example.ru", "wrong password!", "192.0.2.8")
		if unknown == nil || wrong == nil || unknown.Error() != wrong.Error() {
			t.Errorf("unknown account %v vs wrong password %v: must look the same", unknown, wrong)
		}
		if _, err := e.svc.Login(ctx, "anna@example.ru", "correct horse battery", "192.0.2.7"); !errors.Is(err, ErrThrottled) {
			t.Fatalf("throttled IP: %v", err)
		}
		if _, err := e.svc.Login(ctx, "anna@example.ru", "correct horse battery", "192.0.2.9"); err != nil {
			t.Fatalf("other IP: %v", err)
		}
	})
}

func TestPasswordResetSingleUseAndExpiry(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "anna@example.ru", "a")
		ctx := context.Background()
		if err := e.svc.RequestPasswordReset(ctx, "nobody@example.ru", "10.0.0.1"); err != nil {
			t.Fatalf("unknown address must look the same: %v", err)
		}
		sent := len(e.mail.got)
		if err := e.svc.RequestPasswordReset(ctx, "ANNA@example.ru", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if len(e.mail.got) != sent+1 {
			t.Fatal("no reset mail")
		}
		tok := tokenOf(e.mail.link(t, "/password/reset?token="))
		if err := e.svc.ResetPassword(ctx, tok, "short"); fieldErr(t, err, "password") != "identity.field.password.short" {
			t.Fatalf("short: %v", err)
		}
		// A failed attempt rolled back, so the link still works once.
		if err := e.svc.ResetPassword(ctx, tok, "brand new password"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.ResetPassword(ctx, tok, "yet another password"); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("second use: %v", err)
		}
		if _, err := e.svc.Login(ctx, u.Email, "brand new password", "10.0.0.1"); err != nil {
			t.Fatalf("login with new password: %v", err)
		}
		// Sessions from before the reset are over.
		if _, ok, _ := e.svc.ActorFor(ctx, u.ID, e.svc.nowMs()-1); ok {
			t.Error("old session still valid")
		}
		e.svc.RequestPasswordReset(ctx, u.Email, "10.0.0.1")
		late := tokenOf(e.mail.link(t, "/password/reset?token="))
		e.now = e.now.Add(61 * time.Minute)
		if err := e.svc.ResetPassword(ctx, late, "expired link password"); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("expired: %v", err)
		}
	})
}

func TestWithdrawConsentDeactivates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "anna@example.ru", "a")
		ctx := e.as(t, u.ID)
		authMs := e.svc.nowMs()
		e.now = e.now.Add(time.Minute)
		if err := e.svc.WithdrawConsent(ctx, "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := e.svc.ActorFor(context.Background(), u.ID, authMs); ok {
			t.Error("session survives withdrawal")
		}
		cs, _ := e.svc.st.consents(context.Background(), u.ID)
		if len(cs) != 1 || cs[0].Active() || !cs[0].Withdrawn.Equal(e.now) {
			t.Fatalf("consents %+v", cs)
		}
		if err := e.svc.WithdrawConsent(ctx, "10.0.0.2"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("second withdrawal: %v", err)
		}
		// Signing in again asks for consent, and giving it reactivates.
		got, err := e.svc.Login(context.Background(), u.Email, "correct horse battery", "10.0.0.3")
		if !errors.Is(err, ErrNeedsConsent) || got.ID != u.ID {
			t.Fatalf("login after withdrawal: %v", err)
		}
		if err := e.svc.AcceptConsent(context.Background(), u.ID, "", "en", "10.0.0.3", false); fieldErr(t, err, "consent") == "" {
			t.Fatal("accepted without the checkbox")
		}
		if err := e.svc.AcceptConsent(context.Background(), u.ID, "", "en", "10.0.0.3", true); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := e.svc.ActorFor(context.Background(), u.ID, e.svc.nowMs()); !ok {
			t.Error("not active after new consent")
		}
	})
}

func TestGrantRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		platform := e.official(t, "root@example.ru", "platform_admin", "")
		adminA := e.official(t, "admin.a@example.ru", "municipal_admin", "a")
		opA := e.official(t, "op.a@example.ru", "operator", "a")
		resA := e.register(t, "res.a@example.ru", "a")
		resB := e.register(t, "res.b@example.ru", "b")
		ctxA := e.as(t, adminA.ID)
		cases := []struct {
			name string
			ctx  context.Context
			user string
			in   GrantInput
			want error
		}{
			{"admin grants operator in own municipality", ctxA, resA.ID, GrantInput{Role: "operator", ScopeID: "a"}, nil},
			{"admin grants head with department", ctxA, resA.ID, GrantInput{Role: "department_head", ScopeID: "a", DepartmentID: "dep-a"}, nil},
			{"admin grants on a district below", ctxA, resA.ID, GrantInput{Role: "municipal_admin", ScopeID: "a1"}, nil},
			{"admin cannot grant above own role", ctxA, resA.ID, GrantInput{Role: "regional_operator", ScopeID: "a"}, fault.ErrForbidden},
			{"admin cannot grant on another municipality", ctxA, resA.ID, GrantInput{Role: "operator", ScopeID: "b"}, fault.ErrForbidden},
			{"admin cannot see another municipality's resident", ctxA, resB.ID, GrantInput{Role: "operator", ScopeID: "a"}, fault.ErrNotFound},
			{"operator cannot grant", e.as(t, opA.ID), resA.ID, GrantInput{Role: "resident", ScopeID: "a"}, fault.ErrForbidden},
			{"foreign department", ctxA, resA.ID, GrantInput{Role: "operator", ScopeID: "a", DepartmentID: "dep-b"}, fault.ErrInvalid},
			{"department on admin role", ctxA, resA.ID, GrantInput{Role: "municipal_admin", ScopeID: "a", DepartmentID: "dep-a"}, fault.ErrInvalid},
			{"unknown role", ctxA, resA.ID, GrantInput{Role: "mayor", ScopeID: "a"}, fault.ErrInvalid},
			{"unknown scope", ctxA, resA.ID, GrantInput{Role: "operator", ScopeID: "zz"}, fault.ErrInvalid},
			{"duplicate", ctxA, resA.ID, GrantInput{Role: "operator", ScopeID: "a"}, fault.ErrConflict},
			{"platform admin grants anything", e.as(t, platform.ID), resB.ID, GrantInput{Role: "regional_operator", ScopeID: "r"}, nil},
			{"platform admin role only at root", e.as(t, platform.ID), resB.ID, GrantInput{Role: "platform_admin", ScopeID: "b"}, fault.ErrInvalid},
			{"anonymous", context.Background(), resA.ID, GrantInput{Role: "operator", ScopeID: "a"}, fault.ErrUnauthorized},
		}
		for _, c := range cases {
			before := count(t, e.d, "grants")
			_, err := e.svc.Grant(c.ctx, c.user, c.in)
			if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.want)
			}
			if after := count(t, e.d, "grants"); c.want != nil && after != before {
				t.Errorf("%s: refused but wrote a grant", c.name)
			}
		}
		// The user's page names the department, not its id.
		_, shown, err := e.svc.UserDetail(ctxA, resA.ID)
		if err != nil {
			t.Fatal(err)
		}
		named := map[string]string{}
		for _, g := range shown {
			named[g.Role] = g.DepartmentName
		}
		if named["department_head"] != "ЖКХ" || named["operator"] != "" {
			t.Errorf("department names of A's grants: %v", named)
		}
		// Revocation follows the same rule and isolation.
		gs, _ := e.svc.st.grants(context.Background(), resB.ID)
		for _, g := range gs {
			if err := e.svc.Revoke(ctxA, g.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("admin A revoked B's grant %s: %v", g.Role, err)
			}
		}
		gs, _ = e.svc.st.grants(context.Background(), resA.ID)
		for _, g := range gs {
			if err := e.svc.Revoke(ctxA, g.ID); err != nil {
				t.Errorf("revoke %s: %v", g.Role, err)
			}
		}
		if left, _ := e.svc.st.grants(context.Background(), resA.ID); len(left) != 0 {
			t.Errorf("%d grants left", len(left))
		}
	})
}

func TestTenantIsolationOfUsers(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		adminA := e.official(t, "admin.a@example.ru", "municipal_admin", "a")
		adminB := e.official(t, "admin.b@example.ru", "municipal_admin", "b")
		resA := e.register(t, "res.a@example.ru", "a")
		resB := e.register(t, "res.b@example.ru", "b")
		ctxA := e.as(t, adminA.ID)
		us, err := e.svc.Users(ctxA, UserQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.ID == resB.ID || u.ID == adminB.ID {
				t.Errorf("admin A sees %s", u.Email)
			}
		}
		if len(us) != 2 {
			t.Errorf("admin A sees %d users, want 2 (self and resident A)", len(us))
		}
		if _, _, err := e.svc.UserDetail(ctxA, resB.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("detail of B's resident: %v", err)
		}
		if _, _, err := e.svc.UserDetail(ctxA, resA.ID); err != nil {
			t.Errorf("detail of own resident: %v", err)
		}
		if _, err := e.svc.Users(e.as(t, resA.ID), UserQuery{}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("resident listing users: %v", err)
		}
		found, _ := e.svc.Users(ctxA, UserQuery{Search: "RES.A"})
		if len(found) != 1 || found[0].ID != resA.ID {
			t.Errorf("search: %v", found)
		}
		none, _ := e.svc.Users(ctxA, UserQuery{Search: "%"})
		if len(none) != 0 {
			t.Errorf("a literal %% matched %d users", len(none))
		}
	})
}

func TestAPIKeys(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		adminA := e.official(t, "admin.a@example.ru", "municipal_admin", "a")
		adminB := e.official(t, "admin.b@example.ru", "municipal_admin", "b")
		ctxA := e.as(t, adminA.ID)
		if _, _, err := e.svc.CreateAPIKey(ctxA, APIKeyInput{Name: "Датчики", Role: "municipal_admin", ScopeID: "b"}); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("key for another municipality: %v", err)
		}
		if _, _, err := e.svc.CreateAPIKey(ctxA, APIKeyInput{Name: "", Role: "regional_operator", ScopeID: "a1"}); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("bad key input: %v", err)
		}
		if n := count(t, e.d, "api_keys"); n != 0 {
			t.Fatalf("refused keys wrote %d rows", n)
		}
		k, secret, err := e.svc.CreateAPIKey(ctxA, APIKeyInput{Name: "Датчики", Role: "operator", ScopeID: "a"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "muni_"+k.Prefix+"_") {
			t.Fatalf("key %q prefix %q", secret, k.Prefix)
		}
		var stored string
		e.d.Writer().QueryRow(`SELECT secret_hash FROM api_keys WHERE id = $1`, k.ID).Scan(&stored)
		if stored == "" || strings.Contains(stored, secret[10:]) || stored != auth.HashToken(secret) {
			t.Error("the key must be stored hashed")
		}
		a, err := e.svc.AuthenticateKey(context.Background(), secret)
		if err != nil || a.Kind != auth.Machine || !a.Can(auth.RoleOperator, "/r/a/") || a.Can(auth.RoleOperator, "/r/b/") {
			t.Fatalf("machine actor %+v %v", a, err)
		}
		for _, bad := range []string{"", "muni_", secret + "x", strings.Replace(secret, k.Prefix, "zzzzzzzz", 1), "Bearer " + secret} {
			if _, err := e.svc.AuthenticateKey(context.Background(), bad); !errors.Is(err, fault.ErrUnauthorized) {
				t.Errorf("key %q: %v", bad, err)
			}
		}
		if ks, _ := e.svc.APIKeys(e.as(t, adminB.ID)); len(ks) != 0 {
			t.Errorf("admin B sees %d of A's keys", len(ks))
		}
		if err := e.svc.RevokeAPIKey(e.as(t, adminB.ID), k.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("admin B revoked A's key: %v", err)
		}
		ks, _ := e.svc.APIKeys(ctxA)
		if len(ks) != 1 || ks[0].LastUsed == nil {
			t.Fatalf("keys %+v", ks)
		}
		if err := e.svc.RevokeAPIKey(ctxA, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateKey(context.Background(), secret); !errors.Is(err, ErrBadKey) {
			t.Fatalf("revoked key still works: %v", err)
		}
	})
}

func TestExportHoldsEverything(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "anna@example.ru", "a")
		e.svc.Login(context.Background(), u.Email, "correct horse battery", "10.0.0.5")
		e.svc.exporters = []Exporter{exporterFunc(func(ctx context.Context, id string) (string, any, error) {
			return "appeals", []string{"appeal of " + id}, nil
		})}
		x, err := e.svc.Export(e.as(t, u.ID))
		if err != nil {
			t.Fatal(err)
		}
		if x.Account.Email != u.Email || len(x.Consents) != 1 || len(x.Grants) != 1 || len(x.Logins) != 1 || len(x.Audit) < 2 {
			t.Errorf("export %+v", x)
		}
		if got := x.Sections["appeals"].([]string); got[0] != "appeal of "+u.ID {
			t.Errorf("section %v", got)
		}
		if _, err := e.svc.Export(context.Background()); !errors.Is(err, fault.ErrUnauthorized) {
			t.Errorf("anonymous export: %v", err)
		}
	})
}

type exporterFunc func(ctx context.Context, id string) (string, any, error)

func (f exporterFunc) ExportUser(ctx context.Context, id string) (string, any, error) {
	return f(ctx, id)
}

func TestSeedDemoIdempotent(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		in := DemoInput{RegionID: "r", Municipalities: []DemoMunicipality{{ID: "a", Departments: []string{"dep-a"}}, {ID: "b"}}, Residents: 210}
		out, err := SeedDemo(context.Background(), e.svc, in)
		if err != nil {
			t.Fatal(err)
		}
		users := count(t, e.d, "users")
		if out.Residents != 210 || users < 215 {
			t.Fatalf("residents %d, users %d", out.Residents, users)
		}
		roles := map[string]bool{}
		for _, l := range out.Logins {
			roles[l.Role] = true
		}
		for _, r := range auth.Roles() {
			if !roles[r.String()] {
				t.Errorf("no demo login with role %s", r)
			}
		}
		if _, err := SeedDemo(context.Background(), e.svc, in); err != nil {
			t.Fatal(err)
		}
		if n := count(t, e.d, "users"); n != users {
			t.Errorf("second run: %d users, want %d", n, users)
		}
		if _, err := e.svc.Login(context.Background(), out.Logins[0].Email, DemoPassword, "127.0.0.1"); err != nil {
			t.Errorf("demo login: %v", err)
		}
		if n := count(t, e.d, "consents"); n < 210 {
			t.Errorf("%d consents", n)
		}
	})
}

func TestDepartmentNarrowsScope(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		platform := e.official(t, "root@example.ru", "platform_admin", "")
		res := e.register(t, "res@example.ru", "a")
		g, err := e.svc.Grant(e.as(t, platform.ID), res.ID, GrantInput{Role: "operator", ScopeID: "r", DepartmentID: "dep-a"})
		if err != nil {
			t.Fatal(err)
		}
		if g.ScopeID != "a" || g.ScopePath != "/r/a/" || g.TenantID != "a" || g.DepartmentID != "dep-a" {
			t.Errorf("grant %+v: want the department's municipality as scope", g)
		}
		if _, err := e.svc.Grant(e.as(t, platform.ID), res.ID, GrantInput{Role: "operator", ScopeID: "b", DepartmentID: "dep-a"}); fieldErr(t, err, "department_id") == "" {
			t.Errorf("department of a on scope b: %v", err)
		}
	})
}

func TestPublicFormsLimitMail(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.svc.cfg.MailMax = 3
		ctx := context.Background()
		u := e.register(t, "anna@example.ru", "a") // one mail from 10.0.0.1
		sent := len(e.mail.got)
		// The address gets at most MailMax mails per window, whoever asks;
		// the answer stays the same so it reveals nothing.
		for i := 0; i < 5; i++ {
			if err := e.svc.RequestPasswordReset(ctx, u.Email, "192.0.2."+string(rune('1'+i))); err != nil {
				t.Fatalf("reset %d: %v", i, err)
			}
		}
		if got := len(e.mail.got) - sent; got != 2 { // the confirmation counted as the first
			t.Errorf("%d reset mails to one address, want 2", got)
		}
		// One IP may not keep registering (each registration mails).
		reg := func(email string) error {
			_, err := e.svc.Register(ctx, Registration{Email: email, Password: "long enough pw", Name: "Спамер", HomeID: "a",
				Consent: true, Version: CurrentConsent, Lang: "ru", IP: "10.0.0.1"})
			return err
		}
		for _, m := range []string{"v1@example.ru", "v2@example.ru"} {
			if err := reg(m); err != nil {
				t.Fatal(err)
			}
		}
		users := count(t, e.d, "users")
		if err := reg("v3@example.ru"); !errors.Is(err, fault.ErrTooMany) {
			t.Fatalf("fourth registration from one IP: %v", err)
		}
		if n := count(t, e.d, "users"); n != users {
			t.Errorf("refused registration wrote a user")
		}
		e.now = e.now.Add(61 * time.Minute)
		if err := reg("v3@example.ru"); err != nil {
			t.Errorf("after the window: %v", err)
		}
		x, _ := e.svc.Export(e.as(t, u.ID))
		for _, l := range x.Logins {
			if l.Outcome == "mail" {
				t.Error("mail counters leak into the login history")
			}
		}
	})
}

func TestPurgeKeepsRecentRecords(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.register(t, "anna@example.ru", "a")
		ctx := context.Background()
		e.svc.Login(ctx, u.Email, "wrong password!", "10.0.0.1")
		if n, err := e.svc.Purge(ctx); err != nil || n != 0 {
			t.Fatalf("fresh records purged: %d %v", n, err)
		}
		e.now = e.now.Add(73 * time.Hour) // the 48-hour confirmation link expired over a day ago
		if n, err := e.svc.Purge(ctx); err != nil || n != 1 {
			t.Fatalf("expired link: purged %d, %v", n, err)
		}
		e.now = e.now.Add(181 * 24 * time.Hour)
		if n, _ := e.svc.Purge(ctx); n != 2 { // the failed login and the registration's mail record
			t.Errorf("old sign-in records: purged %d, want 2", n)
		}
		if n := count(t, e.d, "login_events"); n != 0 {
			t.Errorf("%d login records left", n)
		}
	})
}
