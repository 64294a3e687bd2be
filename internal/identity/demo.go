package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
)

// DemoPassword is the password of every demo account unless DemoInput
// names another; `muni demo` prints it.
const DemoPassword = "muni-demo-2026"

// DemoInput names the demo territory the people belong to.
type DemoInput struct {
	RegionID       string
	Municipalities []DemoMunicipality
	Residents      int    // how many residents (default 220)
	Password       string // default DemoPassword
	Domain         string // e-mail domain (default "demo.example")
}

// DemoMunicipality is one demo municipality and its departments.
type DemoMunicipality struct {
	ID          string
	Departments []string // department ids
}

// DemoLogin is one account to print.
type DemoLogin struct {
	Role  string
	Email string
	Name  string
	Scope string
}

// DemoLogins are the officials' logins (and a sample resident) with the
// shared password.
type DemoLogins struct {
	Password  string
	Logins    []DemoLogin
	Residents int
}

// SeedDemo creates, idempotently, officials of every role and residents
// with consents for the demo territory. Accounts that exist already are
// left as they are.
func SeedDemo(ctx context.Context, s *Service, in DemoInput) (DemoLogins, error) {
	if in.Password == "" {
		in.Password = DemoPassword
	}
	if in.Domain == "" {
		in.Domain = "demo.example"
	}
	if in.Residents == 0 {
		in.Residents = 220
	}
	if len(in.Municipalities) == 0 {
		return DemoLogins{}, errors.New("identity: demo needs at least one municipality")
	}
	// One hash for every demo account: hashing hundreds of passwords with
	// argon2id would take most of a minute.
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return DemoLogins{}, err
	}
	d := &demo{s: s, in: in, hash: hash, out: DemoLogins{Password: in.Password}}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := d.officials(ctx); err != nil {
			return err
		}
		return d.residents(ctx)
	})
	return d.out, err
}

type demo struct {
	s    *Service
	in   DemoInput
	hash string
	out  DemoLogins
}

func (d *demo) officials(ctx context.Context) error {
	if err := d.official(ctx, "admin", "Администратор Платформы", auth.RolePlatformAdmin, "", ""); err != nil {
		return err
	}
	if d.in.RegionID != "" {
		if err := d.official(ctx, "region", "Ольга Региональная", auth.RoleRegionalOperator, d.in.RegionID, ""); err != nil {
			return err
		}
	}
	for mi, m := range d.in.Municipalities {
		tag := fmt.Sprintf("m%d", mi+1)
		if mi == 0 {
			tag = "mun"
		}
		if err := d.official(ctx, tag+".admin", "Сергей Администратов", auth.RoleMunicipalAdmin, m.ID, ""); err != nil {
			return err
		}
		for di, dep := range m.Departments {
			first, last := demoPerson(1000 + mi*50 + di*2)
			if err := d.official(ctx, fmt.Sprintf("%s.head%d", tag, di+1), first+" "+last, auth.RoleDepartmentHead, m.ID, dep); err != nil {
				return err
			}
			first, last = demoPerson(1001 + mi*50 + di*2)
			if err := d.official(ctx, fmt.Sprintf("%s.operator%d", tag, di+1), first+" "+last, auth.RoleOperator, m.ID, dep); err != nil {
				return err
			}
		}
	}
	return nil
}

// official ensures one official's account and grant.
func (d *demo) official(ctx context.Context, local, name string, role auth.Role, scopeID, deptID string) error {
	scope, err := d.s.place(ctx, scopeID, "scope_id")
	if err != nil {
		return fmt.Errorf("identity: demo scope %q: %w", scopeID, err)
	}
	home := Place{}
	if scope.TenantID != "" {
		if home, err = d.s.places.Place(ctx, scope.TenantID); err != nil {
			return err
		}
	}
	email := local + "@" + d.in.Domain
	u, created, err := d.ensure(ctx, email, name, home, false)
	if err != nil {
		return err
	}
	if created {
		g := GrantRecord{ID: db.NewID(), UserID: u.ID, Role: role.String(), ScopeID: scope.ID, ScopePath: scope.Path,
			TenantID: scope.TenantID, DepartmentID: deptID, GrantedBy: "demo", Created: d.s.now()}
		if err := d.s.st.insertGrant(ctx, g); err != nil {
			return err
		}
		if err := d.s.record(ctx, change{action: "identity.grant.create", objectType: "grant", objectID: g.ID,
			tenantID: g.TenantID, detail: map[string]any{"user_id": u.ID, "role": g.Role, "via": "demo"},
			event: "identity.grant.created", payload: g}); err != nil {
			return err
		}
	}
	d.out.Logins = append(d.out.Logins, DemoLogin{Role: role.String(), Email: email, Name: u.Name, Scope: scope.Name})
	return nil
}

func (d *demo) residents(ctx context.Context) error {
	ms := d.in.Municipalities
	for i := 0; i < d.in.Residents; i++ {
		home, err := d.s.places.Place(ctx, ms[i%len(ms)].ID)
		if err != nil {
			return err
		}
		first, last := demoPerson(i)
		email := fmt.Sprintf("%s.%s.%03d@%s", latin(first), latin(last), i+1, d.in.Domain)
		u, _, err := d.ensure(ctx, email, first+" "+last, home, true)
		if err != nil {
			return err
		}
		if i == 0 {
			d.out.Logins = append(d.out.Logins, DemoLogin{Role: auth.RoleResident.String(), Email: email, Name: u.Name, Scope: home.Name})
		}
		d.out.Residents++
	}
	return nil
}

// ensure returns the account at email, creating it (as a resident of
// home with a consent when resident is set) if it does not exist.
func (d *demo) ensure(ctx context.Context, email, name string, home Place, resident bool) (User, bool, error) {
	u, err := d.s.st.userByEmail(ctx, email)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return u, false, err
	}
	u = User{ID: db.NewID(), Email: email, Name: name, HomeID: home.ID, HomePath: home.Path, TenantID: home.TenantID,
		Status: StatusActive, HasPassword: true, passwordHash: d.hash, Created: d.s.now()}
	ctx = auth.With(ctx, &auth.Actor{Kind: auth.User, ID: u.ID})
	if err := d.s.st.insertUser(ctx, u, d.s.nowMs()); err != nil {
		return u, false, err
	}
	if err := d.s.st.confirmEmail(ctx, u.ID, d.s.nowMs()); err != nil {
		return u, false, err
	}
	if home.ID != "" {
		if err := d.s.giveConsent(ctx, u, CurrentConsent, "ru", "127.0.0.1"); err != nil {
			return u, false, err
		}
	}
	if resident {
		if err := d.s.residentGrant(ctx, u, home); err != nil {
			return u, false, err
		}
	}
	err = d.s.record(ctx, change{action: "identity.user.create", objectType: "user", objectID: u.ID, tenantID: u.TenantID,
		detail: map[string]any{"via": "demo"}, event: "identity.user.created", payload: map[string]string{"user_id": u.ID}})
	return u, true, err
}
