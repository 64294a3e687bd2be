package metering

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// The wire formats of readings. A timestamp is an RFC 3339 string or a
// number of seconds since the Unix epoch (fractions allowed, as in
// SenML); a value is a JSON number. A reading that cannot be read is
// kept in its place with a reason, so the response can name it.
//
//	JSON:   [{"device":"SN-1","channel":"v","ts":"2026-11-27T10:00:00Z","value":12.5,"quality":"measured"}, …]
//	NDJSON: one such object per line
//	CSV:    a header "device,channel,ts,value[,quality]", then one reading per line
//	SenML:  [{"bn":"","bt":1790000000,"n":"v","t":0,"v":12.5,"q":"measured"}, …] (MQTT; the topic names the device)

// errBody is a body that is not a batch at all.
var errBody = errors.New("metering: unreadable batch")

// wireReading is one JSON or NDJSON reading.
type wireReading struct {
	Device  string          `json:"device"`
	Channel string          `json:"channel"`
	TS      json.RawMessage `json:"ts"`
	Value   json.RawMessage `json:"value"`
	Quality string          `json:"quality"`
}

func (w wireReading) input() Input {
	in := Input{Device: w.Device, Channel: w.Channel}
	in.Value, in.Reject = parseNumber(w.Value)
	if in.Reject == "" {
		in.At, in.Reject = parseTime(w.TS)
	}
	if in.Reject == "" {
		in.Quality, in.Reject = quality(w.Quality)
	}
	return in
}

func quality(s string) (Quality, string) {
	q, ok := ParseQuality(s)
	if !ok {
		return 0, ReasonBadQuality
	}
	return q, ""
}

// parseNumber reads a JSON number; a number too large for float64 is
// infinite, anything but a number is not numeric.
func parseNumber(raw json.RawMessage) (float64, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !(raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		return 0, ReasonNotNumeric
	}
	return parseFloat(string(raw))
}

func parseFloat(s string) (float64, string) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	var ne *strconv.NumError
	switch {
	case errors.As(err, &ne) && ne.Err == strconv.ErrRange && math.IsInf(v, 0):
		return v, ReasonNotFinite
	case err != nil:
		return 0, ReasonNotNumeric
	case math.IsNaN(v) || math.IsInf(v, 0):
		return v, ReasonNotFinite
	}
	return v, ""
}

// parseTime reads an RFC 3339 string or epoch seconds.
func parseTime(raw json.RawMessage) (time.Time, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, ReasonNoTimestamp
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}, ReasonMalformed
		}
		return textTime(s)
	}
	return epochTime(string(raw))
}

func textTime(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ReasonNoTimestamp
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), ""
	}
	return epochTime(s)
}

func epochTime(s string) (time.Time, string) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1e12 {
		return time.Time{}, ReasonMalformed
	}
	return time.UnixMilli(int64(math.Round(f * 1000))).UTC(), ""
}

// ParseJSON reads a JSON array of readings.
func ParseJSON(r io.Reader) ([]Input, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%w: want a JSON array", errBody)
	}
	var out []Input
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %v", errBody, err)
		}
		out = append(out, decodeReading(raw))
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %v", errBody, err)
	}
	return out, nil
}

func decodeReading(raw []byte) Input {
	var w wireReading
	if err := json.Unmarshal(raw, &w); err != nil {
		return Input{Reject: ReasonMalformed}
	}
	return w.input()
}

// ParseNDJSON reads one JSON reading per line; blank lines are skipped,
// and a line that is not an object is a malformed reading.
func ParseNDJSON(r io.Reader) ([]Input, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []Input
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		out = append(out, decodeReading(line))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", errBody, err)
	}
	return out, nil
}

// ParseCSV reads readings under a header naming device, channel, ts and
// value (quality optional), in any order.
func ParseCSV(r io.Reader) ([]Input, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBody, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"device", "channel", "ts", "value"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: the header has no %q column", errBody, need)
		}
	}
	qcol, hasQ := col["quality"]
	var out []Input
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBody, err)
		}
		if len(rec) != len(head) {
			out = append(out, Input{Reject: ReasonMalformed})
			continue
		}
		in := Input{Device: rec[col["device"]], Channel: rec[col["channel"]]}
		in.Value, in.Reject = parseFloat(rec[col["value"]])
		if in.Reject == "" {
			in.At, in.Reject = textTime(rec[col["ts"]])
		}
		if in.Reject == "" && hasQ {
			in.Quality, in.Reject = quality(strings.TrimSpace(rec[qcol]))
		}
		out = append(out, in)
	}
}

// senmlRecord is one SenML (RFC 8428) record; q is our quality flag.
type senmlRecord struct {
	BN string          `json:"bn"`
	BT float64         `json:"bt"`
	N  string          `json:"n"`
	T  float64         `json:"t"`
	V  json.RawMessage `json:"v"`
	VS *string         `json:"vs"`
	Q  string          `json:"q"`
}

// senmlRelative is SenML's bound below which a time is relative to now.
const senmlRelative = 1 << 28

// ParseSenML reads a SenML JSON pack for one device. Base name and base
// time carry over to the records that follow; a time below 2^28 counts
// from now, as RFC 8428 says.
func ParseSenML(b []byte, now time.Time) ([]Input, error) {
	var recs []json.RawMessage
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("%w: want a SenML array: %v", errBody, err)
	}
	out := make([]Input, 0, len(recs))
	var bn string
	var bt float64
	for _, raw := range recs {
		var r senmlRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			out = append(out, Input{Reject: ReasonMalformed})
			continue
		}
		if r.BN != "" {
			bn = r.BN
		}
		if r.BT != 0 {
			bt = r.BT
		}
		in := Input{Channel: bn + r.N}
		if r.VS != nil && r.V == nil {
			in.Reject = ReasonNotNumeric
		} else {
			in.Value, in.Reject = parseNumber(r.V)
		}
		t := bt + r.T
		if t < senmlRelative {
			in.At = now.Add(time.Duration(t * float64(time.Second))).UTC()
		} else {
			in.At = time.UnixMilli(int64(math.Round(t * 1000))).UTC()
		}
		if in.Reject == "" {
			in.Quality, in.Reject = quality(r.Q)
		}
		out = append(out, in)
	}
	return out, nil
}
