package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/participation"
	"github.com/muni-platform/muni/internal/participation/pb"
)

// writeLog builds a published log by the documented formats alone — as an
// outside auditor's tool would — with three voters, one of whom re-voted.
func writeLog(t *testing.T, key ed25519.PrivateKey, tamper bool) (string, []string) {
	t.Helper()
	pl := participation.PublishedLog{PublicKey: hex.EncodeToString(key.Public().(ed25519.PublicKey)),
		Budget: participation.PublishedBudget{ID: "b1", Title: "Север", Limit: 100_000, Rules: pb.Rules{Kind: pb.Knapsack},
			Projects: []participation.PublishedProject{{ID: "p1", Title: "Сквер", Cost: 60_000}, {ID: "p2", Title: "Площадка", Cost: 50_000}}}}
	var hashes []participation.Hash
	var receipts []string
	for i, v := range []struct{ slot, projects string }{{"s1", "p1"}, {"s2", "p2"}, {"s1", "p2"}, {"s3", "p2"}} {
		nonce := hex.EncodeToString([]byte{byte(i)})
		l := participation.Leaf{BudgetID: "b1", Slot: v.slot, Projects: strings.Split(v.projects, ","), Nonce: nonce,
			Receipt: participation.ReceiptOf("b1", v.projects, nonce)}
		if tamper && i == 3 {
			l.Projects = []string{"p1"} // the content no longer matches its receipt
		}
		pl.Leaves = append(pl.Leaves, string(l.Bytes()))
		hashes = append(hashes, participation.LeafHash(l.Bytes()))
		receipts = append(receipts, l.Receipt)
	}
	cp := participation.Checkpoint{Origin: "muni.ballots/b1", Size: uint64(len(hashes)), Root: participation.MerkleRoot(hashes),
		KeyID: participation.KeyID(key.Public().(ed25519.PublicKey))}
	cp.Signature = ed25519.Sign(key, cp.Body())
	pl.Checkpoint = participation.PublishedCheckpoint{Origin: cp.Origin, Size: cp.Size, Root: hex.EncodeToString(cp.Root[:]),
		KeyID: cp.KeyID, Signature: hex.EncodeToString(cp.Signature)}
	b, err := json.Marshal(pl)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "log.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, receipts
}

func TestVerifyTally(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	path, receipts := writeLog(t, key, false)
	var out bytes.Buffer
	env := &cmdEnv{out: &out}
	pub := hex.EncodeToString(key.Public().(ed25519.PublicKey))
	if err := cmdVerifyTally(context.Background(), env, []string{"-key", pub, "-receipt", receipts[0], path}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Ballots counted: 3 (leaves 4, replaced 1)", "p2 ", "replaced by a later ballot", "verified"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	// p2 has all three ballots: greedy and MES both pick it; p1 has none.
	var p2 []string
	for _, line := range strings.Split(got, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "p2" {
			p2 = f
		}
	}
	if strings.Join(p2, " ") != "p2 500 3 yes yes Площадка" {
		t.Errorf("p2 line %q", p2)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	if err := cmdVerifyTally(context.Background(), env, []string{"-key", hex.EncodeToString(other.Public().(ed25519.PublicKey)), path}); err == nil {
		t.Error("a log signed by another key verified")
	}
	bad, _ := writeLog(t, key, true)
	if err := cmdVerifyTally(context.Background(), env, []string{bad}); err == nil || !strings.Contains(err.Error(), "does NOT verify") {
		t.Errorf("tampered log: %v", err)
	}
	if err := cmdVerifyTally(context.Background(), env, []string{"-receipt", strings.Repeat("0", 64), path}); err == nil {
		t.Error("a forged receipt was proved")
	}
}
