package territory

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/tz"
)

// offsetZones maps the "UTC+N" offsets of Russian cities to one IANA zone
// that keeps that offset all year, so deadlines are counted in the right
// local day even where the source only gives an offset.
var offsetZones = map[string]string{
	"UTC+2": "Europe/Kaliningrad", "UTC+3": "Europe/Moscow", "UTC+4": "Europe/Samara",
	"UTC+5": "Asia/Yekaterinburg", "UTC+6": "Asia/Omsk", "UTC+7": "Asia/Novosibirsk",
	"UTC+8": "Asia/Irkutsk", "UTC+9": "Asia/Yakutsk", "UTC+10": "Asia/Vladivostok",
	"UTC+11": "Asia/Magadan", "UTC+12": "Asia/Kamchatka",
}

// ZoneForOffset returns the IANA zone for a "UTC+3" style offset, or "".
func ZoneForOffset(offset string) string {
	return offsetZones[strings.ReplaceAll(strings.TrimSpace(offset), " ", "")]
}

// CheckTimeZone returns the i18n key of what is wrong with an IANA zone
// name, or "". "Local" and "UTC" offsets are refused: a municipality lives
// in a named zone.
func CheckTimeZone(zone string) string {
	if zone == "" || zone == "Local" || !strings.Contains(zone, "/") {
		return "territory.timezone.invalid"
	}
	if _, err := tz.Load(zone); err != nil {
		return "territory.timezone.invalid"
	}
	return ""
}

// ZoneOffsets are a time zone's standard offsets, as people in Russia
// read them: from UTC ("+3") and from Moscow time ("" in Moscow, "+2",
// "−1").
type ZoneOffsets struct {
	UTC, MSK string
}

// Offsets is the node's zone as offsets, for pages that show people
// "МСК+2 (UTC+5)" rather than an IANA name. Russia keeps no summer time,
// so the offset of the present moment is the zone's.
func (n Node) Offsets() ZoneOffsets {
	loc, err := tz.Load(n.TimeZone)
	if err != nil || n.TimeZone == "" {
		return ZoneOffsets{}
	}
	_, secs := time.Now().In(loc).Zone()
	return ZoneOffsets{UTC: signedHours(secs), MSK: signedHours(secs - 3*3600)}
}

// signedHours writes an offset in seconds as "+3", "−1", "+5:30", or ""
// for zero; the minus is the typographic one.
func signedHours(secs int) string {
	if secs == 0 {
		return ""
	}
	sign := "+"
	if secs < 0 {
		sign, secs = "−", -secs
	}
	s := sign + strconv.Itoa(secs/3600)
	if m := secs % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}
