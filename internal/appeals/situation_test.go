package appeals

import (
	"slices"
	"testing"
)

// TestOpenStates: the situation's spelled-out open states are exactly
// the states that are not closed.
func TestOpenStates(t *testing.T) {
	all := []State{Received, Registered, Assigned, InProgress, Extended, Answered, Fixed, ClosedNotFixed, Redirected, Returned, NoAnswer, Reopened}
	for _, s := range all {
		if slices.Contains(openStates, s) == s.Closed() {
			t.Errorf("%s: open list says %v, Closed says %v", s, slices.Contains(openStates, s), s.Closed())
		}
	}
}
