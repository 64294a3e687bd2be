// Package decisions is the municipality's decision support and decision
// register. Officials weigh the options of a question on criteria (AHP
// pairwise judgements or direct weights), rank them with TOPSIS, test the
// ranking's sensitivity and budget scenarios, and attach the platform's
// evidence; the decision taken is then published to residents with its
// rationale, linked data and implementation status, which residents may
// follow and read as an Atom feed.
package decisions
