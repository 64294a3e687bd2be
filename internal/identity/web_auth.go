package identity

import (
	"errors"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/web"
)

// registerPage is the registration form's data.
type registerPage struct {
	*form
	Municipalities []Place
	Consent        string
}

func (h *handler) registerForm(w http.ResponseWriter, r *http.Request) error {
	return h.showRegister(w, r, http.StatusOK, newForm())
}

func (h *handler) showRegister(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ms, err := h.svc.places.Municipalities(r.Context())
	if err != nil {
		return err
	}
	return h.page(w, r, status, "identity/register", registerPage{form: f, Municipalities: ms, Consent: CurrentConsent})
}

func (h *handler) register(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	for _, k := range []string{"email", "name", "home"} {
		f.Values[k] = r.PostFormValue(k)
	}
	reg := Registration{Email: f.Values["email"], Password: r.PostFormValue("password"), Name: f.Values["name"],
		HomeID: f.Values["home"], Consent: r.PostFormValue("consent") == "yes", Version: r.PostFormValue("consent_version"),
		Lang: web.Lang(r.Context()), IP: clientIP(r)}
	u, err := h.svc.Register(r.Context(), reg)
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showRegister(w, r, status, f)
	}
	if err := h.startSession(r, u.ID); err != nil {
		return err
	}
	h.flash(r, "identity.register.done")
	return seeOther(w, r, "/profile")
}

// startSession signs userID in on a fresh session token, so a token
// planted before login is worthless after it.
func (h *handler) startSession(r *http.Request, userID string) error {
	ctx := r.Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Remove(ctx, sessPending)
	h.sessions.Put(ctx, sessUser, userID)
	h.sessions.Put(ctx, sessAuthMs, db.Millis(h.svc.now()))
	return nil
}

func (h *handler) consentDoc(w http.ResponseWriter, r *http.Request) error {
	doc, err := ConsentDocument(r.PathValue("version"), web.Lang(r.Context()))
	if err != nil {
		return err
	}
	return h.page(w, r, http.StatusOK, "identity/consent", doc)
}

type loginPage struct {
	*form
	Next string
	OIDC bool
}

func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	if k := h.popFlash(r); k != "" {
		f.Alert, f.AlertKind = k, "ok"
	}
	return h.page(w, r, http.StatusOK, "identity/login", loginPage{form: f, Next: localPath(r.URL.Query().Get("next"), ""), OIDC: h.svc.OIDCEnabled()})
}

func (h *handler) login(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["email"] = r.PostFormValue("email")
	next := localPath(r.PostFormValue("next"), "")
	u, err := h.svc.Login(r.Context(), f.Values["email"], r.PostFormValue("password"), clientIP(r))
	if errors.Is(err, ErrNeedsConsent) {
		return h.pendingConsent(w, r, u.ID)
	}
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "60")
		}
		return h.page(w, r, status, "identity/login", loginPage{form: f, Next: next, OIDC: h.svc.OIDCEnabled()})
	}
	if err := h.startSession(r, u.ID); err != nil {
		return err
	}
	return seeOther(w, r, localPath(next, "/profile"))
}

// pendingConsent keeps a proven but inactive account in the session and
// sends its owner to give consent.
func (h *handler) pendingConsent(w http.ResponseWriter, r *http.Request, userID string) error {
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.sessions.Remove(r.Context(), sessUser)
	h.sessions.Put(r.Context(), sessPending, userID)
	return seeOther(w, r, "/consent/accept")
}

type acceptPage struct {
	*form
	User           User
	Municipalities []Place
	Consent        string
}

func (h *handler) acceptForm(w http.ResponseWriter, r *http.Request) error {
	return h.showAccept(w, r, http.StatusOK, newForm())
}

func (h *handler) showAccept(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	id := h.sessions.GetString(r.Context(), sessPending)
	if id == "" {
		// Nobody is waiting to consent: say so rather than bounce, so a
		// bookmarked or shared link explains itself.
		return h.page(w, r, status, "identity/accept", acceptPage{form: f, Consent: CurrentConsent})
	}
	u, err := h.svc.PendingUser(r.Context(), id)
	if err != nil {
		return err
	}
	p := acceptPage{form: f, User: u, Consent: CurrentConsent}
	if u.HomeID == "" {
		if p.Municipalities, err = h.svc.places.Municipalities(r.Context()); err != nil {
			return err
		}
	}
	return h.page(w, r, status, "identity/accept", p)
}

func (h *handler) accept(w http.ResponseWriter, r *http.Request) error {
	id := h.sessions.GetString(r.Context(), sessPending)
	if id == "" {
		return seeOther(w, r, "/login")
	}
	f := newForm()
	f.Values["home"] = r.PostFormValue("home")
	err := h.svc.AcceptConsent(r.Context(), id, f.Values["home"], web.Lang(r.Context()), clientIP(r), r.PostFormValue("consent") == "yes")
	if err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showAccept(w, r, status, f)
	}
	if err := h.startSession(r, id); err != nil {
		return err
	}
	h.flash(r, "identity.consent.accepted")
	return seeOther(w, r, "/profile")
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return seeOther(w, r, "/")
}

// message renders a short notice page.
type message struct {
	Title, Text, Kind, Link, LinkText string
}

func (h *handler) confirm(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.ConfirmEmail(r.Context(), r.URL.Query().Get("token")); err != nil {
		if errors.Is(err, ErrTokenInvalid) {
			return h.page(w, r, http.StatusBadRequest, "identity/message", message{Title: "identity.confirm.title",
				Text: "identity.token.invalid", Kind: "bad", Link: "/profile", LinkText: "identity.profile.title"})
		}
		return err
	}
	return h.page(w, r, http.StatusOK, "identity/message", message{Title: "identity.confirm.title",
		Text: "identity.confirm.done", Kind: "ok", Link: "/profile", LinkText: "identity.profile.title"})
}

func (h *handler) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return h.page(w, r, http.StatusOK, "identity/forgot", newForm())
}

func (h *handler) forgot(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["email"] = r.PostFormValue("email")
	if err := h.svc.RequestPasswordReset(r.Context(), f.Values["email"], clientIP(r)); err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.page(w, r, status, "identity/forgot", f)
	}
	return h.page(w, r, http.StatusOK, "identity/message", message{Title: "identity.forgot.title",
		Text: "identity.forgot.sent", Kind: "info", Link: "/login", LinkText: "identity.login.title"})
}

func (h *handler) resetForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["token"] = r.URL.Query().Get("token")
	return h.page(w, r, http.StatusOK, "identity/reset", f)
}

func (h *handler) reset(w http.ResponseWriter, r *http.Request) error {
	f := newForm()
	f.Values["token"] = r.PostFormValue("token")
	if err := h.svc.ResetPassword(r.Context(), f.Values["token"], r.PostFormValue("password")); err != nil {
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.page(w, r, status, "identity/reset", f)
	}
	h.flash(r, "identity.reset.done")
	return seeOther(w, r, "/login")
}
