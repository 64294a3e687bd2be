package appeals

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// Open311 GeoReport v2 documents. Codes are strings in both formats (the
// spec's JSON examples show bare numbers, which are not valid JSON);
// lists are bare arrays in JSON and wrapped in a root element in XML.

type o311Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description string   `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    string   `xml:"keywords" json:"keywords"`
	Group       string   `xml:"group" json:"group"`
}

type o311Definition struct {
	XMLName     xml.Name        `xml:"service_definition" json:"-"`
	ServiceCode string          `xml:"service_code" json:"service_code"`
	Attributes  []o311Attribute `xml:"attributes>attribute" json:"attributes"` // the category's extra questions
}

type o311Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat,omitempty" json:"lat"`
	Long              *float64 `xml:"long,omitempty" json:"long"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

type o311Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
	ServiceNotice    string   `xml:"service_notice" json:"service_notice"`
	AccountID        string   `xml:"account_id" json:"account_id"`
}

// o311UpdateID answers POST servicerequestupdates: the id of the step.
type o311UpdateID struct {
	XMLName  xml.Name `xml:"request_update" json:"-"`
	UpdateID string   `xml:"update_id" json:"update_id"`
}

type o311Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

type o311Discovery struct {
	XMLName    xml.Name `xml:"discovery" json:"-"`
	Changeset  string   `xml:"changeset" json:"changeset"`
	Contact    string   `xml:"contact" json:"contact"`
	KeyService string   `xml:"key_service" json:"key_service"`
	Endpoints  []struct {
		Specification string   `xml:"specification" json:"specification"`
		URL           string   `xml:"url" json:"url"`
		Changeset     string   `xml:"changeset" json:"changeset"`
		Type          string   `xml:"type" json:"type"`
		Formats       []string `xml:"formats>format" json:"formats"`
	} `xml:"endpoints>endpoint" json:"endpoints"`
}

// o311Time is the W3C date-time with zone the spec asks for.
func o311Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// splitFormat cuts "requests.json" into "requests" and "json"; only json
// and xml are served.
func splitFormat(file string) (name, format string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", "", false
	}
	name, format = file[:i], file[i+1:]
	return name, format, format == "json" || format == "xml"
}

// writeO311 writes v (a slice for lists) in format, wrapping XML lists in
// root.
func writeO311[T any](w http.ResponseWriter, format string, status int, root string, items []T) error {
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		if _, err := w.Write([]byte(xml.Header)); err != nil {
			return err
		}
		enc := xml.NewEncoder(w)
		start := xml.StartElement{Name: xml.Name{Local: root}}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		for _, it := range items {
			if err := enc.Encode(it); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
		return enc.Flush()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if items == nil {
		items = []T{}
	}
	return json.NewEncoder(w).Encode(items)
}

// writeO311Errors answers in Open311's own error format.
func writeO311Errors(w http.ResponseWriter, format string, status int, descriptions ...string) error {
	errs := make([]o311Error, len(descriptions))
	for i, d := range descriptions {
		errs[i] = o311Error{Code: status, Description: d}
	}
	if format != "xml" {
		format = "json"
	}
	return writeO311(w, format, status, "errors", errs)
}
