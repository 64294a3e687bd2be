// Package transport is a municipality's public transport: GTFS static
// feeds imported (zip or folder) with our own streaming reader, checked
// with the notice codes and severities of MobilityData's gtfs-validator,
// kept as numbered versions of which one is active, and exported back to
// GTFS; next departures per stop computed from the active version's
// calendars, calendar exceptions and frequencies, with delays and
// cancellations from GTFS-Realtime trip updates that operators push;
// stop coverage for planning; punctuality per route and carrier.
//
// Punctuality is measured from what realtime data says happened: each
// trip update's stop time events already in the past when the message
// was made, and vehicles reported STOPPED_AT a stop of their trip or
// within 30 m of one (the last such report, nearest departure), are
// kept per service date, trip and stop with the timetable's time, and
// cancelled trips apart. A stop event is on time from 1 minute early to
// 5 minutes late; a trip is missed when cancelled or never seen once its
// last stop is due; excess wait time (actual minus scheduled average
// wait, Σh²/2Σh) is measured at stops a line serves every 12 minutes or
// more often over the service day. Trips run by frequencies.txt have no
// fixed times and are not measured.
//
// A feed whose notices mean rows could not be stored (a missing file,
// key, reference or unreadable value) is rejected: its rows are rolled
// back and only the version record with its report is kept, so the
// operator sees why and nothing half-written reaches the public pages. A
// feed with other errors is kept inactive for the operator to review; a
// clean one becomes active at once.
//
// Times are kept as seconds from the service day's noon minus 12 hours
// in the feed's zone, so trips past midnight (25:10:00) and the days
// clocks change stay right; residents read them in the municipality's
// zone. Coverage counts a locality as served when its centre lies within
// 500 m in a straight line of a stop with enough departures per hour.
//
// Vehicle positions also arrive over MQTT (mqtt.go): one JSON position a
// message on muni/<municipality>/v1/vehicles/<vehicle>/position, from the
// broker embedded in muni serve (Realm: an operator's API key admits a
// vehicle or a fleet gateway) or from an external broker
// (TakeVehiclePosition), stored as a GTFS-Realtime vehicle position.
//
// The Decree 607 indicator (planning_centre.go) is the share of residents
// of settlements without regular service to the administrative centre:
// a trip calling at a stop within 1 km of the settlement and one within
// 2 km of the centre, on at least 5 days of the measured week.
package transport
