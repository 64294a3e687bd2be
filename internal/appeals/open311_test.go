package appeals

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

func TestOpen311(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		h := testServer(t, e.svc, nil)
		open := e.report(resident("r1"), pot)
		e.complaint(resident("r1")) // formal appeals never show
		post := func(v url.Values) url.Values {
			out := url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"a"}, "service_code": {"pothole"},
				"lat": {"59.93"}, "long": {"30.31"}, "description": {"Яма на перекрёстке у школы."}}
			for k, vs := range v {
				out[k] = vs
			}
			return out
		}
		del := func(k string) url.Values { v := post(nil); v.Del(k); return v }
		for _, sc := range []scenario{
			{name: "discovery", method: "GET", path: "/open311/v2/discovery.json", status: 200, want: []string{`"specification"`, `"application/json"`}},
			{name: "services", method: "GET", path: "/open311/v2/services.json?jurisdiction_id=a", status: 200,
				want: []string{`"service_code":"pothole"`, `"type":"realtime"`}},
			{name: "services in XML", method: "GET", path: "/open311/v2/services.xml?jurisdiction_id=a", status: 200,
				want: []string{"<services><service><service_code>pothole</service_code>"}},
			{name: "no jurisdiction", method: "GET", path: "/open311/v2/services.json", status: 400, want: []string{`[{"code":400,"description":"`}},
			{name: "unknown jurisdiction in XML", method: "GET", path: "/open311/v2/services.xml?jurisdiction_id=zz", status: 404,
				want: []string{"<errors><error><code>404</code>"}},
			{name: "unknown format", method: "GET", path: "/open311/v2/services.csv?jurisdiction_id=a", status: 404},
			{name: "service definition", method: "GET", path: "/open311/v2/services/pothole.json?jurisdiction_id=a", status: 200,
				want: []string{`"service_code":"pothole"`, `"attributes":[]`}},
			{name: "unknown service definition", method: "GET", path: "/open311/v2/services/snow.xml?jurisdiction_id=a", status: 404},
			{name: "a wrong api_key", method: "POST", path: "/open311/v2/requests.json", form: post(url.Values{"api_key": {"nope"}}), status: 403},
			{name: "no api_key, in XML", method: "POST", path: "/open311/v2/requests.xml", form: del("api_key"), status: 403,
				want: []string{"<errors><error><code>403</code>"}},
			{name: "missing service_code", method: "POST", path: "/open311/v2/requests.json", form: del("service_code"), status: 400,
				want: []string{"service_code"}},
			{name: "unknown service_code", method: "POST", path: "/open311/v2/requests.json", form: post(url.Values{"service_code": {"ufo"}}), status: 400},
			{name: "latitude out of range", method: "POST", path: "/open311/v2/requests.json", form: post(url.Values{"lat": {"91"}}), status: 400},
			{name: "a pin outside the municipality", method: "POST", path: "/open311/v2/requests.xml",
				form: post(url.Values{"lat": {"55.7558"}, "long": {"37.6173"}}), status: 400, want: []string{"<errors><error><code>400</code>", "за пределами"}},
			{name: "no place at all", method: "POST", path: "/open311/v2/requests.json", form: del("lat"), status: 400},
			{name: "an unknown attribute", method: "POST", path: "/open311/v2/requests.json", form: post(url.Values{"attribute[depth]": {"30"}}), status: 400,
				want: []string{"attribute[depth]"}},
			{name: "a 10,000-character description", method: "POST", path: "/open311/v2/requests.json",
				form: post(url.Values{"description": {strings.Repeat("я", 10000)}}), status: 400},
			{name: "another municipality's key", method: "POST", path: "/open311/v2/requests.json", form: post(url.Values{"api_key": {"key-b"}}), status: 400},
			{name: "a request", method: "POST", path: "/open311/v2/requests.json", form: post(nil), status: 201, writes: true,
				want: []string{`[{"service_request_id":"`}},
			{name: "a request in XML", method: "POST", path: "/open311/v2/requests.xml", form: post(nil), status: 201, writes: true,
				want: []string{"<service_requests><request><service_request_id>"}},
			{name: "a malformed start_date", method: "GET", path: "/open311/v2/requests.json?jurisdiction_id=a&start_date=yesterday", status: 400},
			{name: "a range over 90 days", method: "GET", path: "/open311/v2/requests.json?jurisdiction_id=a&start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z", status: 400},
			{name: "a bad status", method: "GET", path: "/open311/v2/requests.json?jurisdiction_id=a&status=pending", status: 400},
			{name: "an unknown request", method: "GET", path: "/open311/v2/requests/nope.json?jurisdiction_id=a", status: 404},
		} {
			sc.run(t, e, h)
		}

		op := official("op-a", auth.RoleOperator, muniA, "")
		must[Appeal](t)(e.svc.Register(op, open.ID))
		must[Appeal](t)(e.svc.Assign(op, open.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, open.ID))
		must[Appeal](t)(e.svc.Fix(op, open.ID, "Заделали."))
		list := func(query string) []o311Request {
			t.Helper()
			rec := scenario{name: query, method: "GET", path: "/open311/v2/requests.json?jurisdiction_id=a" + query, status: 200}.run(t, e, h)
			var out []o311Request
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := list(""); len(got) != 3 {
			t.Fatalf("all requests: %d, want 3 reports (the complaint never shows)", len(got))
		}
		if got := list("&status=closed"); len(got) != 1 || got[0].ServiceRequestID != open.ID || got[0].Status != "closed" ||
			got[0].AgencyResponsible != depA1.Name || got[0].Lat == nil || got[0].ServiceCode != "pothole" {
			t.Errorf("closed requests %+v", got)
		}
		if got := list("&status=open,closed"); len(got) != 3 {
			t.Errorf("open and closed: %d", len(got))
		}
		if got := list("&status=open"); len(got) != 2 {
			t.Errorf("open requests: %d", len(got))
		}
		if got := list("&service_code=snow"); len(got) != 0 {
			t.Errorf("another service's requests: %d", len(got))
		}
		if got := list("&service_request_id=" + open.ID + "&status=open"); len(got) != 1 {
			t.Errorf("service_request_id does not override status: %d", len(got))
		}
		future := e.now.Add(24 * time.Hour).Format(time.RFC3339)
		if got := list("&start_date=" + url.QueryEscape(future)); len(got) != 0 {
			t.Errorf("requests after tomorrow: %d", len(got))
		}
		if got := list("&end_date=" + url.QueryEscape(future)); len(got) != 3 {
			t.Errorf("requests before tomorrow: %d", len(got))
		}
		upd := scenario{name: "updates", method: "GET", path: "/open311/v2/servicerequestupdates.xml?jurisdiction_id=a", status: 200}.run(t, e, h)
		var feed struct {
			Updates []o311Update `xml:"request_update"`
		}
		if err := xml.Unmarshal(upd.Body.Bytes(), &feed); err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, u := range feed.Updates {
			if u.ServiceRequestID == open.ID {
				statuses = append(statuses, u.Status)
			}
		}
		if want := []string{"OPEN", "OPEN", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED"}; strings.Join(statuses, ",") != strings.Join(want, ",") {
			t.Errorf("updates of the fixed report: %v, want %v", statuses, want)
		}
		if strings.Contains(upd.Body.String(), "Ответ") || strings.Contains(upd.Body.String(), "Заделали") {
			t.Error("the public feed carries officials' notes")
		}
		rec := scenario{name: "one in XML", method: "GET", path: "/open311/v2/requests/" + open.ID + ".xml?jurisdiction_id=a", status: 200}.run(t, e, h)
		var doc struct {
			XMLName  xml.Name      `xml:"service_requests"`
			Requests []o311Request `xml:"request"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || len(doc.Requests) != 1 || doc.Requests[0].Status != "closed" ||
			doc.Requests[0].RequestedDatetime == "" {
			t.Errorf("one request in XML: %v %+v", err, doc)
		}
		if strings.Contains(rec.Body.String(), "Иван") || strings.Contains(rec.Body.String(), "Глубокая яма") {
			t.Error("Open311 shows the author or the unmoderated text")
		}
	})
}
