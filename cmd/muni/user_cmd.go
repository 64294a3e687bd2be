package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/muni-platform/muni/internal/app"
	"github.com/muni-platform/muni/internal/identity"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// userCreate is `muni user create`: an active account, optionally with
// one role, for the person who runs the deployment (the first platform
// administrator, say).
func userCreate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flags("user create -email E -password P -name N [-role R -scope OKTMO|SLUG|NODE_ID]",
		"Creates an active account, optionally with one role on a territory node.\n"+
			"Roles: resident, operator, department_head, municipal_admin, regional_operator, platform_admin\n"+
			"(platform_admin takes no -scope). With -password - the password is read from standard input.")
	email := fs.String("email", "", "e-mail address (the login)")
	password := fs.String("password", "-", `password (at least 10 characters); "-" reads it from standard input`)
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "role to grant (optional)")
	scope := fs.String("scope", "", "territory node the role is granted on: its OKTMO code, URL slug or id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *password == "-" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError{"user create: no password on standard input"}
		}
		*password = strings.TrimRight(line, "\r\n")
	}
	a, done, err := env.app(ctx)
	if err != nil {
		return err
	}
	defer done()
	scopeID := scopeNode(ctx, a, *scope)
	u, err := a.Identity.CreateUser(ctx, identity.NewUser{Email: *email, Password: *password, Name: *name, Role: *role, ScopeID: scopeID})
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(env.out, "user %s created (id %s)", u.Email, u.ID)
	if *role != "" {
		fmt.Fprintf(env.out, " with role %s", *role)
	}
	fmt.Fprintln(env.out)
	return nil
}

// scopeNode resolves -scope given as an OKTMO code or a slug to the
// node's id; anything else is passed on as an id for identity to check.
func scopeNode(ctx context.Context, a *app.App, scope string) string {
	if scope == "" {
		return ""
	}
	if n, err := a.Territory.NodeByOKTMO(ctx, scope); err == nil {
		return n.ID
	}
	if n, err := a.Territory.NodeBySlug(ctx, scope); err == nil {
		return n.ID
	}
	return scope
}

// explain turns a validation failure into one readable line per field.
func explain(a *app.App, err error) error {
	f, ok := fault.As(err)
	if !ok || len(f.Fields) == 0 {
		return err
	}
	loc := a.Catalog.Localizer("en")
	var lines []string
	for field, key := range f.Fields {
		if field == "scope_id" {
			field = "scope"
		}
		lines = append(lines, fmt.Sprintf("  -%s: %s", field, loc.T(key)))
	}
	sort.Strings(lines)
	return usageError{"user create:\n" + strings.Join(lines, "\n")}
}
