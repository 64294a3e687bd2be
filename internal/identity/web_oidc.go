package identity

import (
	"encoding/json"
	"errors"
	"net/http"
)

func (h *handler) oidcStart(w http.ResponseWriter, r *http.Request) error {
	to, flow, err := h.svc.OIDCStart(r.Context())
	if err != nil {
		return err
	}
	b, _ := json.Marshal(flow)
	h.sessions.Put(r.Context(), sessOIDC, string(b))
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	var flow OIDCFlow
	// The flow secrets are single-use: popped before anything is checked.
	json.Unmarshal([]byte(h.sessions.PopString(r.Context(), sessOIDC)), &flow)
	q := r.URL.Query()
	u, err := h.svc.OIDCFinish(r.Context(), flow, q.Get("code"), q.Get("state"), clientIP(r))
	if errors.Is(err, ErrNeedsConsent) {
		return h.pendingConsent(w, r, u.ID)
	}
	if err != nil {
		return err
	}
	if err := h.startSession(r, u.ID); err != nil {
		return err
	}
	return seeOther(w, r, "/profile")
}
