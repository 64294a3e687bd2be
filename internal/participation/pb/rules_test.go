package pb

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	projects := []Project{{ID: "a", Cost: 400}, {ID: "b", Cost: 300}, {ID: "c", Cost: 200}}
	knap := &Instance{Budget: 1000, Projects: projects, Rules: Rules{Kind: Knapsack, Limit: 700, MinSpendPercent: 50}}
	appr := &Instance{Budget: 1000, Projects: projects, Rules: Rules{Kind: Approval, MinProjects: 1, MaxProjects: 2}}
	cases := []struct {
		name string
		in   *Instance
		vote []string
		code string
		sum  int64
	}{
		{"knapsack fits exactly", knap, []string{"a", "b"}, "", 700},
		{"knapsack over limit", knap, []string{"a", "b", "c"}, "over_limit", 900},
		{"knapsack under minimum (350)", knap, []string{"b"}, "under_minimum", 300},
		{"knapsack at minimum", knap, []string{"a"}, "", 400},
		{"empty", knap, nil, "empty", 0},
		{"unknown", knap, []string{"z"}, "unknown_project", 0},
		{"duplicate", appr, []string{"a", "a"}, "duplicate", 0},
		{"approval 2 of 3", appr, []string{"a", "c"}, "", 600},
		{"approval too many", appr, []string{"a", "b", "c"}, "too_many", 900},
	}
	for _, c := range cases {
		sum, err := c.in.Check(c.vote)
		var be *BallotError
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.code != "" && (!errors.As(err, &be) || be.Code != c.code || !errors.Is(err, ErrInvalidBallot)):
			t.Errorf("%s: err %v, want %s", c.name, err, c.code)
		case c.code == "" && sum != c.sum:
			t.Errorf("%s: sum %d, want %d", c.name, sum, c.sum)
		}
	}
	if got := knap.MinSpend(); got != 350 {
		t.Errorf("MinSpend = %d", got)
	}
}

func TestValidate(t *testing.T) {
	bad := []*Instance{
		{Budget: 0, Rules: Rules{Kind: Approval}},
		{Budget: 10, Rules: Rules{Kind: "ranked"}},
		{Budget: 10, Rules: Rules{Kind: Approval}, Projects: []Project{{ID: "a", Cost: 1}, {ID: "a", Cost: 2}}},
		{Budget: 10, Rules: Rules{Kind: Approval}, Projects: []Project{{ID: "a", Cost: 0}}},
		{Budget: 10, Rules: Rules{Kind: Approval, MinProjects: 3, MaxProjects: 2}},
		{Budget: 10, Rules: Rules{Kind: Knapsack, MinSpendPercent: 101}},
	}
	for i, in := range bad {
		if err := in.Validate(); !errors.Is(err, ErrInvalidInstance) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}
