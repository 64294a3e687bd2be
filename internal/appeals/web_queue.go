package appeals

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
	"github.com/muni-platform/muni/internal/platform/web"
)

// queuePage is the officials' list of appeals and reports with filters
// and bulk assignment.
type queuePage struct {
	*form
	Filter      QueueFilter
	Items       []Summary
	States      []State
	Categories  []Category
	Departments []Department
	Names       map[string]string // category id -> name
	Now         int64
	Next        string
	Assigned    int
	Assignees   []Person          // whom bulk assignment offers
	People      map[string]string // assignee id -> name
	Admin       []Municipality    // where the official manages categories and routing
}

// Overdue reports whether an item's nearest clock has passed.
func (p queuePage) Overdue(s Summary) bool { return s.Due != nil && s.Due.At.UnixMilli() < p.Now }

func queueFilter(q url.Values) QueueFilter {
	return QueueFilter{State: State(q.Get("state")), CategoryID: q.Get("category"), DepartmentID: q.Get("department"),
		Mine: q.Get("mine") == "1", Overdue: q.Get("overdue") == "1", Triage: q.Get("triage") == "1", OpenOnly: q.Get("state") == "", BeforeID: q.Get("before"), Limit: 100}
}

func (h *handler) queue(w http.ResponseWriter, r *http.Request) error {
	return h.showQueue(w, r, http.StatusOK, newForm())
}

func (h *handler) showQueue(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	if !web.SignIn(w, r) {
		return nil
	}
	ctx := r.Context()
	p := queuePage{form: f, Filter: queueFilter(r.URL.Query()), States: States(), Names: map[string]string{}, Now: h.svc.now().UnixMilli()}
	var err error
	if p.Items, err = h.svc.Queue(ctx, p.Filter); err != nil {
		return err
	}
	if len(p.Items) == p.Filter.Limit {
		p.Next = p.Items[len(p.Items)-1].ID
	}
	if err := h.queueChoices(ctx, &p); err != nil {
		return err
	}
	if err := h.queuePeople(ctx, &p); err != nil {
		return err
	}
	p.Assigned, _ = strconv.Atoi(r.URL.Query().Get("assigned"))
	return h.render.Page(w, r, status, "appeals/queue", p)
}

// queueChoices fills the filters' options from the municipalities the
// official's grants name directly.
func (h *handler) queueChoices(ctx context.Context, p *queuePage) error {
	lang := web.Lang(ctx)
	seen := map[string]bool{}
	for _, g := range auth.From(ctx).Grants {
		if g.Role < auth.RoleOperator || seen[g.ScopeID] {
			continue
		}
		seen[g.ScopeID] = true
		m, err := h.svc.places.Municipality(ctx, g.ScopeID)
		if errors.Is(err, fault.ErrNotFound) {
			continue // a region: its municipalities' items show, without filter options
		} else if err != nil {
			return err
		}
		if g.Role >= auth.RoleMunicipalAdmin {
			p.Admin = append(p.Admin, m)
		}
		cats, err := h.svc.Categories(ctx, g.ScopeID)
		if err != nil {
			return err
		}
		for _, c := range cats {
			p.Categories = append(p.Categories, c)
			p.Names[c.ID] = c.Name(lang)
		}
		deps, err := h.svc.places.Departments(ctx, g.ScopeID)
		if err != nil {
			return err
		}
		p.Departments = append(p.Departments, deps...)
	}
	return nil
}

// bulkAssign routes the ticked items to one department.
func (h *handler) bulkAssign(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	n, err := h.svc.BulkAssign(r.Context(), r.PostForm["id"], AssignInput{DepartmentID: r.PostFormValue("department_id"),
		AssigneeID: r.PostFormValue("assignee_id")})
	if err != nil {
		f := newForm()
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showQueue(w, r, status, f)
	}
	http.Redirect(w, r, "/appeals/queue?assigned="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}
