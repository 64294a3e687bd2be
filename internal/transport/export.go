package transport

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// exportFile is one GTFS file written from one table: its header and the
// query that yields its columns in order, as text or NULL.
type exportFile struct {
	name   string
	header []string
	query  string
}

var exportFiles = []exportFile{
	{"agency.txt", []string{"agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang", "agency_phone", "agency_fare_url", "agency_email"},
		`SELECT agency_id, name, url, timezone, lang, phone, fare_url, email FROM transport_agencies WHERE feed_id = $1 ORDER BY agency_id`},
	{"stops.txt", []string{"stop_id", "stop_code", "stop_name", "stop_desc", "stop_lat", "stop_lon", "zone_id", "stop_url", "location_type",
		"parent_station", "stop_timezone", "wheelchair_boarding", "level_id", "platform_code"},
		`SELECT stop_id, code, name, description, lat, lon, zone_id, url, location_type, parent_station, timezone, wheelchair,
		level_id, platform_code FROM transport_stops WHERE feed_id = $1 ORDER BY stop_id`},
	{"routes.txt", []string{"route_id", "agency_id", "route_short_name", "route_long_name", "route_desc", "route_type", "route_url",
		"route_color", "route_text_color", "route_sort_order"},
		`SELECT route_id, agency_id, short_name, long_name, description, route_type, url, color, text_color, sort_order
		FROM transport_routes WHERE feed_id = $1 ORDER BY route_id`},
	{"calendar.txt", []string{"service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "start_date", "end_date"},
		`SELECT service_id, days, start_date, end_date FROM transport_calendar WHERE feed_id = $1 ORDER BY service_id`},
	{"calendar_dates.txt", []string{"service_id", "date", "exception_type"},
		`SELECT service_id, date, exception_type FROM transport_calendar_dates WHERE feed_id = $1 ORDER BY service_id, date`},
	{"shapes.txt", []string{"shape_id", "shape_pt_sequence", "shape_pt_lat", "shape_pt_lon", "shape_dist_traveled"},
		`SELECT shape_id, seq, lat, lon, dist FROM transport_shapes WHERE feed_id = $1 ORDER BY shape_id, seq`},
	{"trips.txt", []string{"route_id", "service_id", "trip_id", "trip_headsign", "trip_short_name", "direction_id", "block_id", "shape_id",
		"wheelchair_accessible", "bikes_allowed"},
		`SELECT route_id, service_id, trip_id, headsign, short_name, direction_id, block_id, shape_id, wheelchair, bikes
		FROM transport_trips WHERE feed_id = $1 ORDER BY trip_id`},
	{"stop_times.txt", []string{"trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence", "stop_headsign", "pickup_type",
		"drop_off_type", "shape_dist_traveled", "timepoint"},
		`SELECT trip_id, arrival, departure, stop_id, seq, headsign, pickup, drop_off, dist, timepoint
		FROM transport_stop_times WHERE feed_id = $1 ORDER BY trip_id, seq`},
	{"frequencies.txt", []string{"trip_id", "start_time", "end_time", "headway_secs", "exact_times"},
		`SELECT trip_id, start_time, end_time, headway, exact_times FROM transport_frequencies WHERE feed_id = $1 ORDER BY trip_id, start_time`},
}

// timeCols are the columns written as GTFS times, per file.
var timeCols = map[string]map[int]bool{
	"stop_times.txt":  {1: true, 2: true},
	"frequencies.txt": {1: true, 2: true},
}

// writeGTFS streams the feed's rows into a GTFS zip on w.
func (s *store) writeGTFS(ctx context.Context, f Feed, w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, ef := range exportFiles {
		if err := s.writeFile(ctx, zw, f.No, ef); err != nil {
			return err
		}
	}
	if f.Info.HasFeedInfo {
		i := f.Info
		if err := writeRows(zw, "feed_info.txt", []string{"feed_publisher_name", "feed_publisher_url", "feed_lang", "default_lang",
			"feed_start_date", "feed_end_date", "feed_version", "feed_contact_email", "feed_contact_url"},
			[][]string{{i.PublisherName, i.PublisherURL, i.Lang, i.DefaultLang, i.StartDate, i.EndDate, i.Version, i.ContactEmail, i.ContactURL}}); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeRows(zw *zip.Writer, name string, header []string, rows [][]string) error {
	fw, err := zw.Create(name)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(fw)
	cw.Write(header)
	cw.WriteAll(rows)
	return cw.Error()
}

func (s *store) writeFile(ctx context.Context, zw *zip.Writer, feedNo int64, ef exportFile) error {
	rows, err := s.db.R(ctx).QueryContext(ctx, ef.query, feedNo)
	if err != nil {
		return fmt.Errorf("transport: export %s: %w", ef.name, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var cw *csv.Writer
	out := make([]string, 0, len(ef.header))
	for rows.Next() {
		if cw == nil { // files with no rows are left out
			fw, err := zw.Create(ef.name)
			if err != nil {
				return err
			}
			cw = csv.NewWriter(fw)
			cw.Write(ef.header)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out = out[:0]
		for i, v := range vals {
			switch {
			case !v.Valid:
				out = append(out, "")
			case timeCols[ef.name][i]:
				n, _ := strconv.Atoi(v.String)
				out = append(out, FormatTime(n))
			case ef.name == "calendar.txt" && i == 1: // the days bitmask → seven columns
				days, _ := strconv.Atoi(v.String)
				for d := 0; d < 7; d++ {
					out = append(out, strconv.Itoa(days>>d&1))
				}
			default:
				out = append(out, v.String)
			}
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cw != nil {
		cw.Flush()
		return cw.Error()
	}
	return nil
}

// Export writes a version as a GTFS zip to whoever manages it.
func (s *Service) Export(ctx context.Context, feedID string, w io.Writer) error {
	f, err := s.Feed(ctx, feedID)
	if err != nil {
		return err
	}
	if f.Status == StatusRejected {
		return invalidFeed("transport.error.rejected")
	}
	return s.st.writeGTFS(ctx, f, w)
}
