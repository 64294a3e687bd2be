// Package monitoring turns the platform's data into something to watch
// and to compare: a public "what is happening" page per municipality, the
// officials' situation centre (one live screen across domains), and the
// indicators — the federal set of Decree 607 / Government Decree 1317
// and muni's own computed ones — with values and targets per period, a
// region view that compares municipalities, and XLSX/PDF reports.
//
// It owns only indicator values and targets. Everything else it reads
// through small interfaces (sources.go) that the app satisfies from the
// other domains; a source that is not wired shows as "not connected".
package monitoring
