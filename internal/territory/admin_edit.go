package territory

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// editView is the page that edits one node: its names, codes, time zone,
// population, the contacts residents see, its centre and its boundary.
type editView struct {
	Node      Node
	Ancestors []Node
	Form      form
}

// editForm is the node form with the fields only an existing node has.
func editForm(kinds []Kind, n Node) form {
	f := nodeForm(kinds, n.TimeZone)
	f.Fields = append(f.Fields,
		field{Name: "contacts.head", Label: "territory.contacts.head", Type: "text", MaxLength: maxContact},
		field{Name: "contacts.address", Label: "territory.contacts.address", Type: "text", MaxLength: maxContact},
		field{Name: "contacts.phone", Label: "territory.contacts.phone", Type: "tel", MaxLength: 25},
		field{Name: "contacts.email", Label: "territory.contacts.email", Type: "email", MaxLength: 254},
		field{Name: "contacts.website", Label: "territory.contacts.website", Type: "url", MaxLength: 300},
		field{Name: "center_lat", Label: "territory.field.center_lat", Hint: "territory.field.center_hint", Type: "text", InputMode: "decimal", MaxLength: 20},
		field{Name: "center_lon", Label: "territory.field.center_lon", Type: "text", InputMode: "decimal", MaxLength: 20},
		field{Name: "boundary", Label: "territory.field.boundary", Hint: "territory.field.boundary_hint", Type: "textarea"},
	)
	set := map[string]string{"kind": string(n.Kind), "oktmo": n.OKTMO, "name_ru": n.NameRU, "name_en": n.NameEN,
		"slug": n.Slug, "time_zone": n.TimeZone, "contacts.head": n.Contacts.Head, "contacts.address": n.Contacts.Address,
		"contacts.phone": n.Contacts.Phone, "contacts.email": n.Contacts.Email, "contacts.website": n.Contacts.Website,
		"boundary": string(n.Boundary)}
	if n.Population > 0 {
		set["population"] = strconv.FormatInt(n.Population, 10)
	}
	if n.Center != nil {
		set["center_lat"] = strconv.FormatFloat(n.Center.Lat, 'f', -1, 64)
		set["center_lon"] = strconv.FormatFloat(n.Center.Lon, 'f', -1, 64)
	}
	for k, v := range set {
		f.set(k, v)
	}
	return f
}

// adminNodeEdit shows the edit form of one node.
func (h *handler) adminNodeEdit(w http.ResponseWriter, r *http.Request) error {
	if ok, err := staff(w, r); !ok {
		return err
	}
	v, err := h.editView(r)
	if err != nil {
		return err
	}
	return h.render.Page(w, r, http.StatusOK, "territory/admin_edit", v)
}

// adminNodeUpdate saves the edit form; a refused input re-renders it with
// a message at each field and changes nothing.
func (h *handler) adminNodeUpdate(w http.ResponseWriter, r *http.Request) error {
	if ok, err := staff(w, r); !ok {
		return err
	}
	v, err := h.editView(r)
	if err != nil {
		return err
	}
	in, bad := postedNode(r, v.Node)
	if bad == nil {
		n, err := h.svc.UpdateNode(r.Context(), v.Node.ID, in)
		if err == nil {
			http.Redirect(w, r, "/admin/territory?node="+url.QueryEscape(n.ID)+"&saved=1", http.StatusSeeOther)
			return nil
		}
		bad = err
	}
	if !v.Form.fill(r, bad) {
		return bad
	}
	for i := range v.Form.Fields { // the service names the centre as one field
		if v.Form.Fields[i].Name == "center_lat" && v.Form.Fields[i].Error == "" {
			if fe, ok := fault.As(bad); ok && fe.Fields["center"] != "" {
				v.Form.Fields[i].Error = fe.Fields["center"]
			}
		}
	}
	return h.render.Page(w, r, http.StatusUnprocessableEntity, "territory/admin_edit", v)
}

// editView reads the node named in the path, refusing those the actor may
// not change: the same rule as the service's, so no form is offered in vain.
func (h *handler) editView(r *http.Request) (editView, error) {
	ctx := r.Context()
	n, err := h.svc.Node(ctx, r.PathValue("id"))
	if err != nil {
		return editView{}, err
	}
	parent, err := h.svc.parentOf(ctx, n.ParentID)
	if err != nil {
		return editView{}, err
	}
	if err := authorizeTree(ctx, parent); err != nil {
		return editView{}, err
	}
	kinds := []Kind{KindSubject}
	if parent != nil {
		kinds = ChildKinds(parent.Kind)
	}
	v := editView{Node: n, Form: editForm(kinds, n)}
	if v.Ancestors, err = h.svc.Ancestors(ctx, n); err != nil {
		return editView{}, err
	}
	return v, nil
}

// postedNode reads the edit form over the node's current values (what the
// form does not show, such as the demo mark and the source, is kept). A
// malformed coordinate is refused here, with its field.
func postedNode(r *http.Request, n Node) (NodeInput, error) {
	f := r.PostFormValue
	in := NodeInput{ParentID: n.ParentID, Kind: Kind(f("kind")), OKTMO: f("oktmo"), NameRU: f("name_ru"), NameEN: f("name_en"),
		Slug: f("slug"), TimeZone: f("time_zone"), Population: postedInt(r, "population"), Demo: n.Demo, Source: n.Source,
		Contacts: Contacts{Head: f("contacts.head"), Address: f("contacts.address"), Phone: strings.TrimSpace(f("contacts.phone")),
			Email: strings.TrimSpace(f("contacts.email")), Website: strings.TrimSpace(f("contacts.website"))}}
	if b := strings.TrimSpace(f("boundary")); b != "" {
		in.Boundary = json.RawMessage(b)
	}
	lat, lon := strings.TrimSpace(f("center_lat")), strings.TrimSpace(f("center_lon"))
	if lat == "" && lon == "" {
		return in, nil
	}
	la, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
	lo, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
	if err1 != nil || err2 != nil {
		bad := map[string]string{}
		if err1 != nil {
			bad["center_lat"] = "territory.center.invalid"
		}
		if err2 != nil {
			bad["center_lon"] = "territory.center.invalid"
		}
		return in, invalid("territory-invalid", bad)
	}
	in.Center = &Point{Lat: la, Lon: lo}
	return in, nil
}
