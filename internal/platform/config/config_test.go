package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	file := filepath.Join(t.TempDir(), "muni.conf")
	os.WriteFile(file, []byte("# comment\nMUNI_LISTEN=0.0.0.0:9000\nMUNI_SESSION_IDLE=\"45m\"\n"), 0o600)
	cases := []struct {
		name    string
		file    string
		env     []string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", "", nil, func(c Config) bool {
			return c.Listen == "127.0.0.1:8080" && c.DatabaseURL == "sqlite:./data/muni.db" && c.SessionIdle == 30*time.Minute && c.MaxBodyBytes == 1<<20
		}, ""},
		{"env", "", []string{"MUNI_LISTEN=:1", "MUNI_DATABASE_URL=postgres://x@y/z", "PATH=/bin"}, func(c Config) bool {
			return c.Listen == ":1" && c.DatabaseURL == "postgres://x@y/z"
		}, ""},
		{"file, env wins", file, []string{"MUNI_SESSION_IDLE=5m"}, func(c Config) bool {
			return c.Listen == "0.0.0.0:9000" && c.SessionIdle == 5*time.Minute
		}, ""},
		{"secure cookies follow TLS", "", []string{"MUNI_BASE_URL=https://luga.example"}, func(c Config) bool {
			return c.Secure() && !Config{}.Secure()
		}, ""},
		{"bad duration", "", []string{"MUNI_SESSION_IDLE=soon"}, nil, "MUNI_SESSION_IDLE"},
		{"bad url", "", []string{"MUNI_DATABASE_URL=mysql://x"}, nil, "MUNI_DATABASE_URL"},
		{"bad size", "", []string{"MUNI_MAX_BODY_BYTES=-1"}, nil, "MUNI_MAX_BODY_BYTES"},
		{"raw readings kept 400 days", "", nil, func(c Config) bool { return c.MeteringRawDays == 400 }, ""},
		{"raw readings kept for ever", "", []string{"MUNI_METERING_RAW_DAYS=0"}, func(c Config) bool { return c.MeteringRawDays == 0 }, ""},
		{"negative raw days", "", []string{"MUNI_METERING_RAW_DAYS=-1"}, nil, "MUNI_METERING_RAW_DAYS"},
		{"tls half", "", []string{"MUNI_TLS_CERT=a.pem"}, nil, "MUNI_TLS_KEY"},
		{"missing file", "/nonexistent/muni.conf", nil, nil, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.file, tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("err=%v config=%+v", err, c)
			}
		})
	}
}

func TestUsageListsEverySetting(t *testing.T) {
	var b bytes.Buffer
	Usage(&b)
	for _, f := range Fields() {
		if !strings.Contains(b.String(), f.Env) || f.Help == "" {
			t.Errorf("%s missing from usage or undocumented", f.Env)
		}
	}
	if !strings.Contains(b.String(), "127.0.0.1:8080") {
		t.Error("defaults not shown")
	}
}
