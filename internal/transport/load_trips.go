package transport

import (
	"context"
	"sort"
	"strconv"
)

func (l *loader) shapesFile(ctx context.Context, t *table) error {
	b := l.newBatchSuffix("transport_shapes", " ON CONFLICT DO NOTHING", "feed_id", "shape_id", "seq", "lat", "lon", "dist")
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok := l.need(r, "shape_id")
		seqS, ok1 := l.need(r, "shape_pt_sequence")
		seq, err := strconv.Atoi(seqS)
		if ok1 && (err != nil || seq < 0) {
			l.ns.Add(Notice{Code: CodeInvalidInteger, File: t.file, Row: t.row, Field: "shape_pt_sequence", Value: seqS})
			ok1 = false
		}
		_, okLat := l.need(r, "shape_pt_lat")
		_, okLon := l.need(r, "shape_pt_lon")
		lat, _, ok2 := l.float(r, "shape_pt_lat", -90, 90)
		lon, _, ok3 := l.float(r, "shape_pt_lon", -180, 180)
		dist, hasDist, ok4 := l.float(r, "shape_dist_traveled", 0, 1e12)
		if !ok || !ok1 || !okLat || !okLon || !ok2 || !ok3 || !ok4 {
			continue
		}
		l.shapes[id] = append(l.shapes[id], shapePt{seq: int32(seq), row: int32(t.row), lat: lat, lon: lon, dist: dist, hasDist: hasDist})
		var d any
		if hasDist {
			d = dist
		}
		if err := b.add(ctx, l.feedID, id, seq, lat, lon, d); err != nil {
			return err
		}
	}
	return b.flush(ctx) // the count excludes duplicates: set by checkShapes
}

func (l *loader) tripsFile(ctx context.Context, t *table) error {
	b := l.newBatch("transport_trips", "feed_id", "trip_id", "route_id", "service_id", "headsign", "short_name",
		"direction_id", "block_id", "shape_id", "wheelchair", "bikes")
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok := l.need(r, "trip_id")
		route, ok1 := l.need(r, "route_id")
		if ok1 {
			ok1 = l.foreign(r, l.routes[route], "route_id", route, "routes.route_id")
		}
		svc, ok2 := l.need(r, "service_id")
		if ok2 {
			ok2 = l.foreign(r, l.services[svc], "service_id", svc, "calendar.service_id")
		}
		shape := r.get("shape_id")
		ok3 := true
		if shape != "" {
			_, has := l.shapes[shape]
			ok3 = l.foreign(r, has, "shape_id", shape, "shapes.shape_id")
			l.usedShp[shape] = true
		}
		var dir any
		if r.get("direction_id") != "" {
			d, okD := l.intIn(r, "direction_id", 0, 1, 0)
			ok3 = ok3 && okD
			dir = d
		}
		wc, ok4 := l.intIn(r, "wheelchair_accessible", 0, 2, 0)
		bk, ok5 := l.intIn(r, "bikes_allowed", 0, 2, 0)
		_, seen := l.trips[id]
		if !ok || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || l.duplicate(r, seen, "trip_id", id) {
			continue
		}
		l.trips[id] = int32(len(l.tripIDs))
		l.tripIDs = append(l.tripIDs, id)
		l.times = append(l.times, nil)
		if err := b.add(ctx, l.feedID, id, route, svc, r.get("trip_headsign"), r.get("trip_short_name"), dir,
			r.get("block_id"), shape, wc, bk); err != nil {
			return err
		}
	}
	l.counts["trips.txt"] = b.total
	return b.flush(ctx)
}

