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
package participation
