package auth

import (
	"strings"
	"testing"
)

func TestGrantsCoverTheTreeBelow(t *testing.T) {
	a := &Actor{Kind: User, Grants: []Grant{
		{Role: RoleMunicipalAdmin, ScopePath: "/lo/luga/"},
		{Role: RoleResident, ScopePath: "/lo/gatchina/"},
	}}
	cases := []struct {
		role Role
		path string
		want bool
	}{
		{RoleMunicipalAdmin, "/lo/luga/", true},
		{RoleOperator, "/lo/luga/village/", true},
		{RoleRegionalOperator, "/lo/luga/", false},
		{RoleOperator, "/lo/gatchina/", false},
		{RoleResident, "/lo/gatchina/", true},
		{RoleResident, "/lo/", false},
		{RoleResident, "/lo/lugano/", false}, // a sibling whose id shares a prefix
	}
	for _, tc := range cases {
		if got := a.Can(tc.role, tc.path); got != tc.want {
			t.Errorf("Can(%s, %s) = %v", tc.role, tc.path, got)
		}
	}
	if Anon.Can(RoleResident, "/lo/") || Anon.SignedIn() || Anon.Staff() {
		t.Error("anonymous can act")
	}
	if a.Top() != RoleMunicipalAdmin || !a.Staff() {
		t.Error("top role")
	}
	for _, r := range Roles() {
		if p, ok := ParseRole(r.String()); !ok || p != r {
			t.Errorf("role %v does not round-trip", r)
		}
	}
	if _, ok := ParseRole("none"); ok {
		t.Error("none is grantable")
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("%q %v", h, err)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatal("right password refused")
	}
	if ok, _ := CheckPassword(h, "correct horse batterY"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("malformed hash accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("salt not random")
	}
}
