package participation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/muni-platform/muni/internal/participation/pb"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// BallotBox casts, replaces, counts and proves secret budget ballots.
//
// # Secrecy: who voted and what was voted never meet
//
// The roll (participation_ballot_roll) says who voted: budget, voter, the
// day (UTC, nothing finer), the channel and check_mac. The box
// (participation_ballot_box) says what was voted: budget, slot, the hash of
// the idempotency key, the projects and the receipt. They share no id and
// the box has no time at all; on SQLite both are WITHOUT ROWID tables, so
// the file keeps them in key order rather than insertion order.
//
// The voter's secret is HMAC-SHA-256(idempotency key, "muni ballot secret
// v1"): the idempotency key is 128 random bits the ballot form carries,
// never stored (the box keeps only its SHA-256). The receipt page hands the
// secret to the voter as their re-vote code. From it:
//
//	slot      = HMAC(secret, "box", budget)          — the box row's key
//	check_mac = HMAC(secret, "roll", budget, voter)  — on the roll
//
// An administrator reading the database sees two random-looking values per
// voter and cannot compute either from the other without the secret. To
// re-vote, the voter presents the code: the service checks check_mac on
// their roll row, finds the box row by slot and replaces its content — one
// row per voter in the box, always. The log keeps both versions under the
// same slot, so the public sees that some ballot was replaced, never whose.
//
// What remains: the server sees voter and ballot together while it handles
// the request (as any online vote does); on PostgreSQL the heap's physical
// order (ctid) of the roll follows insertion order and so does the log's
// leaf order — a database superuser could line them up. The audit log gets
// no per-ballot entry for the same reason: the published log is the audit
// trail of ballots, the roll the record of who voted.
//
// # Double voting
//
// The roll's primary key (budget, voter) admits one row per voter; the
// insert is ON CONFLICT DO NOTHING, so concurrent requests serialize on the
// key in the database and all but one find the row taken. A replayed
// request carries the same key (and re-vote code), so it derives the same
// slot: the row there holding the key's hash returns the first receipt,
// and a key reused with another ballot (or by another voter, whose first
// ballot would land in the same slot) fails. The box has no index on the
// hash nor on the receipt (the receipt check reads the slot from the log's
// leaf): each index keyed by a random value is one more scattered page
// written per ballot.
//
// # The log
//
// Every cast appends a leaf (see receipt.go) to the budget's RFC 6962 log
// in the same transaction and signs a new checkpoint with ed25519.
// Concurrent casts share a transaction (ballot_batch.go).
type BallotBox struct {
	s *Service

	mu    sync.Mutex
	key   ed25519.PrivateKey // nil until configured or loaded
	batch batcher
}

// NewBallotBox returns the ballot box over the service; key signs
// checkpoints — nil means the key stored in the database, generated on
// first use.
func NewBallotBox(s *Service, key ed25519.PrivateKey) *BallotBox {
	return &BallotBox{s: s, key: key}
}

// BallotInput is a ballot as a voter submits it.
type BallotInput struct {
	Projects []string `json:"projects"`
	// IdempotencyKey is random (at least 128 bits, 22–200 characters),
	// fresh for every ballot form; a retry sends the same one.
	IdempotencyKey string `json:"idempotency_key"`
	// RevoteCode is the secret from the voter's first receipt; it is
	// needed, and only needed, to replace a ballot.
	RevoteCode string `json:"revote_code,omitempty"`
}

// Receipt is what the voter takes away.
type Receipt struct {
	BudgetID   string     `json:"budget_id"`
	Receipt    string     `json:"receipt"`
	Nonce      string     `json:"nonce"`
	Projects   []string   `json:"projects"`
	Sum        int64      `json:"sum_kopecks"`
	LeafIndex  uint64     `json:"leaf_index"`
	RevoteCode string     `json:"revote_code"`
	Replaced   bool       `json:"replaced"` // this ballot replaced an earlier one
	Checkpoint Checkpoint `json:"-"`
}

// Channels a ballot arrives by.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper"
)

var secretLabel = []byte("muni ballot secret v1")

// Cast records the signed-in person's ballot on a budget, or replaces
// their earlier one when RevoteCode is given.
func (bb *BallotBox) Cast(ctx context.Context, budgetID string, in BallotInput) (Receipt, error) {
	a, err := actor(ctx)
	if err != nil {
		return Receipt{}, err
	}
	b, err := bb.s.st.budget(ctx, budgetID)
	if err != nil {
		return Receipt{}, err
	}
	if err := bb.s.Eligible(ctx, *a, b.ProcessID, ActionVote, b.DistrictID); err != nil {
		return Receipt{}, err
	}
	if n := len(in.IdempotencyKey); n < 22 || n > 200 {
		return Receipt{}, invalid("ballot-invalid", map[string]string{"idempotency_key": "participation.ballot.field.idempotency_key"})
	}
	projects, sum, err := checkBallot(b, in.Projects)
	if err != nil {
		return Receipt{}, err
	}
	var secret []byte
	if in.RevoteCode != "" {
		if secret, err = hex.DecodeString(in.RevoteCode); err != nil || len(secret) != sha256.Size {
			return Receipt{}, ErrRevoteCode
		}
	} else {
		secret = secretOf(in.IdempotencyKey)
	}
	key, err := bb.signingKey(ctx)
	if err != nil {
		return Receipt{}, err
	}
	c := castRequest{budget: b.ID, voter: a.ID, projects: projects, idem: idemHash(in.IdempotencyKey), secret: secret,
		revote: in.RevoteCode != "", channel: ChannelOnline, day: bb.s.now().Format("2006-01-02")}
	r, err := bb.submit(ctx, key, c)
	if err != nil {
		return Receipt{}, wrap("cast", err)
	}
	r.Sum, r.RevoteCode = sum, hex.EncodeToString(secret)
	return r, nil
}

