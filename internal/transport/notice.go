package transport

import "sort"

// Severity is a notice's weight, as gtfs-validator grades it.
type Severity string

// The severities, gravest first.
const (
	SevError   Severity = "ERROR"
	SevWarning Severity = "WARNING"
	SevInfo    Severity = "INFO"
)

// Notice codes. All but the ones marked "muni" are MobilityData
// gtfs-validator codes with the validator's severity, so an operator can
// look them up in its rules.
const (
	CodeIOError                 = "io_error"
	CodeMissingRequiredFile     = "missing_required_file"
	CodeMissingCalendarFiles    = "missing_calendar_and_calendar_date_files"
	CodeEmptyFile               = "empty_file"
	CodeMissingRequiredColumn   = "missing_required_column"
	CodeDuplicatedColumn        = "duplicated_column"
	CodeUnknownColumn           = "unknown_column"
	CodeUnknownFile             = "unknown_file"
	CodeInvalidRowLength        = "invalid_row_length"
	CodeCSVParsingFailed        = "csv_parsing_failed"
	CodeMissingRequiredField    = "missing_required_field"
	CodeForeignKeyViolation     = "foreign_key_violation"
	CodeDuplicateKey            = "duplicate_key"
	CodeInvalidTime             = "invalid_time"
	CodeInvalidDate             = "invalid_date"
	CodeInvalidTimezone         = "invalid_timezone"
	CodeInvalidInteger          = "invalid_integer"
	CodeInvalidFloat            = "invalid_float"
	CodeInvalidColor            = "invalid_color"
	CodeInvalidURL              = "invalid_url"
	CodeNumberOutOfRange        = "number_out_of_range"
	CodeUnexpectedEnumValue     = "unexpected_enum_value"
	CodeInvalidCharacters       = "invalid_characters"
	CodeArrivalBeforeDeparture  = "stop_time_with_arrival_before_previous_departure_time"
	CodeOnlyArrivalOrDeparture  = "stop_time_with_only_arrival_or_departure_time"
	CodeMissingTripEdge         = "missing_trip_edge"
	CodeDecreasingShapeDistance = "decreasing_or_equal_shape_distance"
	CodeStartEndOutOfOrder      = "start_and_end_range_out_of_order"
	CodeOverlappingFrequency    = "overlapping_frequency"
	CodeRouteNamesMissing       = "route_both_short_and_long_name_missing"
	CodeInconsistentTimezone    = "inconsistent_agency_timezone"
	CodeUnusableTrip            = "unusable_trip"
	CodeUnusedShape             = "unused_shape"
	// CodeLegacyEncoding is muni's own: a file in Windows-1251 (common in
	// Russian exports) was read as such and should be saved as UTF-8.
	CodeLegacyEncoding = "cp1251_encoding"
)

// severities maps every code to its severity.
var severities = map[string]Severity{
	CodeIOError: SevError, CodeMissingRequiredFile: SevError, CodeMissingCalendarFiles: SevError,
	CodeEmptyFile: SevError, CodeMissingRequiredColumn: SevError, CodeDuplicatedColumn: SevError,
	CodeUnknownColumn: SevInfo, CodeUnknownFile: SevInfo, CodeInvalidRowLength: SevError,
	CodeCSVParsingFailed: SevError, CodeMissingRequiredField: SevError, CodeForeignKeyViolation: SevError,
	CodeDuplicateKey: SevError, CodeInvalidTime: SevError, CodeInvalidDate: SevError,
	CodeInvalidTimezone: SevError, CodeInvalidInteger: SevError, CodeInvalidFloat: SevError,
	CodeInvalidColor: SevError, CodeInvalidURL: SevError, CodeNumberOutOfRange: SevError,
	CodeUnexpectedEnumValue: SevWarning, CodeInvalidCharacters: SevWarning,
	CodeArrivalBeforeDeparture: SevError, CodeOnlyArrivalOrDeparture: SevError, CodeMissingTripEdge: SevError,
	CodeDecreasingShapeDistance: SevError, CodeStartEndOutOfOrder: SevError, CodeOverlappingFrequency: SevError,
	CodeRouteNamesMissing: SevError, CodeInconsistentTimezone: SevError, CodeUnusableTrip: SevWarning,
	CodeUnusedShape: SevWarning, CodeLegacyEncoding: SevWarning,
}

