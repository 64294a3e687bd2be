package participation

import "github.com/muni-platform/muni/internal/platform/fault"

// Why a ballot is refused, beyond Eligible's reasons.
var (
	// ErrAlreadyVoted: the person is on the roll of this budget and gave no
	// re-vote code.
	ErrAlreadyVoted = fault.New(ErrConflict, "ballot-already-cast", "participation.ballot.error.already_voted")
	// ErrIdempotencyReuse: the idempotency key came before with another
	// ballot (or from another voter).
	ErrIdempotencyReuse = fault.New(ErrConflict, "ballot-idempotency-reused", "participation.ballot.error.idempotency")
	// ErrRevoteCode: the re-vote code does not belong to this person's
	// ballot, or there is no ballot to replace.
	ErrRevoteCode = fault.New(ErrForbidden, "ballot-revote-code", "participation.ballot.error.revote_code")
	// ErrReceiptUnknown: no ballot in the published log has this receipt.
	ErrReceiptUnknown = fault.New(ErrNotFound, "ballot-receipt-unknown", "participation.ballot.error.receipt_unknown")
)

func ballotFault(typ, key string) error { return fault.New(ErrConflict, typ, key) }
