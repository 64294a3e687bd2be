package metering

import "time"

// Quality is a reading's validation flag (VEE).
type Quality int

// The quality flags, as stored.
const (
	Measured  Quality = 0
	Estimated Quality = 1
	Edited    Quality = 2
	Suspect   Quality = 3
	Missing   Quality = 4
)

var qualityNames = []string{"measured", "estimated", "edited", "suspect", "missing"}

// String is the flag's stable name.
func (q Quality) String() string {
	if q < 0 || int(q) >= len(qualityNames) {
		return "unknown"
	}
	return qualityNames[q]
}

// ParseQuality reads a flag's name; "" is measured.
func ParseQuality(s string) (Quality, bool) {
	if s == "" {
		return Measured, true
	}
	for i, n := range qualityNames {
		if n == s {
			return Quality(i), true
		}
	}
	return 0, false
}

// Source is the path a reading came in by.
type Source int

// The sources, as stored.
const (
	SourceMQTT     Source = 1
	SourceHTTP     Source = 2
	SourceManual   Source = 3
	SourceResident Source = 4
	SourceImport   Source = 5
)

var sourceNames = map[Source]string{SourceMQTT: "mqtt", SourceHTTP: "http", SourceManual: "manual", SourceResident: "resident", SourceImport: "import"}

// String is the source's stable name.
func (s Source) String() string {
	if n, ok := sourceNames[s]; ok {
		return n
	}
	return "unknown"
}

// Reading is one stored value of one channel.
type Reading struct {
	ChannelID int64
	At        time.Time
	Value     float64
	Quality   Quality
	Source    Source
	Received  time.Time
}
