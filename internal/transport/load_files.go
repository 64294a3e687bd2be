package transport

import (
	"context"
)

// files are the GTFS files muni keeps, in the order that lets every
// foreign key be checked against a file already read.
var files = []gtfsFile{
	{name: "agency.txt", required: true, read: (*loader).agency,
		columns: []string{"agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang", "agency_phone", "agency_fare_url", "agency_email"},
		must:    []string{"agency_name", "agency_url", "agency_timezone"}},
	{name: "stops.txt", required: true, read: (*loader).stopsFile,
		columns: []string{"stop_id", "stop_code", "stop_name", "tts_stop_name", "stop_desc", "stop_lat", "stop_lon", "zone_id", "stop_url",
			"location_type", "parent_station", "stop_timezone", "wheelchair_boarding", "level_id", "platform_code", "stop_access"},
		must: []string{"stop_id"}},
	{name: "routes.txt", required: true, read: (*loader).routesFile,
		columns: []string{"route_id", "agency_id", "route_short_name", "route_long_name", "route_desc", "route_type", "route_url",
			"route_color", "route_text_color", "route_sort_order", "continuous_pickup", "continuous_drop_off", "network_id", "cemv_support"},
		must: []string{"route_id", "route_type"}},
	{name: "calendar.txt", read: (*loader).calendar,
		columns: []string{"service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "start_date", "end_date"},
		must:    []string{"service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "start_date", "end_date"}},
	{name: "calendar_dates.txt", read: (*loader).calendarDates,
		columns: []string{"service_id", "date", "exception_type"},
		must:    []string{"service_id", "date", "exception_type"}},
	{name: "shapes.txt", read: (*loader).shapesFile,
		columns: []string{"shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence", "shape_dist_traveled"},
		must:    []string{"shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"}},
	{name: "trips.txt", required: true, read: (*loader).tripsFile,
		columns: []string{"route_id", "service_id", "trip_id", "trip_headsign", "trip_short_name", "direction_id", "block_id",
			"shape_id", "wheelchair_accessible", "bikes_allowed", "cars_allowed"},
		must: []string{"route_id", "service_id", "trip_id"}},
	{name: "stop_times.txt", required: true, read: (*loader).stopTimesFile,
		columns: []string{"trip_id", "arrival_time", "departure_time", "stop_id", "location_group_id", "location_id", "stop_sequence",
			"stop_headsign", "start_pickup_drop_off_window", "end_pickup_drop_off_window", "pickup_type", "drop_off_type",
			"continuous_pickup", "continuous_drop_off", "shape_dist_traveled", "timepoint", "pickup_booking_rule_id", "drop_off_booking_rule_id"},
		must: []string{"trip_id", "stop_sequence"}},
	{name: "frequencies.txt", read: (*loader).frequencies,
		columns: []string{"trip_id", "start_time", "end_time", "headway_secs", "exact_times"},
		must:    []string{"trip_id", "start_time", "end_time", "headway_secs"}},
	{name: "feed_info.txt", read: (*loader).feedInfo,
		columns: []string{"feed_publisher_name", "feed_publisher_url", "feed_lang", "default_lang", "feed_start_date", "feed_end_date",
			"feed_version", "feed_contact_email", "feed_contact_url"},
		must: []string{"feed_publisher_name", "feed_publisher_url", "feed_lang"}},
}

func (l *loader) agency(ctx context.Context, t *table) error {
	b := l.newBatch("transport_agencies", "feed_id", "agency_id", "name", "url", "timezone", "lang", "phone", "fare_url", "email")
	rows := 0
	for r, ok := t.next(); ok; r, ok = t.next() {
		rows++
		id := r.get("agency_id")
		name, ok1 := l.need(r, "agency_name")
		u, ok2 := l.need(r, "agency_url")
		if ok2 {
			u, _ = l.url(r, "agency_url")
		}
		tz, ok3 := l.zone(r, "agency_timezone", true)
		fare, _ := l.url(r, "agency_fare_url")
		if !ok1 || !ok3 || l.duplicate(r, l.agencies[id], "agency_id", id) {
			continue
		}
		if l.info.TimeZone == "" {
			l.info.TimeZone = tz
		} else if tz != l.info.TimeZone {
			l.ns.Add(Notice{Code: CodeInconsistentTimezone, File: t.file, Row: t.row, Field: "agency_timezone", Value: tz, Ref: l.info.TimeZone})
		}
		l.agencies[id] = true
		if err := b.add(ctx, l.feedID, id, name, u, tz, r.get("agency_lang"), r.get("agency_phone"), fare, r.get("agency_email")); err != nil {
			return err
		}
	}
	if rows > 1 && l.agencies[""] {
		l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Field: "agency_id"})
	}
	l.counts["agency.txt"] = b.total
	return b.flush(ctx)
}

func (l *loader) stopsFile(ctx context.Context, t *table) error {
	b := l.newBatch("transport_stops", "feed_id", "stop_id", "code", "name", "description", "lat", "lon", "zone_id", "url",
		"location_type", "parent_station", "timezone", "wheelchair", "level_id", "platform_code")
	type ref struct {
		row         int
		stop, value string
	}
	var parents []ref
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok := l.need(r, "stop_id")
		if !ok {
			continue
		}
		lt, ok1 := l.intIn(r, "location_type", 0, 4, 0)
		name := r.get("stop_name")
		lat, hasLat, ok2 := l.float(r, "stop_lat", -90, 90)
		lon, hasLon, ok3 := l.float(r, "stop_lon", -180, 180)
		if lt <= 2 { // stops, stations and entrances need a name and a place
			if name == "" {
				l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Row: t.row, Field: "stop_name"})
				ok1 = false
			}
			if ok2 && !hasLat {
				l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Row: t.row, Field: "stop_lat"})
				ok2 = false
			}
			if ok3 && !hasLon {
				l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Row: t.row, Field: "stop_lon"})
				ok3 = false
			}
		}
		parent := r.get("parent_station")
		if lt >= 2 && parent == "" {
			l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Row: t.row, Field: "parent_station"})
			ok1 = false
		}
		tz, ok4 := l.zone(r, "stop_timezone", false)
		u, _ := l.url(r, "stop_url")
		wc, ok6 := l.intIn(r, "wheelchair_boarding", 0, 2, 0)
		_, seen := l.stops[id]
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok6 || l.duplicate(r, seen, "stop_id", id) {
			continue
		}
		l.stops[id] = parent
		if parent != "" {
			parents = append(parents, ref{t.row, id, parent})
		}
		var la, lo any
		if hasLat && hasLon {
			la, lo = lat, lon
		}
		if err := b.add(ctx, l.feedID, id, r.get("stop_code"), name, r.get("stop_desc"), la, lo, r.get("zone_id"), u,
			lt, parent, tz, wc, r.get("level_id"), r.get("platform_code")); err != nil {
			return err
		}
	}
	for _, p := range parents { // parents may come after their children
		if _, ok := l.stops[p.value]; !ok {
			l.ns.Add(Notice{Code: CodeForeignKeyViolation, File: t.file, Row: p.row, Field: "parent_station", Value: p.value, Ref: "stops.stop_id"})
		}
	}
	l.counts["stops.txt"] = b.total
	return b.flush(ctx)
}