// checkBallot validates a ballot against the budget's rules and returns
// its projects sorted, and its cost.
func checkBallot(b Budget, projects []string) ([]string, int64, error) {
	sum, err := b.Instance().Check(projects)
	var be *pb.BallotError
	if errors.As(err, &be) {
		sum, bound := strconv.FormatInt(be.Sum, 10), strconv.FormatInt(be.Bound, 10)
		if be.Code == "over_limit" || be.Code == "under_minimum" {
			sum, bound = money(be.Sum), money(be.Bound)
		}
		return nil, 0, &fault.Error{Kind: ErrInvalid, Type: "ballot-invalid", Key: "participation.ballot.error." + be.Code,
			Args:   map[string]any{"Sum": sum, "Bound": bound},
			Fields: map[string]string{"projects": "participation.ballot.error." + be.Code}}
	}
	if err != nil {
		return nil, 0, err
	}
	out := slices.Clone(projects)
	slices.Sort(out)
	return out, sum, nil
}

func secretOf(idemKey string) []byte {
	s, _ := hex.DecodeString(mac([]byte(idemKey), string(secretLabel)))
	return s
}

func idemHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// castRequest is one ballot on its way into the box.
type castRequest struct {
	budget, voter, idem, channel, day string
	projects                          []string
	secret                            []byte
	revote                            bool
}

// cast runs inside the transaction: roll, box, log.
func (bb *BallotBox) cast(ctx context.Context, logs *logSet, c castRequest) (Receipt, error) {
	st := bb.s.st
	content := strings.Join(c.projects, ",")
	check := mac(c.secret, "roll", c.budget, c.voter)
	slot := mac(c.secret, "box", c.budget)
	fresh, err := st.enrol(ctx, c.budget, c.voter, c.day, c.channel, check)
	if err != nil {
		return Receipt{}, err
	}
	if !fresh {
		// a retry of a request that got through returns its receipt
		prior, found, err := st.boxByIdem(ctx, c.budget, slot, c.idem)
		if err != nil {
			return Receipt{}, err
		}
		if found {
			// the key must be this voter's own: their roll row was made
			// with the secret it derives
			got, err := st.rollCheck(ctx, c.budget, c.voter)
			if err != nil {
				return Receipt{}, err
			}
			if prior.projects != content || got != check {
				return Receipt{}, ErrIdempotencyReuse
			}
			return st.receipt(ctx, c.budget, prior.receipt)
		}
		if !c.revote {
			return Receipt{}, ErrAlreadyVoted
		}
		got, err := st.rollCheck(ctx, c.budget, c.voter)
		if err != nil {
			return Receipt{}, err
		}
		if got != check {
			return Receipt{}, ErrRevoteCode
		}
	} else if c.revote {
		return Receipt{}, ErrRevoteCode // nothing to replace
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	leaf := Leaf{BudgetID: c.budget, Slot: slot, Projects: c.projects, Nonce: hex.EncodeToString(nonce)}
	leaf.Receipt = ReceiptOf(c.budget, content, leaf.Nonce)
	var ok bool
	if fresh {
		ok, err = st.boxInsert(ctx, c.budget, slot, c.idem, content, leaf.Receipt)
	} else {
		ok, err = st.boxReplace(ctx, c.budget, slot, c.idem, content, leaf.Receipt)
	}
	if err != nil {
		return Receipt{}, err
	}
	if !ok {
		if fresh {
			return Receipt{}, ErrIdempotencyReuse // the key is another ballot's
		}
		return Receipt{}, ErrRevoteCode
	}
	index, err := logs.append(ctx, leaf)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{BudgetID: c.budget, Receipt: leaf.Receipt, Nonce: leaf.Nonce, Projects: c.projects,
		LeafIndex: index, Replaced: !fresh}, nil
}

// signingKey returns the configured key, or the stored one, generating and
// storing it on first use.
func (bb *BallotBox) signingKey(ctx context.Context) (ed25519.PrivateKey, error) {
	bb.mu.Lock()
	defer bb.mu.Unlock()
	if bb.key != nil {
		return bb.key, nil
	}
	k, err := bb.s.st.signingKey(ctx, bb.s.now())
	if err != nil {
		return nil, wrap("signing key", err)
	}
	bb.key = k
	return k, nil
}

// PublicKey is the key checkpoints are signed with.
func (bb *BallotBox) PublicKey(ctx context.Context) (ed25519.PublicKey, error) {
	k, err := bb.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}
