// Package engine holds the metering rules that need no I/O: turning
// cumulative registers into consumption (out of order, duplicated, rolled
// over, replaced meters), bucketing it by the municipality's local hour
// and day, zone and IWA water balances, minimum-night-flow leak detection,
// meter validation (stuck, reverse flow, spikes by modified z-score, gaps,
// continuous customer-side flow), offline devices, outage inference, and
// the interruption ledger's limits and charge reductions.
//
// Every function takes plain values and returns plain values; the
// metering package reads the database and calls these. Times are Unix
// milliseconds in UTC; local calendars come in as *time.Location.
package engine
