package appeals

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
)

// MunicipalityByOKTMO gives the test municipalities OKTMO codes.
func (fakePlaces) MunicipalityByOKTMO(_ context.Context, code string) (Municipality, error) {
	m, ok := map[string]Municipality{"40000000": muniA, "30607000": muniB}[code]
	if !ok {
		return Municipality{}, ErrNotFound
	}
	return m, nil
}

func TestOpen311JurisdictionAndTokens(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.pothole(false)
		h := testServer(t, e.svc, nil)
		form := url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"40000000"}, "service_code": {"pothole"},
			"lat": {"59.93"}, "long": {"30.31"}, "description": {"Яма на перекрёстке у школы."}}
		rec := scenario{name: "a request to an OKTMO jurisdiction", method: "POST", path: "/open311/v2/requests.json", form: form,
			status: 201, writes: true, want: []string{`"token":"`}}.run(t, e, h)
		var created []o311Created
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || len(created) != 1 || created[0].Token == "" {
			t.Fatalf("created: %v %s", err, rec.Body.String())
		}
		id, tok := created[0].ServiceRequestID, created[0].Token
		complaint := e.complaint(resident("r1"))
		for _, sc := range []scenario{
			{name: "services by OKTMO", method: "GET", path: "/open311/v2/services.json?jurisdiction_id=40000000", status: 200,
				want: []string{`"service_code":"pothole"`}},
			{name: "another municipality by OKTMO has no services", method: "GET", path: "/open311/v2/services.json?jurisdiction_id=30607000",
				status: 200, want: []string{"[]"}},
			{name: "an unknown OKTMO", method: "GET", path: "/open311/v2/services.xml?jurisdiction_id=99999999", status: 404,
				want: []string{"<errors><error><code>404</code>"}},
			{name: "digits that are no OKTMO", method: "GET", path: "/open311/v2/services.json?jurisdiction_id=400", status: 404},
			{name: "the token", method: "GET", path: "/open311/v2/tokens/" + tok + ".json?jurisdiction_id=a", status: 200,
				want: []string{`[{"service_request_id":"` + id + `","token":"` + tok + `"}]`}},
			{name: "the token in XML, by OKTMO", method: "GET", path: "/open311/v2/tokens/" + tok + ".xml?jurisdiction_id=40000000", status: 200,
				want: []string{"<service_requests><request><service_request_id>" + id + "</service_request_id><token>" + tok + "</token></request></service_requests>"}},
			{name: "the token in another jurisdiction", method: "GET", path: "/open311/v2/tokens/" + tok + ".json?jurisdiction_id=b", status: 404},
			{name: "a formal appeal is no token", method: "GET", path: "/open311/v2/tokens/" + complaint.ID + ".json?jurisdiction_id=a", status: 404},
			{name: "an unknown token", method: "GET", path: "/open311/v2/tokens/nope.xml?jurisdiction_id=a", status: 404,
				want: []string{"<errors><error><code>404</code>"}},
			{name: "a token without jurisdiction", method: "GET", path: "/open311/v2/tokens/" + tok + ".json", status: 400},
			{name: "the OpenAPI description", method: "GET", path: "/open311/v2/openapi.yaml", status: 200,
				want: []string{"openapi: 3.0.3", "/open311/v2/tokens/{token}.{format}:"}},
			{name: "a token in an unknown format", method: "GET", path: "/open311/v2/tokens/" + tok + ".csv?jurisdiction_id=a", status: 404},
		} {
			sc.run(t, e, h)
		}
	})
}

