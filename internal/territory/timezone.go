package territory

import (
	"strings"
	"time"
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
func CheckTimeZone(tz string) string {
	if tz == "" || tz == "Local" || !strings.Contains(tz, "/") {
		return "territory.timezone.invalid"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return "territory.timezone.invalid"
	}
	return ""
}
