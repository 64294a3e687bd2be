// Package participation is how residents take part in decisions:
// participatory processes divided into phases (information, proposals,
// review, voting, implementation, closed), each phase with a permission
// matrix — which action (support, comment, propose, vote, answer a poll)
// needs which verification level, residence in which territory (the whole
// municipality or one district node) and which minimum age.
//
// Eligible (eligible.go) is the single answer to "may this person do this
// now": the phase running at the moment, the person's verified residence
// (read through Residents, which the app adapts to identity's voter roll)
// under the phase's territory path, and their age on the phase's last day.
// It returns typed errors (ErrNotInPhase, ErrNotVerified,
// ErrWrongTerritory, ErrUnderAge) so every caller — proposals, comments,
// polls here, ballots beside them — refuses in the same words.
//
// Around it: proposals with supports (one per person, unique in the
// database) and a threshold relative to the territory's population,
// official answers, similar proposals suggested on creation, threaded
// comments marked for/against/neutral with flagging and auto-hiding, and
// polls (single choice, k-of-n, ranking, free text; one response per
// person) with results after close or live.
//
// The proposal list is read by keyset — (created_ms, id) or (supports,
// id) compared as a row value against an index that starts with the
// process and visibility — so any page of 100,000 proposals is one index
// range scan (proposals_bench_test.go, BENCHMARKS.md). Similar proposals
// are found by title word stems in an index table, then ranked by trigram
// similarity (similar.go).
//
// The pages (web.go, web_admin.go): /m/{slug}/participation/ lists a
// municipality's processes; a process page shows its phases and, for the
// person looking, what they may do now and why not; proposals have a
// list, a form that offers similar proposals before filing, and a page
// with supports, the thread, reports and the official answer; polls have
// a page with the form and the results. Administrators edit processes,
// phases with their matrix and polls under /admin/m/{slug}/participation;
// operators moderate what reports have hidden.
package participation