func TestOpen311PostUpdates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		pot := e.pothole(false)
		h := testServer(t, e.svc, nil)
		rep := e.report(resident("r1"), pot)
		complaint := e.complaint(resident("r1"))
		upd := func(v url.Values) url.Values {
			out := url.Values{"api_key": {"key-a"}, "jurisdiction_id": {"a"}, "service_request_id": {rep.ID},
				"updated_datetime": {"2025-01-10T12:00:00+03:00"}, "email": {"crew@example.org"}}
			for k, vs := range v {
				out[k] = vs
			}
			return out
		}
		const path = "/open311/v2/servicerequestupdates.json"
		for _, sc := range []scenario{
			{name: "a wrong api_key", method: "POST", path: path, form: upd(url.Values{"api_key": {"nope"}, "status": {"OPEN"}}), status: 403},
			{name: "another municipality's key", method: "POST", path: path, form: upd(url.Values{"api_key": {"key-b"}, "status": {"OPEN"}}), status: 404},
			{name: "another jurisdiction", method: "POST", path: path, form: upd(url.Values{"api_key": {"key-b"}, "jurisdiction_id": {"b"}, "status": {"OPEN"}}), status: 404},
			{name: "a formal appeal", method: "POST", path: path, form: upd(url.Values{"service_request_id": {complaint.ID}, "status": {"OPEN"}}), status: 404},
			{name: "no service_request_id", method: "POST", path: path, form: upd(url.Values{"service_request_id": {""}, "status": {"OPEN"}}), status: 400,
				want: []string{"service_request_id"}},
			{name: "an unknown status", method: "POST", path: "/open311/v2/servicerequestupdates.xml", form: upd(url.Values{"status": {"DONE"}}), status: 400,
				want: []string{"<errors><error><code>400</code>", "DONE"}},
			{name: "a status needing a department", method: "POST", path: path, form: upd(url.Values{"status": {"ACTION_SCHEDULED"}}), status: 400},
			{name: "an unknown parameter", method: "POST", path: path, form: upd(url.Values{"status": {"OPEN"}, "priority": {"1"}}), status: 400,
				want: []string{"priority"}},
			{name: "fixed before work began", method: "POST", path: path, form: upd(url.Values{"status": {"FIXED"}}), status: 409},
			{name: "registered", method: "POST", path: path, form: upd(url.Values{"status": {"OPEN"}}), status: 200, writes: true,
				want: []string{`[{"update_id":"` + rep.ID + `-2"}]`}},
		} {
			sc.run(t, e, h)
		}
		must[Appeal](t)(e.svc.Assign(official("op-a", auth.RoleOperator, muniA, ""), rep.ID, AssignInput{DepartmentID: depA1.ID}))
		for _, sc := range []scenario{
			{name: "in progress, in XML", method: "POST", path: "/open311/v2/servicerequestupdates.xml", form: upd(url.Values{"status": {"IN_PROGRESS"}}),
				status: 200, writes: true, want: []string{"<service_request_updates><request_update><update_id>" + rep.ID + "-4</update_id>"}},
			{name: "fixed", method: "POST", path: path, form: upd(url.Values{"status": {"FIXED"}, "description": {"Яму заделали."}}), status: 200, writes: true},
			{name: "closed after fixed", method: "POST", path: path, form: upd(url.Values{"status": {"CLOSED"}}), status: 409},
			{name: "reopened without a reason", method: "POST", path: path, form: upd(url.Values{"status": {"OPEN"}}), status: 400},
			{name: "reopened", method: "POST", path: path, form: upd(url.Values{"status": {"open"}, "description": {"Яма снова появилась."}}),
				status: 200, writes: true, want: []string{rep.ID + "-6"}},
		} {
			e.now = e.now.Add(time.Hour) // each step at its own time, as in life
			sc.run(t, e, h)
		}
		a := must[Appeal](t)(e.svc.st.appeal(context.Background(), rep.ID))
		if a.State != Reopened || len(a.History) != 6 || a.History[5].ActorID != "key-a" {
			t.Fatalf("after the updates: %s, %d steps, %+v", a.State, len(a.History), a.History)
		}
		var audited int
		if err := e.d.R(context.Background()).QueryRowContext(context.Background(),
			`SELECT COUNT(*) FROM audit_log WHERE object_id = $1 AND actor_id = $2`, rep.ID, "key-a").Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != 4 {
			t.Errorf("audit entries of the key's steps: %d, want 4", audited)
		}
	})
}
