package app_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/db"
)

// TestBallotKeyFile: MUNI_BALLOT_KEY_FILE's ed25519 key signs the ballot
// logs (the box publishes its public half); a file that is not such a key
// stops the start with a message naming the setting.
func TestBallotKeyFile(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "ballot.pem")
	if err := os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, db.SQLite, "MUNI_BALLOT_KEY_FILE="+good)
	got, err := a.Ballots.PublicKey(context.Background())
	if err != nil || !pub.Equal(got) {
		t.Fatalf("public key %x %v, want the file's %x", got, err, pub)
	}

	bad := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(bad, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.pem")} {
		err := startErr(t, "MUNI_BALLOT_KEY_FILE="+path)
		if err == nil || !strings.Contains(err.Error(), "MUNI_BALLOT_KEY_FILE") {
			t.Errorf("%s: %v, want an error naming MUNI_BALLOT_KEY_FILE", filepath.Base(path), err)
		}
	}
}
