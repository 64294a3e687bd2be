// Package pb holds the pure rules of participatory budgeting: an instance
// (a budget limit and projects with costs), ballots of approval (k-of-n) and
// knapsack type, the two ways of choosing winners — greedy by votes and the
// Method of Equal Shares with its usual completion — and the Pabulib file
// format. It does no I/O beyond the io.Reader/io.Writer it is handed.
//
// All money is an integer number of kopecks; no float is used anywhere, so
// two implementations of the same rule on the same data agree to the kopeck
// and ties are genuine ties, broken by the documented order (see Less).
package pb
