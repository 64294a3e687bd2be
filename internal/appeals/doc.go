// Package appeals is how residents reach their municipality: formal
// appeals under 59-FZ (proposals, statements, complaints, individual or
// collective) and issue reports in categories (potholes, streetlights,
// garbage…) with an operational SLA per category. Both follow one state
// machine with an append-only history, and every deadline — legal clocks
// of 59-FZ and category SLAs — is stored with the rule and legal basis it
// was computed from, in the municipality's own time zone and over a
// production calendar kept as data.
package appeals
