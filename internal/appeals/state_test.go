package appeals

import (
	"errors"
	"slices"
	"testing"

	"github.com/muni-platform/muni/internal/platform/fault"
)

func TestNextAllowed(t *testing.T) {
	for _, tc := range []struct {
		regime Regime
		from   State
		act    Action
		want   State
	}{
		{RegimeAppeal, Received, ActRegister, Registered},
		{RegimeReport, Received, ActRegister, Registered},
		{RegimeAppeal, Registered, ActAssign, Assigned},
		{RegimeReport, InProgress, ActAssign, Assigned}, // reassignment
		{RegimeAppeal, Assigned, ActStart, InProgress},
		{RegimeAppeal, InProgress, ActExtend, Extended},
		{RegimeAppeal, Assigned, ActExtend, Extended},
		{RegimeAppeal, Extended, ActAnswer, Answered},
		{RegimeAppeal, InProgress, ActAnswer, Answered},
		{RegimeReport, InProgress, ActFix, Fixed},
		{RegimeReport, InProgress, ActCloseNotFixed, ClosedNotFixed},
		{RegimeAppeal, Registered, ActRedirect, Redirected},
		{RegimeAppeal, Assigned, ActRedirect, Redirected},
		{RegimeAppeal, Received, ActReturn, Returned},
		{RegimeAppeal, InProgress, ActNoAnswer, NoAnswer},
		{RegimeAppeal, Answered, ActReopen, Reopened},
		{RegimeReport, Fixed, ActReopen, Reopened},
		{RegimeReport, ClosedNotFixed, ActReopen, Reopened},
		{RegimeReport, Reopened, ActStart, InProgress},
		{RegimeAppeal, Reopened, ActAssign, Assigned},
	} {
		got, err := Next(tc.regime, tc.from, tc.act)
		if err != nil || got != tc.want {
			t.Errorf("%s %s --%s--> %s, %v; want %s", tc.regime, tc.from, tc.act, got, err, tc.want)
		}
	}
}

func TestNextForbidden(t *testing.T) {
	for _, tc := range []struct {
		regime Regime
		from   State
		act    Action
	}{
		{RegimeAppeal, Received, ActAssign},        // must be registered first
		{RegimeAppeal, Received, ActAnswer},        // nor answered unregistered
		{RegimeAppeal, Registered, ActAnswer},      // work must start
		{RegimeAppeal, Extended, ActExtend},        // only one extension
		{RegimeReport, InProgress, ActExtend},      // reports run an SLA, not 59-FZ
		{RegimeReport, InProgress, ActAnswer},      // reports are fixed, not answered
		{RegimeAppeal, InProgress, ActFix},         // appeals are answered, not fixed
		{RegimeReport, Registered, ActRedirect},    // redirect is a 59-FZ step
		{RegimeAppeal, InProgress, ActRedirect},    // too late to redirect once worked on
		{RegimeAppeal, Answered, ActAnswer},        // answered once
		{RegimeAppeal, Redirected, ActReopen},      // gone to another body
		{RegimeAppeal, Returned, ActRegister},      // returned is final
		{RegimeReport, Received, ActReopen},        // nothing to reopen
		{RegimeReport, Fixed, ActFix},              // already fixed
		{RegimeAppeal, Registered, Action("x")},    // unknown action
		{RegimeReport, Reopened, ActCloseNotFixed}, // must be worked on again
	} {
		_, err := Next(tc.regime, tc.from, tc.act)
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("%s %s --%s--> allowed (err %v)", tc.regime, tc.from, tc.act, err)
		}
		if fe, ok := fault.As(err); !ok || fe.Type != "appeal-transition" {
			t.Errorf("%s %s --%s--> error %v has no problem type", tc.regime, tc.from, tc.act, err)
		}
	}
}

// Every state but the final ones leads somewhere, and every final one
// either ends the workflow or only reopens.
func TestActionsPerState(t *testing.T) {
	for _, regime := range []Regime{RegimeAppeal, RegimeReport} {
		for _, s := range States() {
			acts := Actions(regime, s)
			switch {
			case s.Closed() && len(acts) > 0 && !slices.Equal(acts, []Action{ActReopen}):
				t.Errorf("%s %s is closed but allows %v", regime, s, acts)
			case !s.Closed() && len(acts) == 0 && !(regime == RegimeReport && s == Extended):
				t.Errorf("%s %s is open but allows nothing", regime, s)
			}
		}
	}
	// Routing out of triage keeps the state, so it is open from the start.
	if got := Actions(RegimeAppeal, Received); !slices.Equal(got, []Action{ActRegister, ActReturn, ActRoute}) {
		t.Errorf("received appeal allows %v", got)
	}
}
