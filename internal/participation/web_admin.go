package participation

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/tz"
	"github.com/muni-platform/muni/internal/platform/web"
)

// localLayout is how datetime-local inputs write a moment.
const localLayout = "2006-01-02T15:04"

type adminProcessesView struct {
	*form
	Muni      Place
	Processes []Process
}

func (h *handler) adminMuni(w http.ResponseWriter, r *http.Request) (Place, bool, error) {
	if !web.SignIn(w, r) {
		return Place{}, false, nil
	}
	m, err := h.svc.MunicipalityBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return m, false, err
	}
	if !auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, m.Path) {
		return m, false, ErrForbidden
	}
	return m, true, nil
}

func (h *handler) adminProcesses(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.adminMuni(w, r)
	if !ok {
		return err
	}
	ps, err := h.svc.Processes(r.Context(), m.ID)
	if err != nil {
		return err
	}
	v := adminProcessesView{form: newForm(), Muni: m, Processes: ps}
	v.Values["threshold"], v.Values["flag_limit"] = "1", strconv.Itoa(DefaultFlagLimit)
	return h.render.Page(w, r, http.StatusOK, "participation/admin_processes", v)
}

// percentBP reads a percentage ("1", "0,5") as basis points; -1 when it
// is not a number.
func percentBP(s string) int {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return -1
	}
	return int(math.Round(f * 100))
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func (h *handler) adminCreateProcess(w http.ResponseWriter, r *http.Request) error {
	m, ok, err := h.adminMuni(w, r)
	if !ok {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	v := adminProcessesView{form: newForm(), Muni: m}
	for _, k := range []string{"slug", "title", "description", "threshold", "flag_limit"} {
		v.Values[k] = r.PostForm.Get(k)
	}
	p, err := h.svc.CreateProcess(r.Context(), m.ID, ProcessInput{Slug: v.Values["slug"], Title: v.Values["title"],
		Description: v.Values["description"], ThresholdBP: percentBP(v.Values["threshold"]), FlagLimit: atoiOr(v.Values["flag_limit"], -1)})
	if err == nil {
		http.Redirect(w, r, "/admin/participation/"+p.ID, http.StatusSeeOther)
		return nil
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	if e, ok := v.Errors["threshold_bp"]; ok {
		v.Errors["threshold"] = e
	}
	if v.Processes, err = h.svc.Processes(r.Context(), m.ID); err != nil {
		return err
	}
	return h.render.Page(w, r, status, "participation/admin_processes", v)
}

type adminProcessView struct {
	*form
	Muni      Place
	Process   Process
	Districts []Place
	Polls     []Poll
	Actions   []Action
	Kinds     []PhaseKind
	Levels    []Level
	PollKinds []PollKind
	Done      string
}

func (h *handler) adminProcessView(w http.ResponseWriter, r *http.Request) (*adminProcessView, bool, error) {
	if !web.SignIn(w, r) {
		return nil, false, nil
	}
	p, err := h.svc.Process(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, false, err
	}
	if !auth.From(r.Context()).Can(auth.RoleMunicipalAdmin, p.TenantPath) {
		return nil, false, ErrForbidden
	}
	m, err := h.svc.municipality(r.Context(), p.TenantID)
	if err != nil {
		return nil, false, err
	}
	v := &adminProcessView{form: newForm(), Muni: m, Process: p, Actions: Actions(), Kinds: PhaseKinds(), Levels: Levels(),
		PollKinds: PollKinds()}
	if v.Districts, err = h.svc.Districts(r.Context(), m.ID); err != nil {
		return nil, false, err
	}
	if v.Polls, err = h.svc.Polls(r.Context(), p.ID); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

func (h *handler) adminProcess(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.adminProcessView(w, r)
	if !ok {
		return err
	}
	if code := r.URL.Query().Get("done"); code == "phase" || code == "poll" {
		v.Done = "participation.done." + code
	}
	return h.render.Page(w, r, http.StatusOK, "participation/admin_process", v)
}

// localTime reads a datetime-local value in the municipality's zone; zero
// when empty or malformed (the service then names the field).
func localTime(s, zone string) time.Time {
	loc, err := tz.Load(zone)
	if err != nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(localLayout, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *handler) adminAddPhase(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.adminProcessView(w, r)
	if !ok {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	for k, vals := range r.PostForm {
		v.Values[k] = vals[0]
	}
	in := PhaseInput{Kind: PhaseKind(v.Values["kind"]), StartsAt: localTime(v.Values["starts_at"], v.Muni.TimeZone),
		EndsAt: localTime(v.Values["ends_at"], v.Muni.TimeZone)}
	for _, a := range Actions() {
		if v.Values["allow_"+string(a)] == "" {
			continue
		}
		in.Permissions = append(in.Permissions, PermissionInput{Action: a, Level: Level(v.Values["level_"+string(a)]),
			TerritoryNodeID: v.Values["territory_"+string(a)], MinAge: atoiOr(v.Values["min_age_"+string(a)], -1)})
	}
	_, err = h.svc.AddPhase(r.Context(), v.Process.ID, in)
	if err == nil {
		http.Redirect(w, r, "/admin/participation/"+v.Process.ID+"?done=phase", http.StatusSeeOther)
		return nil
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	// Matrix errors name rows by their index among the allowed actions;
	// show them on the action's row.
	i := 0
	for _, x := range in.Permissions {
		for _, f := range []string{"action", "level", "territory_node_id", "min_age"} {
			if e, ok := v.Errors["permissions."+strconv.Itoa(i)+"."+f]; ok {
				v.Errors["perm_"+string(x.Action)] = e
			}
		}
		i++
	}
	return h.render.Page(w, r, status, "participation/admin_process", v)
}

func (h *handler) adminAddPoll(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.adminProcessView(w, r)
	if !ok {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return ErrInvalid
	}
	for k, vals := range r.PostForm {
		v.Values["poll_"+k] = vals[0]
	}
	in := PollInput{Kind: PollKind(r.PostForm.Get("kind")), Question: r.PostForm.Get("question"),
		Options:    strings.Split(strings.ReplaceAll(r.PostForm.Get("options"), "\r\n", "\n"), "\n"),
		MaxChoices: atoiOr(r.PostForm.Get("max_choices"), 0), Live: r.PostForm.Get("live") != "",
		ClosesAt: localTime(r.PostForm.Get("closes_at"), v.Muni.TimeZone)}
	_, err = h.svc.CreatePoll(r.Context(), v.Process.ID, in)
	if err == nil {
		http.Redirect(w, r, "/admin/participation/"+v.Process.ID+"?done=poll", http.StatusSeeOther)
		return nil
	}
	status, err := v.fail(err)
	if err != nil {
		return err
	}
	prefixed := map[string]string{}
	for k, e := range v.Errors {
		prefixed["poll_"+k] = e
	}
	v.Errors = prefixed
	return h.render.Page(w, r, status, "participation/admin_process", v)
}
