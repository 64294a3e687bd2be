package pb

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestPabulibRoundTrip(t *testing.T) {
	in := &Instance{
		Budget:   150_000_050,
		Rules:    Rules{Kind: Knapsack, Limit: 100_000_000, MinSpendPercent: 70},
		Meta:     map[string]string{"description": "Район; «Северный»", "country": "Russia", "unit": "Северный"},
		Projects: []Project{{ID: "p1", Name: "Сквер \"у школы\"", Cost: 60_000_000}, {ID: "p2", Name: "Детская площадка", Cost: 40_000_025}},
	}
	votes := []Vote{{Voter: "a1", Projects: []string{"p1", "p2"}}, {Voter: "a2", Projects: []string{"p2"}}}
	var buf bytes.Buffer
	if err := WritePabulib(&buf, in, votes, []string{"p2"}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{"META\n", "PROJECTS\n", "VOTES\n", "budget;1500000.50\n", "max_sum_cost;1000000\n",
		"min_sum_cost;700000\n", "p2;400000.25;2;Детская площадка;1\n", "a1;p1,p2\n", "vote_type;approval\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	in2, votes2, err := ReadPabulib(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in2, in) || !reflect.DeepEqual(votes2, votes) {
		t.Fatalf("round trip:\n%+v\n%+v\n%+v", in2, in, votes2)
	}
	var again bytes.Buffer
	if err := WritePabulib(&again, in2, votes2, []string{"p2"}); err != nil || again.String() != text {
		t.Fatalf("second write differs: %v\n%s", err, again.String())
	}
}

// A file as Pabulib publishes it (approval, integer costs, extra columns).
func TestReadPabulibSample(t *testing.T) {
	src := `META
key;value
description;Test district
num_projects;2
num_votes;3
budget;1000
vote_type;approval
rule;greedy
max_length;2
PROJECTS
project_id;cost;votes;name;category
1;600;2;Park;green
2;500;2;Library;culture
VOTES
voter_id;age;sex;vote
10;30;F;1,2
11;40;M;1
12;50;F;2
`
	in, votes, err := ReadPabulib(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if in.Budget != 100_000 || in.Rules.Kind != Approval || in.Rules.MaxProjects != 2 || len(in.Projects) != 2 || in.Projects[1].Cost != 50_000 {
		t.Fatalf("instance %+v", in)
	}
	if len(votes) != 3 || !reflect.DeepEqual(votes[0].Projects, []string{"1", "2"}) || in.Meta["rule"] != "greedy" {
		t.Fatalf("votes %+v meta %v", votes, in.Meta)
	}
	if w := Greedy(in, votes).Winners(); !reflect.DeepEqual(w, []string{"2"}) {
		t.Errorf("greedy = %v (tie on votes: cheaper first)", w)
	}
}

func TestReadPabulibErrors(t *testing.T) {
	for _, src := range []string{
		"1;2\n",
		"META\nkey;value\nbudget;abc\n",
		"META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;-5\n",
		"META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;5\n1;6\n",
	} {
		if _, _, err := ReadPabulib(strings.NewReader(src)); !errors.Is(err, ErrPabulib) {
			t.Errorf("%q: err %v", src, err)
		}
	}
}

func TestRoubles(t *testing.T) {
	for k, s := range map[int64]string{0: "0", 100: "1", 105: "1.05", 150: "1.50", 123456789: "1234567.89"} {
		if got := Roubles(k); got != s {
			t.Errorf("Roubles(%d) = %s", k, got)
		}
		if back, err := ParseRoubles(s); err != nil || back != k {
			t.Errorf("ParseRoubles(%s) = %d, %v", s, back, err)
		}
	}
	for _, s := range []string{"", "1.234", "x", "1.", "-3"} {
		if _, err := ParseRoubles(s); err == nil {
			t.Errorf("ParseRoubles(%q) accepted", s)
		}
	}
}
