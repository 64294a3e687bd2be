package appeals

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// csv splits a comma-separated parameter, dropping empty parts.
func csv(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// requestFilter reads the GET requests filters; the returned key names
// what is wrong, "" when nothing is.
func requestFilter(r *http.Request, cats []Category, now time.Time) (PublicFilter, string) {
	q := r.URL.Query()
	f := PublicFilter{Limit: 1000}
	if ids := csv(q.Get("service_request_id")); len(ids) > 0 {
		f.IDs = ids // overrides every other filter
		return f, ""
	}
	for _, code := range csv(q.Get("service_code")) {
		id := "-" // an unknown code matches nothing
		for _, c := range cats {
			if c.Code == code {
				id = c.ID
			}
		}
		f.CategoryIDs = append(f.CategoryIDs, id)
	}
	f.To, f.From = now, now.Add(-Open311Window)
	for name, dst := range map[string]*time.Time{"start_date": &f.From, "end_date": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, "appeals.open311.date_invalid|" + name
			}
			*dst = t
		}
	}
	if q.Get("start_date") != "" && q.Get("end_date") == "" {
		f.To = f.From.Add(Open311Window)
	}
	if q.Get("end_date") != "" && q.Get("start_date") == "" {
		f.From = f.To.Add(-Open311Window)
	}
	if !f.From.Before(f.To) || f.To.Sub(f.From) > Open311Window {
		return f, "appeals.open311.date_range"
	}
	seen := map[string]bool{}
	for _, st := range csv(q.Get("status")) {
		if st != "open" && st != "closed" {
			return f, "appeals.open311.status_invalid"
		}
		seen[st] = true
	}
	if len(seen) == 1 {
		f.Status = map[bool]string{true: "open", false: "closed"}[seen["open"]]
	}
	return f, ""
}

func (h *open311) requests(w http.ResponseWriter, r *http.Request, format string) error {
	m, cats, ok, err := h.scope(w, r, format)
	if !ok {
		return err
	}
	f, bad := requestFilter(r, cats, h.svc.now())
	if bad != "" {
		return h.fail(w, r, format, http.StatusBadRequest, bad)
	}
	out, err := h.records(r, m, cats, f)
	if err != nil {
		return err
	}
	return writeO311(w, format, http.StatusOK, "service_requests", out)
}

func (h *open311) one(w http.ResponseWriter, r *http.Request) error {
	id, format, ok := splitFormat(r.PathValue("file"))
	if !ok {
		return h.fail(w, r, "json", http.StatusNotFound, "appeals.open311.not_found")
	}
	m, cats, ok, err := h.scope(w, r, format)
	if !ok {
		return err
	}
	out, err := h.records(r, m, cats, PublicFilter{IDs: []string{id}, Limit: 1})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.request_unknown")
	}
	return writeO311(w, format, http.StatusOK, "service_requests", out)
}

