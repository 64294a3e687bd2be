// Package appeals is how residents reach their municipality: formal
// appeals under 59-FZ (proposals, statements, complaints, individual or
// collective) and issue reports in categories (potholes, streetlights,
// garbage…) with an operational SLA per category.
//
// Both follow one explicit state machine (state.go) with an append-only
// history. Every deadline — the legal clocks of 59-FZ (register 3 days,
// redirect 7, answer 30, one extension of up to 30, information request
// 15) and category SLAs in hours or days, calendar or working — is stored
// with the rule, the legal basis and the calendar version it was computed
// from, in the municipality's own time zone, over a production calendar
// kept as data (internal/platform/calendar). Running clocks escalate at 50, 80
// and 100 % (appeal.escalated).
//
// The service authorizes every call (residents see their own items,
// officials those of the municipalities and departments their grants
// cover), validates input field by field, and writes each change with its
// history step, audit entry and outbox event ("appeal.registered"…) in one
// transaction. Around it: the resident pages (submit with a pin set on
// a map of the municipality or typed, up to five photos, nearby-duplicate
// check and "me too"; my appeals; confirm or dispute a fix), the
// officials' detail page and queue (filters, bulk assignment, internal
// comments, linked duplicates), the public list, map and statistics of
// issue reports (no authors, no texts, never formal appeals), a JSON API
// and Open311 GeoReport v2 at /open311/v2/.
//
// Photos (photo.go) are told by their content, not their name: JPEG and
// PNG are decoded and encoded again, which leaves pixels only (a JPEG
// turned upright first, as its EXIF orientation says); WebP keeps its
// image chunks and loses EXIF, XMP and ICC ones. They are stored in the
// database with the item, in its transaction — all or nothing, in every
// backup, seen by every instance — and served at
// /appeals/{id}/photos/{n}: to anyone for an issue report, to the author
// and the officials over it for a formal appeal. The submission routes
// take bodies large enough for five (web.Router.HandleBody).
//
// People hear of changes through the appeals' own outbox events, not a
// call inside the step (notify.go): the app subscribes one idempotent
// consumer per event type NotifyEvents lists and stores what Notices says
// with notify.Notify in the consumer's transaction. A notification thus
// exists once per committed change however often the bus delivers it, the
// official's step neither waits for it nor fails with it, and a failed
// one is retried by the bus on any instance. The author hears of
// registration, redirection, the answer, the fix or closing, return,
// extension, no answer, reopening and information requests (not of
// assignment or the start of work: internal routing, noise to them;
// never when anonymous); the department's heads — or, without one, the
// municipal administrators — hear of escalations.
//
// Work goes to a department and, optionally, a named official among those
// whose grants cover the item's municipality and department (Staff, which
// the app satisfies from identity's grants); reply templates per
// municipality and category prefill answers ({{number}}, {{date}},
// {{name}} substituted as plain text); an answer may carry up to five
// files (PDF, JPEG, PNG, told by content, images cleaned like photos),
// stored in the answer's transaction and served to the author and the
// officials only (attach.go).
//
// A category may ask extra questions (questions.go): string, number,
// datetime, text, single- and multi-choice lists, in order, required or
// not, in Russian and English, managed by the municipality's
// administrators at /appeals/admin/categories/{id}/questions. The form
// asks them for the chosen category; answers are checked by type and
// option and stored with the item; Open311 lists them as the service
// definition's attributes and takes attribute[code] on POST requests.
// A new item is routed (routing.go) by the municipality's table of
// category × district (or anywhere) → department, the districts being the
// municipality's child territories with their boundaries: a pin inside
// exactly one district and more than BoundaryMargin (30 m, measured in
// metres on a plane tangent at the pin) from every boundary takes that
// district's rule; near a boundary, outside every district, without a pin
// or without a rule the item waits in triage until an official routes it
// (a history step that keeps the state). An official may ask another
// body for information on a formal appeal (inforequest.go, 59-FZ art. 10
// p. 2), which runs the 15-day info_request clock until the answer comes.
package appeals
