package notify

import (
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// pageSize is how many notifications one page shows.
const pageSize = 30

type handler struct {
	svc    *Service
	render *web.Renderer
}

// Routes mounts the signed-in person's notification pages.
func Routes(rt *web.Router, render *web.Renderer, svc *Service) {
	h := &handler{svc: svc, render: render}
	rt.Handle("GET /me/notifications", h.list)
	rt.Handle("POST /me/notifications/read", h.readAll)
	rt.Handle("POST /me/notifications/{id}/open", h.open)
}

// listPage is the notifications page.
type listPage struct {
	Items  []Notification
	Next   string // id to page on from, "" on the last page
	Marked bool   // "all read" was just done
}

// Unread counts the page's unread notifications.
func (p listPage) Unread() int {
	n := 0
	for _, it := range p.Items {
		if it.Unread() {
			n++
		}
	}
	return n
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) error {
	if !auth.From(r.Context()).SignedIn() {
		http.Redirect(w, r, web.LoginURL(r), http.StatusSeeOther)
		return nil
	}
	items, err := h.svc.List(r.Context(), web.Lang(r.Context()), r.URL.Query().Get("before"), pageSize+1)
	if err != nil {
		return err
	}
	p := listPage{Items: items, Marked: r.URL.Query().Get("marked") == "1"}
	if len(items) > pageSize {
		p.Items, p.Next = items[:pageSize], items[pageSize-1].ID
	}
	return h.render.Page(w, r, http.StatusOK, "notify/list", p)
}

// open marks a notification read and goes to what it is about.
func (h *handler) open(w http.ResponseWriter, r *http.Request) error {
	link, err := h.svc.MarkRead(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
	return nil
}

func (h *handler) readAll(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.MarkAllRead(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/notifications?marked=1", http.StatusSeeOther)
	return nil
}
