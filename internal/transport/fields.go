package transport

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // feeds name zones the host may lack

	"github.com/muni-platform/muni/internal/platform/tz"
)

// ParseTime reads a GTFS time "H:MM:SS" or "HH:MM:SS" as seconds after
// the service day's start; hours may pass 24.
func ParseTime(s string) (int, bool) {
	h, rest, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 3 || len(rest) != 5 || rest[2] != ':' {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(rest[:2])
	ss, err3 := strconv.Atoi(rest[3:])
	if err1 != nil || err2 != nil || err3 != nil || hh < 0 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
		return 0, false
	}
	return hh*3600 + mm*60 + ss, true
}

// FormatTime writes seconds as a GTFS time, "25:10:00" past midnight.
func FormatTime(sec int) string {
	return fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
}

// ParseDate reads a GTFS date YYYYMMDD.
func ParseDate(s string) (time.Time, bool) {
	if len(s) != 8 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", s)
	return t, err == nil
}

// LoadZone is tz.Load (cached) refusing "", "Local" and UTC spelt in
// another case: a feed's zone must name a place.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || strings.EqualFold(name, "utc") && name != "UTC" {
		return nil, false
	}
	loc, err := tz.Load(name)
	if err != nil {
		return nil, false
	}
	return loc, true
}

func validColor(s string) bool {
	if len(s) != 6 {
		return false
	}
	_, err := strconv.ParseUint(s, 16, 32)
	return err == nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
