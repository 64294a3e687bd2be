package participation

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/bits"
)

// The ballot log is a Merkle tree hashed as RFC 6962 / RFC 9162 §2.1 say:
// a leaf is SHA-256(0x00 ‖ data), an inner node SHA-256(0x01 ‖ left ‖
// right), and a tree of n leaves splits at the largest power of two below n.
// Any certificate-transparency tool checks it.

// Hash is a SHA-256 digest.
type Hash = [sha256.Size]byte

// LeafHash is the RFC 6962 hash of a leaf's data.
func LeafHash(data []byte) Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

func nodeHash(l, r Hash) Hash {
	var buf [1 + 2*sha256.Size]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[1+sha256.Size:], r[:])
	return sha256.Sum256(buf[:])
}

// EmptyRoot is the root of the tree with no leaves, SHA-256 of nothing.
var EmptyRoot = sha256.Sum256(nil)

// MerkleRoot computes the root of the tree over leaf hashes.
func MerkleRoot(leaves []Hash) Hash {
	switch len(leaves) {
	case 0:
		return EmptyRoot
	case 1:
		return leaves[0]
	}
	k := split(len(leaves))
	return nodeHash(MerkleRoot(leaves[:k]), MerkleRoot(leaves[k:]))
}

// split is the largest power of two smaller than n (n ≥ 2).
func split(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// InclusionProof is the audit path of leaf index in the tree over leaves
// (RFC 6962 §2.1.1), bottom to top.
func InclusionProof(leaves []Hash, index int) []Hash {
	if len(leaves) <= 1 {
		return nil
	}
	k := split(len(leaves))
	if index < k {
		return append(InclusionProof(leaves[:k], index), MerkleRoot(leaves[k:]))
	}
	return append(InclusionProof(leaves[k:], index-k), MerkleRoot(leaves[:k]))
}

// ErrProof means an inclusion proof does not lead to the root.
var ErrProof = errors.New("participation: inclusion proof does not match the checkpoint")

// VerifyInclusion checks that leaf is at index in the tree of size with
// root, by the algorithm of RFC 9162 §2.1.3.2.
func VerifyInclusion(index, size uint64, leaf Hash, proof []Hash, root Hash) error {
	if index >= size {
		return ErrProof
	}
	fn, sn := index, size-1
	r := leaf
	for _, p := range proof {
		if sn == 0 {
			return ErrProof
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || !bytes.Equal(r[:], root[:]) {
		return ErrProof
	}
	return nil
}

// Frontier is the compact form of a growing tree: the roots of its perfect
// subtrees, largest (leftmost) first — one per set bit of the size. It lets
// the log append a leaf and know the new root in O(log n) without reading
// the leaves.
type Frontier struct {
	Size  uint64
	Nodes []Hash
}

// Append adds a leaf hash.
func (f *Frontier) Append(leaf Hash) {
	h := leaf
	// merge with the subtrees of equal size, as binary addition carries
	for s := f.Size; s&1 == 1; s >>= 1 {
		last := len(f.Nodes) - 1
		h = nodeHash(f.Nodes[last], h)
		f.Nodes = f.Nodes[:last]
	}
	f.Nodes = append(f.Nodes, h)
	f.Size++
}

// Root is the root of the tree the frontier stands for.
func (f *Frontier) Root() Hash {
	if len(f.Nodes) == 0 {
		return EmptyRoot
	}
	r := f.Nodes[len(f.Nodes)-1]
	for i := len(f.Nodes) - 2; i >= 0; i-- {
		r = nodeHash(f.Nodes[i], r)
	}
	return r
}
