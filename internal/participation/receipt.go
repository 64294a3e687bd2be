package participation

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The formats everything published about a ballot is written in. They are
// plain text so `muni verify-tally`, or a short script in any language,
// can recompute them.
//
// receipt = hex SHA-256("muni-receipt-v1\n" ‖ budget ‖ "\n" ‖ projects ‖ "\n" ‖ nonce)
//
// leaf    = "muni-ballot-v1\n" ‖ budget ‖ "\n" ‖ slot ‖ "\n" ‖ projects ‖ "\n" ‖ nonce ‖ "\n" ‖ receipt
//
// where projects are the chosen project ids sorted and joined by ",", nonce
// is 16 random bytes in hex, and slot is the pseudonymous place of the
// ballot in the box (see BallotBox). A later leaf with the same slot
// replaces the earlier one: the tally counts the last leaf of every slot.

const (
	receiptPrefix = "muni-receipt-v1\n"
	leafPrefix    = "muni-ballot-v1\n"
)

// ReceiptOf is the receipt of a ballot.
func ReceiptOf(budgetID, projects, nonce string) string {
	h := sha256.Sum256([]byte(receiptPrefix + budgetID + "\n" + projects + "\n" + nonce))
	return hex.EncodeToString(h[:])
}

// Leaf is one entry of a budget's ballot log.
type Leaf struct {
	BudgetID string
	Slot     string
	Projects []string
	Nonce    string
	Receipt  string
}

// Bytes is the leaf's canonical text, the input of its RFC 6962 hash.
func (l Leaf) Bytes() []byte {
	return []byte(leafPrefix + l.BudgetID + "\n" + l.Slot + "\n" + strings.Join(l.Projects, ",") + "\n" + l.Nonce + "\n" + l.Receipt)
}

// ErrLeaf means a published leaf is malformed or its receipt does not
// match its content.
var ErrLeaf = errors.New("participation: malformed ballot leaf")

// ParseLeaf reads a leaf's canonical text and checks its receipt.
func ParseLeaf(b []byte) (Leaf, error) {
	rest, ok := strings.CutPrefix(string(b), leafPrefix)
	f := strings.Split(rest, "\n")
	if !ok || len(f) != 5 || f[0] == "" || f[1] == "" || f[3] == "" {
		return Leaf{}, ErrLeaf
	}
	l := Leaf{BudgetID: f[0], Slot: f[1], Nonce: f[3], Receipt: f[4]}
	if f[2] != "" {
		l.Projects = strings.Split(f[2], ",")
	}
	if ReceiptOf(l.BudgetID, f[2], l.Nonce) != l.Receipt {
		return Leaf{}, fmt.Errorf("%w: receipt %s does not match its ballot", ErrLeaf, l.Receipt)
	}
	return l, nil
}

// Checkpoint is a signed statement of a log's size and root.
type Checkpoint struct {
	Origin    string // "muni.ballots/" + budget id
	Size      uint64
	Root      Hash
	KeyID     string // hex of the first 4 bytes of SHA-256 of the public key
	Signature []byte // ed25519 over Body()
}

// Body is the signed text: origin, size and base64 root, one per line.
func (c Checkpoint) Body() []byte {
	return []byte(c.Origin + "\n" + strconv.FormatUint(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
}

// ErrSignature means a checkpoint's signature is missing or wrong.
var ErrSignature = errors.New("participation: checkpoint signature does not verify")

// Verify checks the signature with the public key.
func (c Checkpoint) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || c.KeyID != KeyID(pub) || !ed25519.Verify(pub, c.Body(), c.Signature) {
		return ErrSignature
	}
	return nil
}

// KeyID names a public key.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:4])
}

func originOf(budgetID string) string { return "muni.ballots/" + budgetID }

func signCheckpoint(key ed25519.PrivateKey, budgetID string, f *Frontier) Checkpoint {
	c := Checkpoint{Origin: originOf(budgetID), Size: f.Size, Root: f.Root()}
	pub := key.Public().(ed25519.PublicKey)
	c.KeyID = KeyID(pub)
	c.Signature = ed25519.Sign(key, c.Body())
	return c
}

// mac is hex HMAC-SHA-256 of the parts joined by newlines.
func mac(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(m.Sum(nil))
}

func hexHash(h Hash) string { return hex.EncodeToString(h[:]) }

func parseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("participation: bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func encodeFrontier(f Frontier) string {
	parts := make([]string, len(f.Nodes))
	for i, n := range f.Nodes {
		parts[i] = hexHash(n)
	}
	return strings.Join(parts, ",")
}

func decodeFrontier(size uint64, s string) (Frontier, error) {
	f := Frontier{Size: size}
	if s == "" {
		return f, nil
	}
	for _, p := range strings.Split(s, ",") {
		h, err := parseHash(p)
		if err != nil {
			return f, err
		}
		f.Nodes = append(f.Nodes, h)
	}
	return f, nil
}