// blocking are the codes that mean rows could not be stored (a file, a
// column, a key or a value missing or unreadable): a feed with any of them
// is rejected whole. Other ERRORs (times that go back, inconsistent zones,
// names missing…) are reported on a stored feed, which then waits for the
// operator to activate it.
var blocking = map[string]bool{
	CodeIOError: true, CodeMissingRequiredFile: true, CodeMissingCalendarFiles: true, CodeMissingRequiredColumn: true,
	CodeCSVParsingFailed: true, CodeInvalidRowLength: true, CodeMissingRequiredField: true, CodeForeignKeyViolation: true,
	CodeDuplicateKey: true, CodeInvalidTime: true, CodeInvalidDate: true, CodeInvalidTimezone: true,
	CodeInvalidInteger: true, CodeInvalidFloat: true, CodeNumberOutOfRange: true,
}

// Blocking counts the notices that reject a feed.
func (ns *Notices) Blocking() int {
	n := 0
	for code, g := range ns.groups {
		if blocking[code] {
			n += g.Total
		}
	}
	return n
}

// IsBlocking reports whether a notice code rejects the feed.
func IsBlocking(code string) bool { return blocking[code] }

// SeverityOf is the severity of a notice code.
func SeverityOf(code string) Severity {
	if s, ok := severities[code]; ok {
		return s
	}
	return SevError
}

// Notice is one finding at one place in the feed.
type Notice struct {
	Code  string
	File  string
	Row   int // CSV row number, 1 = the header; 0 when not about a row
	Field string
	Value string
	Ref   string // the other file or key a foreign key or order check points at
}

// NoticeGroup is every notice of one code: the total and the first few.
type NoticeGroup struct {
	Code     string
	Severity Severity
	Total    int
	Samples  []Notice
}

// samplesPerCode bounds the notices kept per code: a million bad rows
// make one group with a count, not a million rows in the report.
const samplesPerCode = 25

// Notices collects notices grouped by code.
type Notices struct {
	groups map[string]*NoticeGroup
}

// Add records n.
func (ns *Notices) Add(n Notice) {
	if ns.groups == nil {
		ns.groups = map[string]*NoticeGroup{}
	}
	g := ns.groups[n.Code]
	if g == nil {
		g = &NoticeGroup{Code: n.Code, Severity: SeverityOf(n.Code)}
		ns.groups[n.Code] = g
	}
	g.Total++
	if len(g.Samples) < samplesPerCode {
		g.Samples = append(g.Samples, n)
	}
}

// Errors counts the notices of severity ERROR.
func (ns *Notices) Errors() int {
	n := 0
	for _, g := range ns.groups {
		if g.Severity == SevError {
			n += g.Total
		}
	}
	return n
}

// Has reports whether any notice of code was recorded.
func (ns *Notices) Has(code string) bool { _, ok := ns.groups[code]; return ok }

// Groups lists the groups, errors first, then by code.
func (ns *Notices) Groups() []NoticeGroup {
	out := make([]NoticeGroup, 0, len(ns.groups))
	for _, g := range ns.groups {
		out = append(out, *g)
	}
	rank := map[Severity]int{SevError: 0, SevWarning: 1, SevInfo: 2}
	sort.Slice(out, func(i, j int) bool {
		if rank[out[i].Severity] != rank[out[j].Severity] {
			return rank[out[i].Severity] < rank[out[j].Severity]
		}
		return out[i].Code < out[j].Code
	})
	return out
}