func (l *loader) routesFile(ctx context.Context, t *table) error {
	b := l.newBatch("transport_routes", "feed_id", "route_id", "agency_id", "short_name", "long_name", "description",
		"route_type", "url", "color", "text_color", "sort_order")
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok := l.need(r, "route_id")
		if !ok {
			continue
		}
		agency := r.get("agency_id")
		okA := true
		if agency == "" && len(l.agencies) > 1 {
			l.ns.Add(Notice{Code: CodeMissingRequiredField, File: t.file, Row: t.row, Field: "agency_id"})
			okA = false
		} else if agency != "" {
			okA = l.foreign(r, l.agencies[agency], "agency_id", agency, "agency.agency_id")
		}
		short, long := r.get("route_short_name"), r.get("route_long_name")
		if short == "" && long == "" {
			l.ns.Add(Notice{Code: CodeRouteNamesMissing, File: t.file, Row: t.row})
		}
		rtS, okT := l.need(r, "route_type")
		rt := 0
		if okT {
			rt, okT = l.intIn(r, "route_type", 0, 1702, 0)
			if okT && !validRouteType(rt) {
				l.ns.Add(Notice{Code: CodeUnexpectedEnumValue, File: t.file, Row: t.row, Field: "route_type", Value: rtS})
			}
		}
		u, _ := l.url(r, "route_url")
		c, _ := l.color(r, "route_color")
		tc, _ := l.color(r, "route_text_color")
		var sortOrder any
		if s := r.get("route_sort_order"); s != "" {
			n, okS := l.intIn(r, "route_sort_order", 0, 1<<31-1, 0)
			if !okS {
				continue
			}
			sortOrder = n
		}
		if !okA || !okT || l.duplicate(r, l.routes[id], "route_id", id) {
			continue
		}
		l.routes[id] = true
		if err := b.add(ctx, l.feedID, id, agency, short, long, r.get("route_desc"), rt, u, c, tc, sortOrder); err != nil {
			return err
		}
	}
	l.counts["routes.txt"] = b.total
	return b.flush(ctx)
}

