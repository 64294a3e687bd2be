package transport

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/MobilityData/gtfs-realtime-bindings/golang/gtfs"
	"google.golang.org/protobuf/proto"
)

// DemoObservations plays the last days (today included, up to now) of
// the municipality's active network through IngestRealtime as an
// operator's system would have reported it: about 3 % of trips
// cancelled, 3 % never reported, the rest with delays drifting from stop
// to stop (mostly within a few minutes, some late, a few early). The
// same day always plays the same way. The actor in ctx must be allowed
// to push realtime data.
func (s *Service) DemoObservations(ctx context.Context, municipalityID string, days int) (int, error) {
	m, err := s.places.Municipality(ctx, municipalityID)
	if err != nil {
		return 0, err
	}
	n, err := s.network(ctx, m.Slug)
	if err != nil {
		return 0, err
	}
	cal, err := s.st.calendar(ctx, &s.cals, n.Feed.No)
	if err != nil {
		return 0, err
	}
	trips, _, err := s.st.qualityTrips(ctx, n.Feed.No)
	if err != nil {
		return 0, err
	}
	now := s.now()
	local := now.In(n.Zone)
	total := 0
	for k := days - 1; k >= 0; k-- {
		day := time.Date(local.Year(), local.Month(), local.Day()-k, 0, 0, 0, 0, n.Zone)
		base := serviceDayStart(day, n.Zone)
		date := day.Format("20060102")
		active := cal.Active(day)
		msg := &gtfs.FeedMessage{Header: &gtfs.FeedHeader{GtfsRealtimeVersion: proto.String("2.0"),
			Incrementality: gtfs.FeedHeader_FULL_DATASET.Enum(), Timestamp: proto.Uint64(uint64(now.Unix()))}}
		for _, t := range trips {
			if !active[t.service] || len(t.stops) == 0 || base.Add(time.Duration(t.stops[0].sec)*time.Second).After(now) {
				continue
			}
			h := fnv.New64a()
			h.Write([]byte(date + "/" + t.id))
			rnd := rand.New(rand.NewPCG(h.Sum64(), 2026))
			td := &gtfs.TripDescriptor{TripId: proto.String(t.id), StartDate: proto.String(date), RouteId: proto.String(t.route)}
			switch p := rnd.Float64(); {
			case p < 0.03:
				td.ScheduleRelationship = gtfs.TripDescriptor_CANCELED.Enum()
				msg.Entity = append(msg.Entity, &gtfs.FeedEntity{Id: proto.String(date + "/" + t.id), TripUpdate: &gtfs.TripUpdate{Trip: td}})
				continue
			case p < 0.06:
				continue // the vehicle's tracker was silent
			}
			// A trip starts a little off and drifts: on routes out of the
			// hub in the morning rush more so.
			delay := int(rnd.NormFloat64()*60) + 30
			if rnd.Float64() < 0.12 {
				delay += 240 + rnd.IntN(300)
			}
			tu := &gtfs.TripUpdate{Trip: td}
			for _, st := range t.stops {
				at := base.Add(time.Duration(st.sec+delay) * time.Second)
				if at.After(now) {
					break
				}
				tu.StopTimeUpdate = append(tu.StopTimeUpdate, &gtfs.TripUpdate_StopTimeUpdate{StopSequence: proto.Uint32(uint32(st.seq)),
					StopId: proto.String(st.stop), Departure: &gtfs.TripUpdate_StopTimeEvent{Time: proto.Int64(at.Unix())}})
				delay += int(rnd.NormFloat64() * 25)
			}
			msg.Entity = append(msg.Entity, &gtfs.FeedEntity{Id: proto.String(date + "/" + t.id), TripUpdate: tu})
		}
		if len(msg.Entity) == 0 {
			continue
		}
		body, err := proto.Marshal(msg)
		if err != nil {
			return total, err
		}
		res, err := s.IngestRealtime(ctx, municipalityID, body)
		if err != nil {
			return total, err
		}
		total += res.Trips
	}
	return total, nil
}
