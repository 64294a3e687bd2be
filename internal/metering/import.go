package metering

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ImportEntity is one kind of registry row a CSV file can hold. Columns
// lists the header names, required ones first; rows refer to other
// entities by code (devices by serial), which must exist already or
// come earlier in the same file.
type ImportEntity struct {
	Name     string
	Columns  []string
	Required int // the first Required columns must be present and filled
	add      func(s *Service, ctx context.Context, tenant string, row map[string]string) error
}

// ImportEntities are the CSV files the registry takes, in the order a
// municipality's registry is best loaded.
var ImportEntities = []ImportEntity{
	{Name: "networks", Columns: []string{"code", "resource", "name"}, Required: 3, add: importNetwork},
	{Name: "objects", Columns: []string{"code", "kind", "name", "address", "lat", "lon"}, Required: 3, add: importObject},
	{Name: "points", Columns: []string{"code", "network", "name", "role", "object", "apartment", "resident_account_id"}, Required: 4, add: importPoint},
	{Name: "zones", Columns: []string{"code", "network", "kind", "name"}, Required: 4, add: importZone},
	{Name: "zone_points", Columns: []string{"zone", "point", "sign"}, Required: 3, add: importZonePoint},
	{Name: "devices", Columns: []string{"serial", "model", "firmware", "calibrated_on", "calibration_months", "seal", "interval_s"}, Required: 1, add: importDevice},
	{Name: "installations", Columns: []string{"device", "point", "from", "to", "start_register", "end_register"}, Required: 3, add: importInstallation},
	{Name: "removals", Columns: []string{"device", "to", "end_register"}, Required: 2, add: importRemoval},
	{Name: "channels", Columns: []string{"device", "name", "quantity", "unit", "kind", "multiplier", "digits", "direction"}, Required: 5, add: importChannel},
}

// ImportResult is what an import wrote.
type ImportResult struct {
	Entity string
	Rows   int
}

// LineError is one problem of one CSV line (line 1 is the header).
type LineError struct {
	Line  int    `json:"line"`
	Field string `json:"field"`
	Key   string `json:"key"` // i18n message key
}

// ImportError is a refused import: nothing was written.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	return fmt.Sprintf("metering: import refused: %d problems", len(e.Lines))
}

// Unwrap makes the refusal an invalid-input fault.
func (e *ImportError) Unwrap() error { return ErrInvalid }

// maxLineErrors bounds the problems reported for one file.
const maxLineErrors = 100

// Import loads one CSV file of entity into the municipality's registry:
// every row or none. A refused file returns an *ImportError naming each
// problem by line and column.
func (s *Service) Import(ctx context.Context, a *auth.Actor, muniID, entity string, r io.Reader) (ImportResult, error) {
	i := slices.IndexFunc(ImportEntities, func(e ImportEntity) bool { return e.Name == entity })
	if i < 0 {
		return ImportResult{}, invalid("metering-import-entity", map[string]string{"entity": "metering.error.import_entity"})
	}
	ent := ImportEntities[i]
	res := ImportResult{Entity: entity}
	err := s.inRegistry(ctx, a, muniID, func(ctx context.Context, tenant string) error {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		head, err := cr.Read()
		if err != nil {
			return &ImportError{Lines: []LineError{{Line: 1, Key: "metering.import.no_header"}}}
		}
		cols, lerrs := importHeader(ent, head)
		if len(lerrs) > 0 {
			return &ImportError{Lines: lerrs}
		}
		for line := 2; ; line++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				lerrs = append(lerrs, LineError{Line: line, Key: "metering.import.unreadable"})
				break
			}
			row, bad := importRow(ent, cols, rec, line)
			if bad != nil {
				lerrs = append(lerrs, bad...)
			} else if err := ent.add(s, ctx, tenant, row); err != nil {
				f, ok := fault.As(err)
				if !ok {
					return err
				}
				for field, key := range f.Fields {
					lerrs = append(lerrs, LineError{Line: line, Field: field, Key: key})
				}
			}
			if len(lerrs) >= maxLineErrors {
				break
			}
			res.Rows++ // counted whatever the line's fate: only a clean file commits
		}
		if len(lerrs) > 0 {
			slices.SortStableFunc(lerrs, func(a, b LineError) int { return a.Line - b.Line })
			return &ImportError{Lines: lerrs}
		}
		if res.Rows == 0 {
			return &ImportError{Lines: []LineError{{Line: 2, Key: "metering.import.empty"}}}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importHeader maps the entity's columns to their positions.
func importHeader(ent ImportEntity, head []string) (map[string]int, []LineError) {
	cols := map[string]int{}
	var errs []LineError
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(ent.Columns, h) {
			errs = append(errs, LineError{Line: 1, Field: h, Key: "metering.import.unknown_column"})
			continue
		}
		cols[h] = i
	}
	for _, c := range ent.Columns[:ent.Required] {
		if _, ok := cols[c]; !ok {
			errs = append(errs, LineError{Line: 1, Field: c, Key: "metering.import.missing_column"})
		}
	}
	return cols, errs
}

// importRow reads one line into column -> value.
func importRow(ent ImportEntity, cols map[string]int, rec []string, line int) (map[string]string, []LineError) {
	row := map[string]string{}
	var errs []LineError
	for c, i := range cols {
		if i < len(rec) {
			row[c] = strings.TrimSpace(rec[i])
		}
	}
	for _, c := range ent.Columns[:ent.Required] {
		if row[c] == "" {
			errs = append(errs, LineError{Line: line, Field: c, Key: "metering.error.required"})
		}
	}
	return row, errs
}

// cell parsers: each records a field error and returns the zero value.
type cells struct {
	row  map[string]string
	errs map[string]string
}

func (c *cells) float(col string) *float64 {
	v := c.row[col]
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil {
		c.errs[col] = "metering.error.number"
		return nil
	}
	return &f
}

func (c *cells) int(col string) int {
	v := c.row[col]
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		c.errs[col] = "metering.error.number"
	}
	return n
}

