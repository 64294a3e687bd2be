package app

import (
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/config"
)

func TestMeteringKeepRawFollowsSetting(t *testing.T) {
	c, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := meteringKeepRaw(c); got != 400*24*time.Hour {
		t.Fatalf("default keeps raw readings %v", got)
	}
	c, err = config.Load("", []string{"MUNI_METERING_RAW_DAYS=0"})
	if err != nil {
		t.Fatal(err)
	}
	if got := meteringKeepRaw(c); got != 0 {
		t.Fatalf("0 days keeps raw readings %v, want for ever (0)", got)
	}
}
