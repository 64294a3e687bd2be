package appeals

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// newPage is the submission form of one municipality.
type newPage struct {
	*form
	Nearby    []nearbyReport // open reports of the category close to the pin
	Muni      Municipality
	Reports   []Category
	Kinds     []Kind
	Boundary  string          // the municipality's GeoJSON for the pin map; "" when unknown
	PhotoMB   int64           // the largest photo, in megabytes
	Anonymous bool            // some category takes anonymous reports
	Asked     []askedCategory // the categories' extra questions
	SignedIn  bool
	Sent      bool
}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	if a := auth.From(r.Context()); a.Kind == auth.User {
		f.Values["author_name"] = a.Name
	}
	return h.showNew(w, r, http.StatusOK, f)
}

func (h *handler) showNew(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	return h.showNewWith(w, r, status, f, nil)
}

func (h *handler) showNewWith(w http.ResponseWriter, r *http.Request, status int, f *form, near []nearbyReport) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	cats, err := h.svc.Categories(r.Context(), m.ID)
	if err != nil {
		return err
	}
	p := newPage{form: f, Nearby: near, Muni: m, Kinds: Kinds(), SignedIn: auth.From(r.Context()).Kind == auth.User,
		Sent: r.URL.Query().Get("sent") == "1", Boundary: string(m.Boundary), PhotoMB: (h.svc.PhotoMaxBytes() + 1<<20 - 1) >> 20}
	for _, c := range cats {
		if c.Active && c.Regime == RegimeReport {
			p.Reports = append(p.Reports, c)
			p.Anonymous = p.Anonymous || c.AllowAnonymous
		}
	}
	if p.Asked, err = h.questionsFor(r.Context(), p.Reports); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "appeals/new", p)
}

// submit takes the form: the topic is "report:<category id>" or
// "appeal:<kind>".
func (h *handler) submit(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	cleanup, err := web.ParseForm(r)
	defer cleanup()
	if err != nil {
		return err
	}
	photos, err := formPhotos(r, h.svc.PhotoMaxBytes())
	if err != nil {
		return err
	}
	f := newForm()
	for _, k := range []string{"topic", "description", "address", "lat", "lon", "author_name", "collective", "anonymous", "file_anyway"} {
		f.Values[k] = r.PostFormValue(k)
	}
	in := SubmitInput{TenantID: m.ID, Description: f.Values["description"], Address: f.Values["address"],
		AuthorName: f.Values["author_name"], Collective: f.Values["collective"] == "yes", Anonymous: f.Values["anonymous"] == "yes",
		Point: parsePoint(f.Values["lat"], f.Values["lon"]), Photos: photos, ClientIP: clientIP(r)}
	regime, rest, _ := strings.Cut(f.Values["topic"], ":")
	in.Regime = Regime(regime)
	if in.Regime == RegimeReport {
		in.CategoryID = rest
		in.Answers, f.Lists = formAnswers(r, rest)
	} else {
		in.Kind = Kind(rest)
	}
	if r.PostFormValue("file_anyway") != "yes" {
		near, err := h.nearby(r, in)
		if err != nil {
			return err
		}
		if len(near) > 0 { // offer them before a duplicate is filed
			f.photosLost(photos)
			return h.showNearby(w, r, f, near)
		}
	}
	a, err := h.svc.Submit(r.Context(), in)
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		if f.Errors["regime"] != "" || f.Errors["kind"] != "" || f.Errors["category_id"] != "" {
			f.Errors["topic"] = "appeals.topic.required"
		}
		f.photosLost(photos)
		return h.showNew(w, r, status, f)
	}
	if a.Anonymous() {
		http.Redirect(w, r, "/m/"+m.Slug+"/appeals/new?sent=1", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/appeals/"+a.ID+"?sent=1", http.StatusSeeOther)
	return nil
}

// photosLost tells the person, when the form comes back to them, that the
// photos they chose must be chosen again: a browser never refills a file
// input.
func (f *form) photosLost(photos []PhotoUpload) {
	if len(photos) > 0 && f.Errors["photos"] == "" {
		f.Errors["photos"] = "appeals.photos.again"
	}
}

// parsePoint reads coordinates typed or set by the map; none is nil, and
// a malformed one is NaN, which validation refuses with its message.
func parsePoint(lat, lon string) *Point {
	lat, lon = strings.TrimSpace(lat), strings.TrimSpace(lon)
	if lat == "" && lon == "" {
		return nil
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	return &Point{Lat: num(lat), Lon: num(lon)}
}

// minePage is a resident's list of their appeals and reports.
type minePage struct {
	Items []Summary
	Next  string
}

func (h *handler) mine(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	const page = 50
	items, err := h.svc.Mine(r.Context(), r.URL.Query().Get("before"), page)
	if err != nil {
		return err
	}
	p := minePage{Items: items}
	if len(items) == page {
		p.Next = items[len(items)-1].ID
	}
	return h.render.Page(w, r, http.StatusOK, "appeals/mine", p)
}

// apiMine lists the signed-in person's items as JSON.
func (h *handler) apiMine(w http.ResponseWriter, r *http.Request) error {
	items, err := h.svc.Mine(r.Context(), r.URL.Query().Get("before"), 100)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.List[Summary]{Items: items})
}

// apiSubmit receives an item as JSON for the municipality at {slug}.
func (h *handler) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	m, err := h.municipality(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var in SubmitInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	in.TenantID, in.ClientIP = m.ID, clientIP(r)
	a, err := h.svc.Submit(r.Context(), in)
	if err != nil {
		return err
	}
	if a.Anonymous() {
		return web.JSON(w, http.StatusCreated, map[string]any{"id": a.ID, "state": a.State})
	}
	return web.JSON(w, http.StatusCreated, a)
}

// nearbyReport is an open report offered instead of a duplicate.
type nearbyReport struct {
	PublicReport
	Category string
	Metres   int
}

// nearby finds open reports of the same category close to the pin.
func (h *handler) nearby(r *http.Request, in SubmitInput) ([]nearbyReport, error) {
	if in.Regime != RegimeReport || in.Point == nil {
		return nil, nil
	}
	reps, err := h.svc.Nearby(r.Context(), in.TenantID, in.CategoryID, *in.Point)
	if err != nil || len(reps) == 0 {
		return nil, err
	}
	cat, err := h.svc.Category(r.Context(), in.CategoryID)
	if err != nil {
		return nil, err
	}
	out := make([]nearbyReport, 0, len(reps))
	for _, p := range reps {
		out = append(out, nearbyReport{PublicReport: p, Category: cat.Name(web.Lang(r.Context())),
			Metres: int(math.Round(distance(*in.Point, *p.Point)))})
	}
	return out, nil
}

func (h *handler) showNearby(w http.ResponseWriter, r *http.Request, f *form, near []nearbyReport) error {
	f.Values["file_anyway"] = "yes" // the next send files it
	return h.showNewWith(w, r, http.StatusOK, f, near)
}

// support adds the person's "me too" to a report and shows the public
// list, where supported reports are counted.
func (h *handler) support(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	a, err := h.svc.Support(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := h.svc.municipality(r.Context(), a.TenantID)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/m/"+m.Slug+"/reports?supported=1", http.StatusSeeOther)
	return nil
}