func (c *cells) time(col string) *time.Time {
	v := c.row[col]
	if v == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			t = t.UTC()
			return &t
		}
	}
	c.errs[col] = "metering.error.date"
	return nil
}

func (c *cells) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return invalid("metering-import-row", c.errs)
}

func newCells(row map[string]string) *cells { return &cells{row: row, errs: map[string]string{}} }

func importNetwork(s *Service, ctx context.Context, t string, r map[string]string) error {
	_, err := s.addNetwork(ctx, t, NetworkInput{Code: r["code"], Resource: r["resource"], Name: r["name"]})
	return err
}

func importObject(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := ObjectInput{Code: r["code"], Kind: r["kind"], Name: r["name"], Address: r["address"], Lat: c.float("lat"), Lon: c.float("lon")}
	if err := c.err(); err != nil {
		return err
	}
	_, err := s.addObject(ctx, t, in)
	return err
}

func importPoint(s *Service, ctx context.Context, t string, r map[string]string) error {
	_, err := s.addPoint(ctx, t, PointInput{Code: r["code"], Network: r["network"], Object: r["object"], Name: r["name"], Role: r["role"],
		Apartment: r["apartment"], ResidentAccountID: r["resident_account_id"]})
	return err
}

func importZone(s *Service, ctx context.Context, t string, r map[string]string) error {
	_, err := s.addZone(ctx, t, ZoneInput{Code: r["code"], Network: r["network"], Kind: r["kind"], Name: r["name"]})
	return err
}

func importZonePoint(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := ZonePointInput{Zone: r["zone"], Point: r["point"], Sign: c.int("sign")}
	if err := c.err(); err != nil {
		return err
	}
	return s.addZonePoint(ctx, t, in)
}

func importDevice(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := DeviceInput{Serial: r["serial"], Model: r["model"], Firmware: r["firmware"], Seal: r["seal"], CalibratedAt: c.time("calibrated_on"),
		CalibrationMonths: c.int("calibration_months"), Interval: time.Duration(c.int("interval_s")) * time.Second}
	if err := c.err(); err != nil {
		return err
	}
	_, err := s.addDevice(ctx, t, in)
	return err
}

func importInstallation(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := InstallationInput{Device: r["device"], Point: r["point"], To: c.time("to"), EndRegister: c.float("end_register")}
	if from := c.time("from"); from != nil {
		in.From = *from
	}
	if v := c.float("start_register"); v != nil {
		in.StartRegister = *v
	}
	if err := c.err(); err != nil {
		return err
	}
	_, err := s.addInstallation(ctx, t, in)
	return err
}

func importChannel(s *Service, ctx context.Context, t string, r map[string]string) error {
	c := newCells(r)
	in := ChannelInput{Device: r["device"], Name: r["name"], Quantity: r["quantity"], Unit: r["unit"], Kind: r["kind"], Direction: r["direction"],
		Digits: c.int("digits")}
	if v := c.float("multiplier"); v != nil {
		in.Multiplier = *v
	}
	if err := c.err(); err != nil {
		return err
	}
	_, err := s.addChannel(ctx, t, in)
	return err
}
