package web

import "testing"

func TestUTCOffset(t *testing.T) {
	f := funcs["utcOffset"].(func(string) string)
	for tz, want := range map[string]string{
		"Europe/Moscow": "UTC+3", "Asia/Kamchatka": "UTC+12", "Europe/Kaliningrad": "UTC+2",
		"Asia/Kolkata": "UTC+5:30", "UTC": "UTC+0", "No/Such": "No/Such", "": "",
	} {
		if got := f(tz); got != want {
			t.Errorf("utcOffset(%q) = %q, want %q", tz, got, want)
		}
	}
}
