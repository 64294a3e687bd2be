// Package transport is a municipality's public transport: GTFS static
// feeds imported (zip or folder) with our own streaming reader, checked
// with the notice codes and severities of MobilityData's gtfs-validator,
// kept as numbered versions of which one is active, and exported back to
// GTFS; next departures per stop computed from the active version's
// calendars, calendar exceptions and frequencies.
//
// A feed with any ERROR notice is rejected: its rows are rolled back and
// only the version record with its report is kept, so the operator sees
// why and nothing half-written reaches the public pages.
package transport
