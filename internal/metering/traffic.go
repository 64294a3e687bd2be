package metering

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/db"
)

// TrafficReading is one raw reading of a traffic detector's channel: the
// metering point the detector is installed on, the channel's name and
// quantity (by convention "lane1.speed" with quantity "speed"), its time
// and value (times the channel's multiplier).
type TrafficReading struct {
	Point    string
	Channel  string
	Quantity string
	At       time.Time
	Value    float64
}

// maxTrafficPoints bounds one TrafficReadings call.
const maxTrafficPoints = 200

// TrafficReadings returns the readings in [from, to) of the channels
// installed, at each reading's time, on the given points of the
// municipality's traffic networks, oldest first. Only points in networks
// of resource traffic are read: road traffic counts are open data, the
// other resources' readings are not, so this needs no actor. Readings
// flagged missing are left out. Raw readings are kept for the retention
// period only (RunRollups' keepRaw).
func (s *Service) TrafficReadings(ctx context.Context, tenantID string, points []string, from, to time.Time) ([]TrafficReading, error) {
	if len(points) == 0 || !to.After(from) {
		return nil, nil
	}
	if len(points) > maxTrafficPoints {
		points = points[:maxTrafficPoints]
	}
	args := []any{tenantID, string(Traffic), from.UnixMilli(), to.UnixMilli()}
	marks := make([]string, len(points))
	for i, p := range points {
		args = append(args, p)
		marks[i] = "$" + itoa(int64(len(args)))
	}
	rows, err := s.db.Q(ctx).QueryContext(ctx, `SELECT p.code, c.name, c.quantity, r.ts_ms, r.value * c.multiplier
		FROM metering_points p
		JOIN metering_networks n ON n.id = p.network_id AND n.resource = $2
		JOIN metering_installations i ON i.point_id = p.id
		JOIN metering_channels c ON c.device_id = i.device_id
		JOIN metering_readings r ON r.channel_id = c.id AND r.ts_ms >= i.from_ms AND (i.to_ms IS NULL OR r.ts_ms < i.to_ms)
		WHERE p.tenant_id = $1 AND p.code IN (`+strings.Join(marks, ", ")+`)
		  AND r.ts_ms >= $3 AND r.ts_ms < $4 AND r.quality <> $`+itoa(int64(len(args)+1))+`
		`, append(args, int64(Missing))...)
	if err != nil {
		return nil, wrap("traffic readings", err)
	}
	defer rows.Close()
	var out []TrafficReading
	for rows.Next() {
		var r TrafficReading
		var ms int64
		if err := rows.Scan(&r.Point, &r.Channel, &r.Quantity, &ms, &r.Value); err != nil {
			return nil, wrap("traffic readings", err)
		}
		r.At = time.UnixMilli(ms).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("traffic readings", err)
	}
	// Sorted here rather than by the database: the plan stays a plain
	// index range scan per channel on both engines.
	slices.SortFunc(out, func(a, b TrafficReading) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.Point, b.Point), strings.Compare(a.Channel, b.Channel))
	})
	return out, nil
}

// TrafficPoints returns which of the codes are points of the
// municipality's traffic networks: the detectors a road segment may name.
func (s *Service) TrafficPoints(ctx context.Context, tenantID string, codes []string) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	if len(codes) > maxTrafficPoints {
		codes = codes[:maxTrafficPoints]
	}
	args := []any{tenantID, string(Traffic)}
	marks := make([]string, len(codes))
	for i, c := range codes {
		args = append(args, c)
		marks[i] = "$" + itoa(int64(len(args)))
	}
	out, err := db.Strings(ctx, s.db.Q(ctx), `SELECT p.code FROM metering_points p
		JOIN metering_networks n ON n.id = p.network_id AND n.resource = $2
		WHERE p.tenant_id = $1 AND p.code IN (`+strings.Join(marks, ", ")+`) ORDER BY p.code`, args...)
	return out, wrap("traffic points", err)
}

// TrafficPoint is a point of a traffic network: where a detector
// measures a road.
type TrafficPoint struct {
	Code, Name string
}

// maxTrafficList bounds the points TrafficPointList returns.
const maxTrafficList = 1000

// TrafficPointList returns the municipality's points in service on its
// traffic networks, by code: the detectors officials choose from when
// they describe a road segment. Like TrafficReadings it needs no actor:
// where road traffic is measured is public.
func (s *Service) TrafficPointList(ctx context.Context, tenantID string) ([]TrafficPoint, error) {
	rows, err := s.db.R(ctx).QueryContext(ctx, `SELECT p.code, p.name FROM metering_points p
		JOIN metering_networks n ON n.id = p.network_id AND n.resource = $2
		WHERE p.tenant_id = $1 AND p.retired_ms IS NULL ORDER BY p.code LIMIT `+itoa(maxTrafficList), tenantID, string(Traffic))
	if err != nil {
		return nil, wrap("traffic point list", err)
	}
	defer rows.Close()
	var out []TrafficPoint
	for rows.Next() {
		var p TrafficPoint
		if err := rows.Scan(&p.Code, &p.Name); err != nil {
			return nil, wrap("traffic point list", err)
		}
		out = append(out, p)
	}
	return out, wrap("traffic point list", rows.Err())
}
