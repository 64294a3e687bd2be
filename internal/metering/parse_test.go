package metering

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestParseCSVFastPathMatchesEncodingCSV holds the hand-split CSV reader
// to encoding/csv's reading of the same unquoted bodies.
func TestParseCSVFastPathMatchesEncodingCSV(t *testing.T) {
	bodies := map[string]string{
		"plain":          "device,channel,ts,value\nD1,v,1790000000,12.5\nD2,v,2026-11-27T10:00:00Z,3\n",
		"crlf, no final": "device,channel,ts,value\r\nD1,v,1790000000.25,1\r\nD1,v,1790000900,2",
		"any order, bom": "\ufeffValue, ts ,Channel,DEVICE,quality\n7,1790000000,v,D1,estimated\n8,1790000000,v,D1, suspect \n",
		"blank lines":    "\n\ndevice,channel,ts,value\n\nD1,v,1790000000,1\n\n",
		"bad rows":       "device,channel,ts,value,quality\nD1,v,1790000000,abc,\nD1,v,,1,\nD1,v,yesterday,1,\nD1,v,1790000000,NaN,\nD1,v,1790000000,1e999,\nD1,v,1790000000\nD1,v,1790000000,1,perfect\nD1,v,1790000000,1,measured,extra\n",
		"negative epoch": "device,channel,ts,value\nD1,v,-1.5,1\nD1,v,.,1\nD1,v,1.2.3,1\n",
		"header only":    "device,channel,ts,value\n",
	}
	for name, body := range bodies {
		fast, ferr := ParseCSV(strings.NewReader(body))
		slow, serr := parseCSVQuoted(strings.NewReader(body))
		if (ferr == nil) != (serr == nil) || fmt.Sprintf("%+v", fast) != fmt.Sprintf("%+v", slow) { // %v: NaN is never DeepEqual
			t.Errorf("%s: fast %+v %v, encoding/csv %+v %v", name, fast, ferr, slow, serr)
		}
	}
	for name, body := range map[string]string{"empty": "", "blank": "\n\r\n", "no value column": "device,channel,ts\nD1,v,1\n"} {
		if _, err := ParseCSV(strings.NewReader(body)); !errors.Is(err, errBody) {
			t.Errorf("%s: %v, want an unreadable batch", name, err)
		}
	}
	// Quoted fields take encoding/csv's path.
	in, err := ParseCSV(strings.NewReader("device,channel,ts,value\n\"D,1\",v,1790000000,\"4.5\"\n"))
	want := []Input{{Device: "D,1", Channel: "v", At: time.Unix(1790000000, 0).UTC(), Value: 4.5}}
	if err != nil || !reflect.DeepEqual(in, want) {
		t.Fatalf("quoted: %+v %v", in, err)
	}
}

func TestTextTimeReadsEpochAndRFC3339(t *testing.T) {
	for s, want := range map[string]time.Time{
		"1790000000":                time.Unix(1790000000, 0).UTC(),
		"1790000000.5":              time.UnixMilli(1790000000500).UTC(),
		"2026-11-27T10:00:00Z":      time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		"2026-11-27T13:00:00+03:00": time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
	} {
		if got, reason := textTime(s); reason != "" || !got.Equal(want) {
			t.Errorf("%q: %v %q, want %v", s, got, reason, want)
		}
	}
	for _, s := range []string{"-", ".", "1e3x", "27.11.2026", "1e13"} {
		if _, reason := textTime(s); reason != ReasonMalformed {
			t.Errorf("%q: reason %q, want malformed", s, reason)
		}
	}
}
