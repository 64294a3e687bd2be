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
	"sync"
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
	if epochLike(s) { // no RFC 3339 attempt (and its error) for a number
		return epochTime(s)
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), ""
	}
	return epochTime(s)
}

// epochLike is whether s can only be epoch seconds: digits with at most
// one point and an optional leading minus.
func epochLike(s string) bool {
	s = strings.TrimPrefix(s, "-")
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	return s != "" && s != "."
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
// value (quality optional), in any order. A body without quotes (what
// meters and gateways send) is split by hand, the same devices' and
// channels' names shared, with no allocation per field; one with quotes
// goes through encoding/csv.
func ParseCSV(r io.Reader) ([]Input, error) {
	buf := csvBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 8<<20 {
			buf.Reset()
			csvBufs.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	if bytes.IndexByte(body, '"') >= 0 {
		return parseCSVQuoted(bytes.NewReader(body))
	}
	var head, rest []byte
	for rest = body; len(head) == 0 && len(rest) > 0; { // the header is the first line not empty
		head, rest, _ = bytes.Cut(rest, []byte{'\n'})
		head = bytes.TrimSuffix(head, []byte{'\r'})
	}
	if len(head) == 0 {
		return nil, fmt.Errorf("%w: %v", errBody, io.EOF)
	}
	var names []string
	for f := range strings.SplitSeq(string(head), ",") {
		names = append(names, f)
	}
	c, err := csvColumns(names)
	if err != nil {
		return nil, err
	}
	out := make([]Input, 0, bytes.Count(rest, []byte{'\n'})+1)
	strs := map[string]string{} // the batch's device and channel names, each kept once
	intern := func(b []byte) string {
		if s, ok := strs[string(b)]; ok {
			return s
		}
		s := string(b)
		strs[s] = s
		return s
	}
	var rec [][]byte
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 { // encoding/csv skips empty lines too
			continue
		}
		rec = rec[:0]
		for {
			f, more, found := bytes.Cut(line, []byte{','})
			rec = append(rec, f)
			if !found {
				break
			}
			line = more
		}
		if len(rec) != c.n {
			out = append(out, Input{Reject: ReasonMalformed})
			continue
		}
		in := Input{Device: intern(rec[c.device]), Channel: intern(rec[c.channel])}
		in.Value, in.Reject = parseFloat(string(rec[c.value]))
		if in.Reject == "" {
			in.At, in.Reject = textTime(string(rec[c.ts]))
		}
		if in.Reject == "" && c.quality >= 0 {
			in.Quality, in.Reject = quality(string(bytes.TrimSpace(rec[c.quality])))
		}
		out = append(out, in)
	}
	return out, nil
}

var csvBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// csvCols is where a CSV header puts each field.
type csvCols struct {
	n                          int // fields a record has
	device, channel, ts, value int
	quality                    int // -1: none
}

func csvColumns(head []string) (csvCols, error) {
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"device", "channel", "ts", "value"} {
		if _, ok := col[need]; !ok {
			return csvCols{}, fmt.Errorf("%w: the header has no %q column", errBody, need)
		}
	}
	c := csvCols{n: len(head), device: col["device"], channel: col["channel"], ts: col["ts"], value: col["value"], quality: -1}
	if q, ok := col["quality"]; ok {
		c.quality = q
	}
	return c, nil
}

// parseCSVQuoted is ParseCSV for a body with quoted fields.
func parseCSVQuoted(r io.Reader) ([]Input, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBody, err)
	}
	c, err := csvColumns(head)
	if err != nil {
		return nil, err
	}
	var out []Input
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBody, err)
		}
		if len(rec) != c.n {
			out = append(out, Input{Reject: ReasonMalformed})
			continue
		}
		in := Input{Device: rec[c.device], Channel: rec[c.channel]}
		in.Value, in.Reject = parseFloat(rec[c.value])
		if in.Reject == "" {
			in.At, in.Reject = textTime(rec[c.ts])
		}
		if in.Reject == "" && c.quality >= 0 {
			in.Quality, in.Reject = quality(strings.TrimSpace(rec[c.quality]))
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
