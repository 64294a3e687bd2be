package engine

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// russianZones are one zone for every offset Russia uses, UTC+2 … UTC+12.
var russianZones = []struct {
	name   string
	offset int
}{
	{"Europe/Kaliningrad", 2}, {"Europe/Moscow", 3}, {"Europe/Samara", 4},
	{"Asia/Yekaterinburg", 5}, {"Asia/Omsk", 6}, {"Asia/Krasnoyarsk", 7},
	{"Asia/Irkutsk", 8}, {"Asia/Yakutsk", 9}, {"Asia/Vladivostok", 10},
	{"Asia/Magadan", 11}, {"Asia/Kamchatka", 12},
}

func TestDailyBucketsFollowTheLocalDayInEveryRussianZone(t *testing.T) {
	for _, z := range russianZones {
		t.Run(fmt.Sprintf("UTC+%d %s", z.offset, z.name), func(t *testing.T) {
			loc, err := time.LoadLocation(z.name)
			if err != nil {
				t.Fatal(err)
			}
			// Local midnight of 15 March 2026 is 00:00 − offset in UTC.
			mid := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC).Add(-time.Duration(z.offset) * time.Hour).UnixMilli()
			if got := BucketStart(Day, mid, loc); got != mid {
				t.Fatalf("day start of local midnight = %v, want itself", time.UnixMilli(got).UTC())
			}
			if got := BucketStart(Day, mid-1, loc); got != mid-24*hourMs {
				t.Fatalf("one ms before local midnight belongs to %v", time.UnixMilli(got).UTC())
			}
			// 15-minute register readings, 1 unit per quarter hour, from
			// 22:00 local on the 14th to 02:00 local on the 16th, with the
			// readings shuffled: days 14, 15, 16 get 8, 96, 8.
			var rs []Reading
			v := 0.0
			for ts := mid - 2*hourMs; ts <= mid+26*hourMs; ts += ms(15) {
				rs = append(rs, Reading{TS: ts, Value: v, Quality: Measured})
				v++
			}
			for i := range rs {
				j := (i * 7) % len(rs)
				rs[i], rs[j] = rs[j], rs[i]
			}
			days := Buckets(Deltas(rs, Register{}), Day, loc)
			want := []struct {
				start int64
				value float64
			}{{mid - 24*hourMs, 8}, {mid, 96}, {mid + 24*hourMs, 8}}
			if len(days) != len(want) {
				t.Fatalf("got %d days: %+v", len(days), days)
			}
			for i, w := range want {
				if days[i].StartMs != w.start || math.Abs(days[i].Value-w.value) > 1e-9 || days[i].Quality != Measured {
					t.Errorf("day %d = %v %v %s, want %v %v", i, time.UnixMilli(days[i].StartMs).UTC(), days[i].Value, days[i].Quality, time.UnixMilli(w.start).UTC(), w.value)
				}
				if days[i].EndMs-days[i].StartMs != 24*hourMs {
					t.Errorf("day %d is %d ms long", i, days[i].EndMs-days[i].StartMs)
				}
			}
			hours := Buckets(Deltas(rs, Register{}), Hour, loc)
			if len(hours) != 28 || hours[0].StartMs != mid-2*hourMs || hours[0].Value != 4 {
				t.Fatalf("hours: %d, first %+v", len(hours), hours[0])
			}
			if lt := time.UnixMilli(hours[2].StartMs).In(loc); lt.Hour() != 0 || lt.Day() != 15 {
				t.Fatalf("third hour starts at local %v, want 00:00 on the 15th", lt)
			}
		})
	}
}

func TestBucketsShareALongDeltaAndMarkItEstimated(t *testing.T) {
	loc := time.UTC
	// One delta of 48 over two days and a half: 6 h on day 1, 24 h, 18 h.
	start := time.Date(2026, 1, 1, 18, 0, 0, 0, loc).UnixMilli()
	ds := []Delta{{FromMs: start, ToMs: start + 48*hourMs, Value: 48, Quality: Measured}}
	got := Buckets(ds, Day, loc)
	want := []float64{6, 24, 18}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if math.Abs(got[i].Value-w) > 1e-9 || got[i].Quality != Estimated {
			t.Errorf("day %d = %v %s, want %v estimated", i, got[i].Value, got[i].Quality, w)
		}
	}
}

func TestBucketsLeaveReverseFlowOutAndCountIt(t *testing.T) {
	ds := Deltas([]Reading{{0, 10, Measured}, {ms(15), 12, Measured}, {ms(30), 5, Measured}, {ms(45), 6, Measured}}, Register{})
	got := Buckets(ds, Hour, time.UTC)
	if len(got) != 1 || got[0].Value != 3 || got[0].Suspect != 1 || got[0].Quality != Suspect {
		t.Fatalf("got %+v", got)
	}
}

func TestQualityRanks(t *testing.T) {
	if Worse(Measured, Estimated) != Estimated || Worse(Suspect, Edited) != Suspect || Worse("", Measured) != Measured {
		t.Fatal("Worse ranks wrongly")
	}
	if Quality("bogus").Valid() || !Missing.Valid() {
		t.Fatal("Valid")
	}
}
