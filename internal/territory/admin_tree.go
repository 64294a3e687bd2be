package territory

import (
	"net/http"
	"net/url"

	"github.com/muni-platform/muni/internal/platform/auth"
)

type treeView struct {
	Node      *Node // nil at the top: the list of subjects
	Ancestors []Node
	Children  []Node
	CanAdd    bool
	CanEdit   bool // the node itself may be edited
	EditKids  bool // its children may be edited
	Form      form
	Created   string
	Saved     bool
}

// adminTree browses the territory tree and offers a form to add a child
// to those allowed to.
func (h *handler) adminTree(w http.ResponseWriter, r *http.Request) error {
	if ok, err := staff(w, r); !ok {
		return err
	}
	v, err := h.treeView(r, r.URL.Query().Get("node"))
	if err != nil {
		return err
	}
	v.Created = r.URL.Query().Get("created")
	v.Saved = r.URL.Query().Get("saved") != ""
	return h.render.Page(w, r, http.StatusOK, "territory/admin_tree", v)
}

// adminTreeCreate adds a child node; a refused input re-renders the form
// with a message at each field.
func (h *handler) adminTreeCreate(w http.ResponseWriter, r *http.Request) error {
	if ok, err := staff(w, r); !ok {
		return err
	}
	parentID := r.PostFormValue("parent_id")
	in := NodeInput{ParentID: parentID, Kind: Kind(r.PostFormValue("kind")), OKTMO: r.PostFormValue("oktmo"),
		NameRU: r.PostFormValue("name_ru"), NameEN: r.PostFormValue("name_en"), Slug: r.PostFormValue("slug"),
		TimeZone: r.PostFormValue("time_zone"), Population: postedInt(r, "population")}
	n, err := h.svc.CreateNode(r.Context(), in)
	if err == nil {
		http.Redirect(w, r, "/admin/territory?node="+url.QueryEscape(parentID)+"&created="+url.QueryEscape(n.ID), http.StatusSeeOther)
		return nil
	}
	v, verr := h.treeView(r, parentID)
	if verr != nil {
		return verr
	}
	if !v.Form.fill(r, err) {
		return err
	}
	return h.render.Page(w, r, http.StatusUnprocessableEntity, "territory/admin_tree", v)
}

func (h *handler) treeView(r *http.Request, id string) (treeView, error) {
	ctx := r.Context()
	a := auth.From(ctx)
	var v treeView
	tz, kinds := "Europe/Moscow", []Kind{KindSubject}
	if id != "" {
		n, err := h.svc.Node(ctx, id)
		if err != nil {
			return v, err
		}
		v.Node, tz, kinds = &n, n.TimeZone, ChildKinds(n.Kind)
		if v.Ancestors, err = h.svc.Ancestors(ctx, n); err != nil {
			return v, err
		}
		v.CanAdd = a.Can(auth.RoleRegionalOperator, n.Path) && len(kinds) > 0
		if parent, err := h.svc.parentOf(ctx, n.ParentID); err == nil {
			v.CanEdit = authorizeTree(ctx, parent) == nil
		}
	} else {
		v.CanAdd = a.Can(auth.RolePlatformAdmin, "/")
	}
	v.EditKids = authorizeTree(ctx, v.Node) == nil
	var err error
	if v.Children, err = h.svc.Children(ctx, id); err != nil {
		return v, err
	}
	v.Form = nodeForm(kinds, tz)
	return v, nil
}
