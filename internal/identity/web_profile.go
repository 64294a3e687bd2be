package identity

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

type profilePage struct {
	*form
	User     User
	Home     string
	Grants   []GrantRecord
	Consents []Consent
}

func (h *handler) profile(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	if k := h.popFlash(r); k != "" {
		f.Alert, f.AlertKind = k, "ok"
	}
	return h.showProfile(w, r, http.StatusOK, f)
}

func (h *handler) showProfile(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	if auth.From(ctx).Kind != auth.User {
		return ErrForbidden
	}
	u, gs, err := h.svc.Me(ctx)
	if err != nil {
		return err
	}
	cs, err := h.svc.Consents(ctx)
	if err != nil {
		return err
	}
	return h.page(w, r, status, "identity/profile", profilePage{form: f, User: u, Home: h.svc.placeName(ctx, u.HomeID),
		Grants: gs, Consents: cs})
}

func (h *handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f := newForm()
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		f.Errors["password2"], f.Alert, f.AlertKind = "identity.field.password.mismatch", "error.invalid", "bad"
		return h.showProfile(w, r, http.StatusBadRequest, f)
	}
	if err := h.svc.ChangePassword(r.Context(), r.PostFormValue("current"), r.PostFormValue("password")); err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showProfile(w, r, status, f)
	}
	// The change ended every older session; this one continues.
	if err := h.startSession(r, auth.From(r.Context()).ID); err != nil {
		return err
	}
	h.flash(r, "identity.password.changed")
	return seeOther(w, r, "/profile")
}

func (h *handler) resendConfirm(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if err := h.svc.ResendConfirmation(r.Context()); err != nil {
		return err
	}
	h.flash(r, "identity.confirm.sent")
	return seeOther(w, r, "/profile")
}

func (h *handler) withdrawForm(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	return h.page(w, r, http.StatusOK, "identity/withdraw", newForm())
}

// withdraw needs the explicit confirmation checkbox: the consequence
// (deactivation, sign-out everywhere) is not undone by a misclick.
func (h *handler) withdraw(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	if r.PostFormValue("confirm") != "yes" {
		f := newForm()
		f.Errors["confirm"], f.Alert, f.AlertKind = "identity.withdraw.confirm_required", "error.invalid", "bad"
		return h.page(w, r, http.StatusBadRequest, "identity/withdraw", f)
	}
	if err := h.svc.WithdrawConsent(r.Context(), clientIP(r)); err != nil {
		return err
	}
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return h.page(w, r, http.StatusOK, "identity/message", message{Title: "identity.withdraw.title",
		Text: "identity.withdraw.done", Kind: "info", Link: "/", LinkText: "error.page.home"})
}

func (h *handler) export(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	e, err := h.svc.Export(r.Context())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="muni-my-data-%s.json"`, e.Generated.Format("2006-01-02")))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b)
	return err
}
