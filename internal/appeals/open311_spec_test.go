package appeals

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/muni-platform/muni/internal/platform/auth"
)

var registerXML sync.Once

// o311Route is an operation of open311.yaml with its path as a pattern.
type o311Route struct {
	route  *routers.Route
	re     *regexp.Regexp
	params []string
}

// loadO311Spec loads and validates open311.yaml and lists its operations.
func loadO311Spec(t *testing.T) []o311Route {
	t.Helper()
	registerXML.Do(func() { openapi3filter.RegisterBodyDecoder("text/xml", decodeO311XML) })
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("open311.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("open311.yaml is no valid OpenAPI document: %v", err)
	}
	braces := regexp.MustCompile(`\\\{(\w+)\\\}`)
	var out []o311Route
	for path, item := range doc.Paths.Map() {
		var params []string
		for _, m := range braces.FindAllStringSubmatch(regexp.QuoteMeta(path), -1) {
			params = append(params, m[1])
		}
		re := regexp.MustCompile("^" + braces.ReplaceAllString(regexp.QuoteMeta(path), `([^/]+?)`) + "$")
		for method, op := range item.Operations() {
			out = append(out, o311Route{route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				re: re, params: params})
		}
	}
	return out
}

// find is the operation serving method and path, with its path parameters.
func findO311(routes []o311Route, method, path string) (*routers.Route, map[string]string) {
	for _, r := range routes {
		if m := r.re.FindStringSubmatch(path); m != nil && r.route.Method == method {
			params := map[string]string{}
			for i, name := range r.params {
				params[name] = m[i+1]
			}
			return r.route, params
		}
	}
	return nil, nil
}

// conformance is one request of the conformance run; offSpec marks the
// requests that break the description on purpose, to see the errors.
type conformance struct {
	method, path string
	form         url.Values
	status       int
	offSpec      bool
}