// validRouteType accepts the basic types and the extended (Google) ones.
func validRouteType(t int) bool {
	return (t >= 0 && t <= 7) || t == 11 || t == 12 || (t >= 100 && t <= 1702)
}

var dayCols = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

func (l *loader) calendar(ctx context.Context, t *table) error {
	b := l.newBatch("transport_calendar", "feed_id", "service_id", "days", "start_date", "end_date")
	seen := map[string]bool{}
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok := l.need(r, "service_id")
		days := 0
		for i, c := range dayCols {
			v, okD := l.need(r, c)
			if okD && v != "0" && v != "1" {
				l.ns.Add(Notice{Code: CodeUnexpectedEnumValue, File: t.file, Row: t.row, Field: c, Value: v})
				okD = false
			}
			ok = ok && okD
			if v == "1" {
				days |= 1 << i
			}
		}
		start, ok1 := l.date(r, "start_date", true)
		end, ok2 := l.date(r, "end_date", true)
		if ok1 && ok2 && end < start {
			l.ns.Add(Notice{Code: CodeStartEndOutOfOrder, File: t.file, Row: t.row, Field: "start_date", Value: start, Ref: end})
		}
		if !ok || !ok1 || !ok2 || l.duplicate(r, seen[id], "service_id", id) {
			continue
		}
		seen[id] = true
		l.services[id] = true
		if err := b.add(ctx, l.feedID, id, days, start, end); err != nil {
			return err
		}
	}
	l.counts["calendar.txt"] = b.total
	return b.flush(ctx)
}

func (l *loader) calendarDates(ctx context.Context, t *table) error {
	b := l.newBatch("transport_calendar_dates", "feed_id", "service_id", "date", "exception_type")
	seen := map[[2]string]bool{}
	for r, ok := t.next(); ok; r, ok = t.next() {
		id, ok1 := l.need(r, "service_id")
		d, ok2 := l.date(r, "date", true)
		ex, ok3 := l.need(r, "exception_type")
		if ok3 && ex != "1" && ex != "2" {
			l.ns.Add(Notice{Code: CodeUnexpectedEnumValue, File: t.file, Row: t.row, Field: "exception_type", Value: ex})
			ok3 = false
		}
		key := [2]string{id, d}
		if !ok1 || !ok2 || !ok3 || l.duplicate(r, seen[key], "service_id,date", id+","+d) {
			continue
		}
		seen[key] = true
		l.services[id] = true
		if err := b.add(ctx, l.feedID, id, d, int(ex[0]-'0')); err != nil {
			return err
		}
	}
	l.counts["calendar_dates.txt"] = b.total
	return b.flush(ctx)
}
