// Package auth holds who is acting (Actor), the role ladder and the checks
// services make before they change anything. Grants are given on a node of
// the territory tree and cover every node below it: a grant's scope is the
// node's materialised path ("/region-id/municipality-id/"), and a grant
// covers any path it prefixes.
package auth

import (
	"context"
	"strings"
)

// Role is a rung of the ladder; a higher role can do what a lower one can.
type Role int

// The roles, lowest first.
const (
	RoleNone Role = iota
	RoleResident
	RoleOperator
	RoleDepartmentHead
	RoleMunicipalAdmin
	RoleRegionalOperator
	RolePlatformAdmin
)

var roleNames = []string{"none", "resident", "operator", "department_head", "municipal_admin", "regional_operator", "platform_admin"}

// String is the role's stable name, used in storage and the API.
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return "none"
	}
	return roleNames[r]
}

// ParseRole reads a stable role name.
func ParseRole(s string) (Role, bool) {
	for i, n := range roleNames {
		if n == s && i > 0 {
			return Role(i), true
		}
	}
	return RoleNone, false
}

// Roles lists every grantable role, lowest first.
func Roles() []Role {
	return []Role{RoleResident, RoleOperator, RoleDepartmentHead, RoleMunicipalAdmin, RoleRegionalOperator, RolePlatformAdmin}
}

// Grant is one role on one territory node (and optionally one department).
type Grant struct {
	Role         Role
	ScopeID      string // territory node id
	ScopePath    string // its materialised path, ending in "/"
	DepartmentID string // optional: the department a head or operator serves
}

// Covers reports whether the grant reaches the node at path.
func (g Grant) Covers(path string) bool { return strings.HasPrefix(path, g.ScopePath) }

// Kind says how an actor proved who it is.
type Kind int

// The kinds of actor.
const (
	Anonymous Kind = iota
	User
	Machine // an API key
)

// Actor is whoever makes the request: a signed-in person, a machine with
// an API key, or nobody.
type Actor struct {
	Kind      Kind
	ID        string // user id, or API key id for machines
	Name      string
	Email     string
	SessionID string
	Grants    []Grant
}

// Anon is the actor of a request that proved nothing.
var Anon = &Actor{Kind: Anonymous}

// SignedIn reports whether the actor is a known user or machine.
func (a *Actor) SignedIn() bool { return a != nil && a.Kind != Anonymous }

// Can reports whether the actor holds min or a higher role on the node at
// path or any node above it.
func (a *Actor) Can(min Role, path string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role >= min && g.Covers(path) {
			return true
		}
	}
	return false
}

// Top is the highest role the actor holds anywhere.
func (a *Actor) Top() Role {
	top := RoleNone
	if a == nil {
		return top
	}
	for _, g := range a.Grants {
		if g.Role > top {
			top = g.Role
		}
	}
	return top
}

// Staff reports whether the actor holds any official's role somewhere.
func (a *Actor) Staff() bool { return a.Top() >= RoleOperator }

type actorKey struct{}

// With returns ctx carrying the actor.
func With(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// From returns the actor in ctx, or Anon.
func From(ctx context.Context) *Actor {
	if a, ok := ctx.Value(actorKey{}).(*Actor); ok && a != nil {
		return a
	}
	return Anon
}
