package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/mail"
	"github.com/muni-platform/muni/internal/territory"
)

// buildIdentity makes the identity service over the territory tree.
// exporters are the other domains' sections of a person's data export.
func (a *App) buildIdentity(t *territory.Service, exporters ...identity.Exporter) *identity.Service {
	c := a.Cfg
	return identity.New(identity.Config{
		LoginMaxFails: c.LoginMaxFails, LoginWindow: c.LoginWindow, PublicURL: c.PublicURL(),
		OIDCIssuer: c.OIDCIssuer, OIDCClientID: c.OIDCClientID, OIDCSecret: c.OIDCSecret,
		OIDCClaims: identity.OIDCClaimMap{BirthDate: c.OIDCBirthClaim, Residence: c.OIDCHomeClaim, OKTMO: c.OIDCOKTMOClaim},
		MailMax:    c.MailMax, MailWindow: c.MailWindow, LoginHistory: c.LoginHistory,
	}, identity.Deps{
		DB: a.DB, Places: identityPlaces{t}, Departments: identityPlaces{t}, Catalog: a.Catalog,
		Mail:     mail.New(mail.Config{SMTPAddr: c.SMTPAddr, SMTPUser: c.SMTPUser, SMTPPassword: c.SMTPPassword, SMTPFrom: c.SMTPFrom}, a.Log),
		Sessions: a.Sessions, Exporters: exporters, Log: a.Log,
	})
}

// identityPlaces adapts the territory domain to identity.Places and
// identity.Departments.
type identityPlaces struct{ t *territory.Service }

func placeOf(n territory.Node) identity.Place {
	return identity.Place{ID: n.ID, Path: n.Path, TenantID: n.TenantID, Slug: n.Slug, Name: n.NameRU, NameEN: n.NameEN}
}

// Place returns one territory node.
func (p identityPlaces) Place(ctx context.Context, id string) (identity.Place, error) {
	n, err := p.t.Node(ctx, id)
	return placeOf(n), err
}

// PlaceByOKTMO returns the territory node with an OKTMO code.
func (p identityPlaces) PlaceByOKTMO(ctx context.Context, code string) (identity.Place, error) {
	n, err := p.t.NodeByOKTMO(ctx, code)
	return placeOf(n), err
}

// Municipalities lists every municipal formation.
func (p identityPlaces) Municipalities(ctx context.Context) ([]identity.Place, error) {
	ms, err := p.t.Municipalities(ctx)
	out := make([]identity.Place, 0, len(ms))
	for _, m := range ms {
		out = append(out, placeOf(m.Node))
	}
	return out, err
}

// Covered lists the node at path and everything below it.
func (p identityPlaces) Covered(ctx context.Context, path string) ([]identity.Place, error) {
	ns, err := p.t.Subtree(ctx, path)
	if errors.Is(err, territory.ErrNotFound) {
		return nil, nil
	}
	out := make([]identity.Place, 0, len(ns))
	for _, n := range ns {
		out = append(out, placeOf(n))
	}
	return out, err
}

// Department returns one department.
func (p identityPlaces) Department(ctx context.Context, id string) (identity.Department, error) {
	d, err := p.t.Department(ctx, id)
	return identity.Department{ID: d.ID, MunicipalityID: d.MuniID, Name: d.NameRU, NameEN: d.NameEN}, err
}

// DepartmentsOf lists a municipality's departments.
func (p identityPlaces) DepartmentsOf(ctx context.Context, muniID string) ([]identity.Department, error) {
	ds, err := p.t.Departments(ctx, muniID)
	out := make([]identity.Department, 0, len(ds))
	for _, d := range ds {
		out = append(out, identity.Department{ID: d.ID, MunicipalityID: d.MuniID, Name: d.NameRU, NameEN: d.NameEN})
	}
	return out, err
}

// demoIdentity is the demo step that creates officials of every role and
// 200+ residents with consents on the territory step's municipalities.
func demoIdentity(ctx context.Context, a *App, w *DemoWorld) error {
	td, err := w.territory()
	if err != nil {
		return err
	}
	in := identity.DemoInput{RegionID: td.Region.ID}
	for _, m := range td.All() {
		dm := identity.DemoMunicipality{ID: m.ID}
		// By code, so each demo head and operator keeps their department.
		for _, code := range slices.Sorted(maps.Keys(m.Departments)) {
			dm.Departments = append(dm.Departments, m.Departments[code])
		}
		in.Municipalities = append(in.Municipalities, dm)
	}
	out, err := identity.SeedDemo(AsSystem(ctx), a.Identity, in)
	if err != nil {
		return err
	}
	for _, l := range out.Logins {
		w.Logins = append(w.Logins, DemoLogin{Role: l.Role, Email: l.Email, Password: out.Password, Scope: l.Scope})
	}
	w.Notes = append(w.Notes, fmt.Sprintf("identity: %d officials and %d residents with consents, password %s",
		len(out.Logins)-1, out.Residents, out.Password))
	return nil
}
