package tz

import (
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	for _, name := range []string{"Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad"} {
		a, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := time.LoadLocation(name)
		at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
		if _, off := at.In(a).Zone(); func() int { _, o := at.In(want).Zone(); return o }() != off {
			t.Errorf("%s: offset %d differs from time.LoadLocation", name, off)
		}
		if b, _ := Load(name); b != a {
			t.Errorf("%s: second Load returned a different *Location; not cached", name)
		}
	}
	if l, err := Load(""); err != nil || l != time.UTC {
		t.Errorf(`Load("") = %v, %v; want UTC`, l, err)
	}
	if _, err := Load("Mars/Olympus_Mons"); err == nil {
		t.Error("unknown zone accepted")
	}
	if _, ok := zones.Load("Mars/Olympus_Mons"); ok {
		t.Error("an error was cached")
	}
}

func BenchmarkLoad(b *testing.B) {
	b.Run("time.LoadLocation", func(b *testing.B) {
		for b.Loop() {
			if _, err := time.LoadLocation("Europe/Moscow"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tz.Load", func(b *testing.B) {
		for b.Loop() {
			if _, err := Load("Europe/Moscow"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