// TestOpen311Conformance sends requests to every GeoReport route, in JSON
// and in XML, successful and not, and validates each request and each
// real response against open311.yaml; every operation must answer 2xx in
// both formats at least once.
func TestOpen311Conformance(t *testing.T) {
	routes := loadO311Spec(t)
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		h := testServer(t, e.svc, nil)
		rep := e.report(resident("r1"), pot)
		fixed := e.report(resident("r2"), pot)
		e.potholeQuestions(pot) // the definition lists them; new requests answer the required ones
		op := official("op-a", auth.RoleOperator, muniA, "")
		must[Appeal](t)(e.svc.Register(op, fixed.ID))
		must[Appeal](t)(e.svc.Assign(op, fixed.ID, AssignInput{DepartmentID: depA1.ID}))
		must[Appeal](t)(e.svc.Start(op, fixed.ID))
		must[Appeal](t)(e.svc.Fix(op, fixed.ID, "Заделали."))
		e.now = e.now.Add(time.Hour) // the reopening below restarts the SLA clock from a later instant
		from := url.QueryEscape(e.now.Add(-24 * time.Hour).Format(time.RFC3339))
		to := url.QueryEscape(e.now.Add(time.Hour).Format(time.RFC3339))
		covered := map[string]bool{}
		for _, f := range []string{"json", "xml"} {
			create := url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"a"}, "service_code": {"pothole"}, "lat": {"59.93"},
				"long": {"30.31"}, "description": {"Яма на перекрёстке у школы."}, "email": {"x@example.org"},
				"attribute[depth]": {"12"}, "attribute[lane]": {"road"}}
			update := func(id, status, note string) url.Values {
				return url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"a"}, "service_request_id": {id}, "status": {status},
					"description": {note}, "updated_datetime": {"2025-01-10T12:00:00Z"}}
			}
			for _, c := range []conformance{
				{method: "GET", path: "/open311/v2/discovery." + f, status: 200},
				{method: "GET", path: "/open311/v2/services." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/services." + f, status: 400, offSpec: true},
				{method: "GET", path: "/open311/v2/services." + f + "?jurisdiction_id=zz", status: 404},
				{method: "GET", path: "/open311/v2/services/pothole." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/services/ufo." + f + "?jurisdiction_id=a", status: 404},
				{method: "GET", path: "/open311/v2/requests." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/requests." + f + "?jurisdiction_id=a&service_code=pothole&status=open,closed&start_date=" + from + "&end_date=" + to, status: 200},
				{method: "GET", path: "/open311/v2/requests." + f + "?jurisdiction_id=a&service_request_id=" + rep.ID + "," + fixed.ID, status: 200},
				{method: "GET", path: "/open311/v2/requests." + f + "?jurisdiction_id=a&status=pending", status: 400, offSpec: true},
				{method: "GET", path: "/open311/v2/requests/" + fixed.ID + "." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/requests/nope." + f + "?jurisdiction_id=a", status: 404},
				{method: "POST", path: "/open311/v2/requests." + f, form: create, status: 201},
				{method: "POST", path: "/open311/v2/requests." + f, form: with(create, "api_key", "nope"), status: 403},
				{method: "POST", path: "/open311/v2/requests." + f, form: with(create, "service_code", ""), status: 400},
				{method: "POST", path: "/open311/v2/requests." + f, form: with(create, "attribute[colour]", "red"), status: 400},
				{method: "POST", path: "/open311/v2/requests." + f, form: with(create, "attribute[depth]", "deep"), status: 400},
				{method: "GET", path: "/open311/v2/tokens/" + rep.ID + "." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/tokens/nope." + f + "?jurisdiction_id=a", status: 404},
				{method: "GET", path: "/open311/v2/servicerequestupdates." + f + "?jurisdiction_id=a", status: 200},
				{method: "GET", path: "/open311/v2/servicerequestupdates." + f + "?jurisdiction_id=a&start_date=" + from, status: 200},
				{method: "GET", path: "/open311/v2/servicerequestupdates." + f + "?jurisdiction_id=a&start_date=yesterday", status: 400, offSpec: true},
				{method: "POST", path: "/open311/v2/servicerequestupdates." + f, form: update(fixed.ID, "CLOSED", ""), status: 409},
				{method: "POST", path: "/open311/v2/servicerequestupdates." + f, form: update(fixed.ID, "DONE", ""), status: 400},
				{method: "POST", path: "/open311/v2/servicerequestupdates." + f, form: update("nope", "OPEN", ""), status: 404},
				{method: "POST", path: "/open311/v2/servicerequestupdates." + f, form: with(update(fixed.ID, "OPEN", "Снова яма."), "api_key", "nope"), status: 403},
				{method: "POST", path: "/open311/v2/servicerequestupdates." + f, form: update(fixed.ID, map[string]string{"json": "OPEN", "xml": "IN_PROGRESS"}[f], "Снова яма."), status: 200},
			} {
				route := c.check(t, routes, h, f)
				if c.status < 300 {
					covered[route.Operation.OperationID+"."+f] = true
				}
			}
		}
		for _, r := range routes {
			for _, f := range []string{"json", "xml"} {
				if !covered[r.route.Operation.OperationID+"."+f] {
					t.Errorf("%s %s: no successful %s request in the conformance run", r.route.Method, r.route.Path, f)
				}
			}
		}
	})
}

// with is v with k set to val.
func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = slices.Clone(vs)
	}
	out.Set(k, val)
	return out
}

// check sends c, validates the request (unless off the description on
// purpose) and the response against the description, and returns the
// operation.
func (c conformance) check(t *testing.T, routes []o311Route, h http.Handler, format string) *routers.Route {
	t.Helper()
	ctx := context.Background()
	var body []byte
	if c.form != nil {
		body = []byte(c.form.Encode())
	}
	req := httptest.NewRequest(c.method, c.path, bytes.NewReader(body))
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	route, params := findO311(routes, c.method, req.URL.Path)
	if route == nil {
		t.Fatalf("%s %s: open311.yaml describes no such operation", c.method, c.path)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	err := openapi3filter.ValidateRequest(ctx, in)
	if c.offSpec && err == nil {
		t.Errorf("%s %s: meant to break the description, but it validates", c.method, c.path)
	} else if !c.offSpec && err != nil {
		t.Errorf("%s %s: the request does not match open311.yaml: %v", c.method, c.path, err)
	}
	req.Body = http.NoBody
	if body != nil {
		req = httptest.NewRequest(c.method, c.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != c.status {
		t.Fatalf("%s %s: status %d, want %d\n%.600s", c.method, c.path, rec.Code, c.status, rec.Body.String())
	}
	ct := rec.Header().Get("Content-Type")
	if want := map[string]string{"json": "application/json", "xml": "text/xml"}[format]; !strings.HasPrefix(ct, want) {
		t.Errorf("%s %s: Content-Type %q, want %s", c.method, c.path, ct, want)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s %s: the %d response does not match open311.yaml: %v\n%.600s", c.method, c.path, rec.Code, err, rec.Body.String())
	}
	return route
}
