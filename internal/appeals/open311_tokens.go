package appeals

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/muni-platform/muni/internal/platform/fault"
)

// o311Token answers GET tokens/{token}: the request a token stands for.
type o311Token struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID string   `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
}

// token serves GET tokens/{token}.{fmt}. muni stores a request in the same
// transaction that accepts it, so the token POST requests returns is the
// request's id itself; clients that always poll for the id get it back
// here. The token must name an issue report of the jurisdiction: other
// municipalities' reports and formal appeals are unknown tokens.
func (h *open311) token(w http.ResponseWriter, r *http.Request) error {
	tok, format, ok := splitFormat(r.PathValue("file"))
	if !ok {
		return h.fail(w, r, "json", http.StatusNotFound, "appeals.open311.not_found")
	}
	m, ok, err := h.jurisdiction(w, r, format)
	if !ok {
		return err
	}
	a, err := h.svc.st.appeal(r.Context(), tok)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && (a.TenantID != m.ID || a.Regime != RegimeReport)) {
		return h.fail(w, r, format, http.StatusNotFound, "appeals.open311.token_unknown")
	}
	if err != nil {
		return err
	}
	return writeO311(w, format, http.StatusOK, "service_requests", []o311Token{{ServiceRequestID: a.ID, Token: tok}})
}
