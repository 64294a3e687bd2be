package audit

import (
	"testing"
	"time"
)

// TestHashIsStable: an entry's hash is the one muni has always computed
// for it (every stored chain depends on that), whatever the code that
// computes it.
func TestHashIsStable(t *testing.T) {
	r := Record{Seq: 42, ID: "0192f3a4-0000-7000-8000-000000000001", At: time.UnixMilli(1795240800123), ActorKind: "user", ActorID: "u1",
		Action: "proactive.offer.create", ObjectType: "proactive_offer", ObjectID: "o-1", TenantID: "muni-a", RequestID: "req-1",
		Detail: `{"rule_id":"r1","service":"Пособие"}`, PrevHash: "abc"}
	const want = "1688a2b212a4179a1ea33b64ddc5ab1ca391eb22908e7176e032de5d0163d1e7"
	if got := r.computeHash(); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}
