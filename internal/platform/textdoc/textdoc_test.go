package textdoc

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"
)

func TestRead(t *testing.T) {
	raw := "\n  Согласие на обработку \n\nПервый абзац\nв две строки.\n\n\n\n  Второй абзац.  \n"
	fsys := fstest.MapFS{"c/v1.ru.txt": {Data: []byte(raw)}}
	d, err := Read(fsys, "c/v1.ru.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(raw))
	want := Doc{Title: "Согласие на обработку", Body: []string{"Первый абзац\nв две строки.", "Второй абзац."}, Hash: hex.EncodeToString(sum[:])}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got %#v, want %#v", d, want)
	}
	if _, err := Read(fsys, "c/v2.ru.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if d := Parse([]byte("Title only")); d.Title != "Title only" || d.Body != nil {
		t.Fatalf("title only: %#v", d)
	}
}
