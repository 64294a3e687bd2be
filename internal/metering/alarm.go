package metering

import (
	"encoding/json"
	"time"
)

// AlarmKind names what a detector found.
type AlarmKind string

// The alarm kinds.
const (
	AlarmNightFlow      AlarmKind = "night_flow"      // minimum night flow of a zone above its baseline: a leak
	AlarmZoneLoss       AlarmKind = "zone_loss"       // a zone's losses above its norm
	AlarmOutage         AlarmKind = "outage"          // a zone's meters went silent or to zero together
	AlarmOffline        AlarmKind = "offline"         // a device silent past its own interval
	AlarmStuck          AlarmKind = "stuck"           // a register that does not move
	AlarmReverseFlow    AlarmKind = "reverse_flow"    // a register running backwards
	AlarmSpike          AlarmKind = "spike"           // consumption far outside the channel's own pattern
	AlarmContinuousFlow AlarmKind = "continuous_flow" // no zero-flow hour in a day at a customer: a leak after the meter
)

// AlarmKinds lists every kind.
func AlarmKinds() []AlarmKind {
	return []AlarmKind{AlarmNightFlow, AlarmZoneLoss, AlarmOutage, AlarmOffline, AlarmStuck, AlarmReverseFlow, AlarmSpike, AlarmContinuousFlow}
}

// Severity of an alarm, lowest first.
type Severity string

// The severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

var severityRank = map[Severity]int{SeverityInfo: 1, SeverityWarning: 2, SeverityCritical: 3}

// AlarmStatus is where an alarm is in its life.
type AlarmStatus string

// The alarm states: raised → acknowledged → cleared; raised → cleared.
const (
	AlarmRaised       AlarmStatus = "raised"
	AlarmAcknowledged AlarmStatus = "acknowledged"
	AlarmCleared      AlarmStatus = "cleared"
)

// Alarm is one alarm.
type Alarm struct {
	ID           string          `json:"id"`
	TenantID     string          `json:"tenant_id"`
	Kind         AlarmKind       `json:"kind"`
	TargetType   string          `json:"target_type"`
	TargetID     string          `json:"target_id"`
	TargetName   string          `json:"target_name"`
	Severity     Severity        `json:"severity"`
	Status       AlarmStatus     `json:"status"`
	Since        time.Time       `json:"since"`
	Raised       time.Time       `json:"raised"`
	Seen         time.Time       `json:"seen"`
	Acknowledged *time.Time      `json:"acknowledged,omitempty"`
	AckedBy      string          `json:"acknowledged_by,omitempty"`
	Cleared      *time.Time      `json:"cleared,omitempty"`
	ClearedBy    string          `json:"cleared_by,omitempty"`
	Detail       json.RawMessage `json:"detail"`
}

// Open reports whether the alarm still needs attention.
func (a Alarm) Open() bool { return a.Status != AlarmCleared }

// Condition is what a detector reports: an alarm to raise, or to keep
// raised, on one target.
type Condition struct {
	TenantID   string
	Kind       AlarmKind
	TargetType string
	TargetID   string
	TargetName string
	Severity   Severity
	Since      time.Time
	Detail     map[string]any
}

// canMove reports whether an alarm in state from may move to to.
func canMove(from, to AlarmStatus) bool {
	switch to {
	case AlarmAcknowledged:
		return from == AlarmRaised
	case AlarmCleared:
		return from == AlarmRaised || from == AlarmAcknowledged
	}
	return false
}