// records turns the municipality's public reports into Open311 records.
func (h *open311) records(r *http.Request, m Municipality, cats []Category, f PublicFilter) ([]o311Request, error) {
	ctx, lang := r.Context(), web.Lang(r.Context())
	items, err := h.svc.PublicReports(ctx, m.ID, f)
	if err != nil {
		return nil, err
	}
	loc := h.cat.Localizer(lang)
	byID := map[string]Category{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	depts := map[string]string{}
	out := make([]o311Request, 0, len(items))
	for _, it := range items {
		c := byID[it.CategoryID]
		rec := o311Request{ServiceRequestID: it.ID, Status: "open", StatusNotes: loc.T("appeals.state." + string(it.State)),
			ServiceName: c.Name(lang), ServiceCode: c.Code, AgencyResponsible: h.department(ctx, depts, it.Department, lang),
			RequestedDatetime: o311Time(it.ReceivedAt), UpdatedDatetime: o311Time(it.UpdatedAt),
			ExpectedDatetime: o311Time(it.Due), Address: it.Address}
		if it.Closed {
			rec.Status = "closed"
		}
		if it.Point != nil {
			lat, lon := it.Point.Lat, it.Point.Lon
			rec.Lat, rec.Long = &lat, &lon
		}
		if it.Photo != "" {
			rec.MediaURL = origin(r) + it.Photo
		}
		out = append(out, rec)
	}
	return out, nil
}

// department names a department once per request.
func (h *open311) department(ctx context.Context, seen map[string]string, id, lang string) string {
	if id == "" {
		return ""
	}
	if n, ok := seen[id]; ok {
		return n
	}
	d, err := h.svc.places.Department(ctx, id)
	if err == nil {
		seen[id] = d.Title(lang)
	}
	return seen[id]
}

// o311Params are the POST requests parameters muni knows, and any
// attribute[code] ("attribute[]"), which the category's questions judge:
// an attribute it does not define is refused.
var o311Params = map[string]bool{"attribute[]": true, "api_key": true, "jurisdiction_id": true, "service_code": true, "lat": true, "long": true,
	"address_string": true, "address_id": true, "email": true, "device_id": true, "account_id": true, "first_name": true,
	"last_name": true, "phone": true, "description": true, "media_url": true}

// post creates a service request, or (servicerequestupdates) moves one
// on, for a client holding an API key scoped to the municipality. The contact fields a client may send are not
// kept: the report is unsigned and gets no answer but its status.
func (h *open311) post(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := splitFormat(r.PathValue("file"))
	if !ok || (name != "requests" && name != "servicerequestupdates") {
		return h.fail(w, r, "json", http.StatusNotFound, "appeals.open311.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return h.fail(w, r, format, http.StatusBadRequest, "appeals.open311.form_invalid")
	}
	who, err := h.keys.AuthenticateKey(r.Context(), r.PostFormValue("api_key"))
	if err != nil {
		return h.fail(w, r, format, http.StatusForbidden, "appeals.open311.api_key")
	}
	if name == "servicerequestupdates" {
		return h.postUpdate(w, r, format, who)
	}
	if bad := unknownParams(r, o311Params); len(bad) > 0 {
		return h.fail(w, r, format, http.StatusBadRequest, bad...)
	}
	m, ok, err := h.jurisdiction(w, r, format)
	if !ok {
		return err
	}
	ctx := auth.With(r.Context(), who)
	in, key := h.submission(ctx, r, m)
	if key != "" {
		return h.fail(w, r, format, http.StatusBadRequest, key)
	}
	a, err := h.svc.Submit(ctx, in)
	if fe, isFault := fault.As(err); isFault && len(fe.Fields) > 0 {
		keys := make([]string, 0, len(fe.Fields))
		for f, k := range fe.Fields {
			if code, ok := strings.CutPrefix(f, "q."); ok { // an attribute: name it
				k = strings.Replace(k, "appeals.question.", "appeals.open311.attribute.", 1) + "|" + code
				if f := "attribute[" + code + "]"; k == "appeals.open311.attribute.unknown|"+code {
					k = "appeals.open311.attribute_unknown|" + f
				}
			}
			keys = append(keys, k)
		}
		return h.fail(w, r, format, http.StatusBadRequest, keys...)
	}
	if err != nil {
		return err
	}
	return writeO311(w, format, http.StatusCreated, "service_requests", []o311Created{{ServiceRequestID: a.ID, Token: a.ID}})
}

// submission builds the report a POST describes; the key names what is
// missing, "" when nothing is.
func (h *open311) submission(ctx context.Context, r *http.Request, m Municipality) (SubmitInput, string) {
	code := strings.TrimSpace(r.PostFormValue("service_code"))
	if code == "" {
		return SubmitInput{}, "appeals.open311.service_code_required"
	}
	cats, err := h.reportCategories(ctx, m)
	if err != nil {
		return SubmitInput{}, "appeals.open311.service_code_unknown|" + code
	}
	in := SubmitInput{TenantID: m.ID, Regime: RegimeReport, Description: r.PostFormValue("description"),
		Address: r.PostFormValue("address_string"), Anonymous: true, Answers: o311Answers(r),
		Point: parsePoint(r.PostFormValue("lat"), r.PostFormValue("long"))}
	for _, c := range cats {
		if c.Code == code {
			in.CategoryID = c.ID
		}
	}
	if in.CategoryID == "" {
		return in, "appeals.open311.service_code_unknown|" + code
	}
	return in, ""
}

// origin is the scheme and host the client reached: media_url must be a
// full URL.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