func (l *loader) stopTimesFile(ctx context.Context, t *table) error {
	b := l.newBatchSuffix("transport_stop_times", " ON CONFLICT DO NOTHING", "feed_id", "trip_id", "seq", "stop_id",
		"arrival", "departure", "headsign", "pickup", "drop_off", "dist", "timepoint")
	for r, ok := t.next(); ok; r, ok = t.next() {
		trip, ok := l.need(r, "trip_id")
		ti, has := l.trips[trip]
		if ok {
			ok = l.foreign(r, has, "trip_id", trip, "trips.trip_id")
		}
		stop, ok1 := l.need(r, "stop_id")
		if ok1 {
			_, has := l.stops[stop]
			ok1 = l.foreign(r, has, "stop_id", stop, "stops.stop_id")
		}
		seqS, ok2 := l.need(r, "stop_sequence")
		seq, err := strconv.Atoi(seqS)
		if ok2 && (err != nil || seq < 0) {
			l.ns.Add(Notice{Code: CodeInvalidInteger, File: t.file, Row: t.row, Field: "stop_sequence", Value: seqS})
			ok2 = false
		}
		arr, ok3 := l.time(r, "arrival_time")
		dep, ok4 := l.time(r, "departure_time")
		if ok3 && ok4 && (arr < 0) != (dep < 0) {
			l.ns.Add(Notice{Code: CodeOnlyArrivalOrDeparture, File: t.file, Row: t.row})
		}
		pu, ok5 := l.intIn(r, "pickup_type", 0, 3, 0)
		do, ok6 := l.intIn(r, "drop_off_type", 0, 3, 0)
		dist, hasDist, ok7 := l.float(r, "shape_dist_traveled", 0, 1e12)
		var tp any
		if r.get("timepoint") != "" {
			v, okT := l.intIn(r, "timepoint", 0, 1, 1)
			ok7 = ok7 && okT
			tp = v
		}
		if !ok || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 {
			continue
		}
		l.times[ti] = append(l.times[ti], stopTime{seq: int32(seq), row: int32(t.row), arr: int32(arr), dep: int32(dep),
			dist: float32(dist), hasDist: hasDist, timepoint: tp == 1})
		var d any
		if hasDist {
			d = dist
		}
		if err := b.add(ctx, l.feedID, trip, seq, stop, nullInt(arr, arr < 0), nullInt(dep, dep < 0),
			r.get("stop_headsign"), pu, do, d, tp); err != nil {
			return err
		}
	}
	return b.flush(ctx) // the count excludes duplicates: set by checkStopTimes
}

func (l *loader) frequencies(ctx context.Context, t *table) error {
	b := l.newBatch("transport_frequencies", "feed_id", "trip_id", "start_time", "end_time", "headway", "exact_times")
	type span struct{ start, end, row int }
	byTrip := map[string][]span{}
	for r, ok := t.next(); ok; r, ok = t.next() {
		trip, ok := l.need(r, "trip_id")
		if ok {
			_, has := l.trips[trip]
			ok = l.foreign(r, has, "trip_id", trip, "trips.trip_id")
		}
		_, okS := l.need(r, "start_time")
		_, okE := l.need(r, "end_time")
		start, ok1 := l.time(r, "start_time")
		end, ok2 := l.time(r, "end_time")
		if okS && okE && ok1 && ok2 && end < start {
			l.ns.Add(Notice{Code: CodeStartEndOutOfOrder, File: t.file, Row: t.row, Field: "start_time", Value: FormatTime(start), Ref: FormatTime(end)})
		}
		hwS, ok3 := l.need(r, "headway_secs")
		hw, err := strconv.Atoi(hwS)
		if ok3 && (err != nil || hw <= 0) {
			l.ns.Add(Notice{Code: CodeNumberOutOfRange, File: t.file, Row: t.row, Field: "headway_secs", Value: hwS})
			ok3 = false
		}
		ex, ok4 := l.intIn(r, "exact_times", 0, 1, 0)
		if !ok || !okS || !okE || !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		dup := false
		for _, s := range byTrip[trip] {
			if s.start == start {
				dup = l.duplicate(r, true, "trip_id,start_time", trip+","+FormatTime(start))
			} else if start < s.end && s.start < end {
				l.ns.Add(Notice{Code: CodeOverlappingFrequency, File: t.file, Row: t.row, Field: "trip_id", Value: trip, Ref: strconv.Itoa(s.row)})
			}
		}
		if dup {
			continue
		}
		byTrip[trip] = append(byTrip[trip], span{start, end, t.row})
		if err := b.add(ctx, l.feedID, trip, start, end, hw, ex); err != nil {
			return err
		}
	}
	l.counts["frequencies.txt"] = b.total
	return b.flush(ctx)
}

