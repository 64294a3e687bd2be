package participation

import (
	"encoding/hex"
	"fmt"
	"testing"
)

// Vectors of the certificate-transparency reference implementations
// (transparency-dev/merkle testonly): leaf inputs and the roots of the
// trees of their first n leaves.
var (
	ctLeaves = []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	ctRoots  = []string{
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
)

func ctLeafHashes(t *testing.T) []Hash {
	var out []Hash
	for _, s := range ctLeaves {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, LeafHash(b))
	}
	return out
}

func TestMerkleVectors(t *testing.T) {
	leaves := ctLeafHashes(t)
	if got := hex.EncodeToString(leaves[0][:]); got != ctRoots[1] {
		t.Fatalf("leaf hash of empty input = %s", got)
	}
	var f Frontier
	for n := 0; n <= len(leaves); n++ {
		if n > 0 {
			f.Append(leaves[n-1])
		}
		r := MerkleRoot(leaves[:n])
		if got := hex.EncodeToString(r[:]); got != ctRoots[n] {
			t.Errorf("root of %d = %s, want %s", n, got, ctRoots[n])
		}
		if fr := f.Root(); fr != r {
			t.Errorf("frontier root of %d differs", n)
		}
	}
}

func TestInclusionProofs(t *testing.T) {
	var leaves []Hash
	var f Frontier
	for n := 1; n <= 70; n++ {
		h := LeafHash([]byte(fmt.Sprint("leaf ", n)))
		leaves = append(leaves, h)
		f.Append(h)
		root := MerkleRoot(leaves)
		if f.Root() != root {
			t.Fatalf("frontier root of %d differs", n)
		}
		for i := range leaves {
			p := InclusionProof(leaves, i)
			if err := VerifyInclusion(uint64(i), uint64(n), leaves[i], p, root); err != nil {
				t.Fatalf("size %d index %d: %v", n, i, err)
			}
			if n > 1 {
				if VerifyInclusion(uint64((i+1)%n), uint64(n), leaves[i], p, root) == nil {
					t.Fatalf("size %d: proof of %d accepted at another index", n, i)
				}
				bad := append([]Hash(nil), p...)
				bad[0][3] ^= 1
				if VerifyInclusion(uint64(i), uint64(n), leaves[i], bad, root) == nil {
					t.Fatalf("size %d index %d: tampered proof accepted", n, i)
				}
			}
		}
	}
	// the empty-input leaf's proof in the 8-leaf vector tree, checked
	// against the published root
	ct := ctLeafHashes(t)
	root, _ := hex.DecodeString(ctRoots[8])
	if err := VerifyInclusion(5, 8, ct[5], InclusionProof(ct, 5), Hash(root)); err != nil {
		t.Fatal(err)
	}
}