func (l *loader) feedInfo(ctx context.Context, t *table) error {
	r, ok := t.next()
	if !ok {
		return nil
	}
	name, _ := l.need(r, "feed_publisher_name")
	u, ok1 := l.need(r, "feed_publisher_url")
	if ok1 {
		u, _ = l.url(r, "feed_publisher_url")
	}
	lang, _ := l.need(r, "feed_lang")
	start, _ := l.date(r, "feed_start_date", false)
	end, _ := l.date(r, "feed_end_date", false)
	if start != "" && end != "" && end < start {
		l.ns.Add(Notice{Code: CodeStartEndOutOfOrder, File: t.file, Row: t.row, Field: "feed_start_date", Value: start, Ref: end})
	}
	cu, _ := l.url(r, "feed_contact_url")
	l.info.PublisherName, l.info.PublisherURL, l.info.Lang = name, u, lang
	l.info.DefaultLang, l.info.StartDate, l.info.EndDate = r.get("default_lang"), start, end
	l.info.Version, l.info.ContactEmail, l.info.ContactURL = r.get("feed_version"), r.get("feed_contact_email"), cu
	l.info.HasFeedInfo = true
	l.counts["feed_info.txt"] = 1
	if _, more := t.next(); more {
		l.ns.Add(Notice{Code: CodeDuplicateKey, File: t.file, Row: t.row, Field: "feed_info"})
	}
	return nil
}

// checkStopTimes orders each trip's stop times and checks them: keys,
// the times at both ends, and times that go back.
func (l *loader) checkStopTimes() {
	const file = "stop_times.txt"
	n := 0
	for i, sts := range l.times {
		sort.Slice(sts, func(a, b int) bool { return sts[a].seq < sts[b].seq })
		trip := l.tripIDs[i]
		if len(sts) < 2 {
			l.ns.Add(Notice{Code: CodeUnusableTrip, File: "trips.txt", Field: "trip_id", Value: trip})
		}
		prevDep := int32(-1)
		for j, st := range sts {
			if j > 0 && st.seq == sts[j-1].seq {
				l.ns.Add(Notice{Code: CodeDuplicateKey, File: file, Row: int(st.row), Field: "trip_id,stop_sequence",
					Value: trip + "," + strconv.Itoa(int(st.seq))})
				continue
			}
			n++
			if (j == 0 || j == len(sts)-1) && (st.arr < 0 || st.dep < 0) {
				field := "arrival_time"
				if st.arr >= 0 {
					field = "departure_time"
				}
				l.ns.Add(Notice{Code: CodeMissingTripEdge, File: file, Row: int(st.row), Field: field, Value: trip})
			}
			if st.arr >= 0 && prevDep >= 0 && st.arr < prevDep {
				l.ns.Add(Notice{Code: CodeArrivalBeforeDeparture, File: file, Row: int(st.row), Field: "arrival_time",
					Value: FormatTime(int(st.arr)), Ref: FormatTime(int(prevDep))})
			}
			if st.dep >= 0 {
				prevDep = st.dep
			}
		}
	}
	l.counts["stop_times.txt"] = n
}

// checkShapes orders each shape's points and checks that the distance
// travelled grows.
func (l *loader) checkShapes() {
	const file = "shapes.txt"
	n := 0
	ids := make([]string, 0, len(l.shapes))
	for id := range l.shapes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		pts := l.shapes[id]
		sort.Slice(pts, func(a, b int) bool { return pts[a].seq < pts[b].seq })
		var prev *shapePt
		for j := range pts {
			p := &pts[j]
			if prev != nil && p.seq == prev.seq {
				l.ns.Add(Notice{Code: CodeDuplicateKey, File: file, Row: int(p.row), Field: "shape_id,shape_pt_sequence",
					Value: id + "," + strconv.Itoa(int(p.seq))})
				continue
			}
			n++
			if prev != nil && p.hasDist && prev.hasDist && (p.dist < prev.dist || p.dist == prev.dist && (p.lat != prev.lat || p.lon != prev.lon)) {
				l.ns.Add(Notice{Code: CodeDecreasingShapeDistance, File: file, Row: int(p.row), Field: "shape_dist_traveled",
					Value: strconv.FormatFloat(p.dist, 'f', -1, 64), Ref: strconv.FormatFloat(prev.dist, 'f', -1, 64)})
			}
			prev = p
		}
		if !l.usedShp[id] {
			l.ns.Add(Notice{Code: CodeUnusedShape, File: file, Field: "shape_id", Value: id})
		}
	}
	if n > 0 || len(l.shapes) > 0 {
		l.counts["shapes.txt"] = n
	}
}
