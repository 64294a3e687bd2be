package proactive

import (
	"time"

	"github.com/muni-platform/muni/internal/platform/i18n"
)

// The states of an offer.
const (
	OfferOpen      = "open"
	OfferAccepted  = "accepted"
	OfferDeclined  = "declined"
	OfferExpired   = "expired"
	OfferWithdrawn = "withdrawn" // the resident withdrew their consent
)

// Offer is a service offered to a resident by a rule.
type Offer struct {
	ID            string            `json:"id"`
	TenantID      string            `json:"-"`
	RuleID        string            `json:"rule_id"`
	ResidentID    string            `json:"-"`
	UserID        string            `json:"-"`
	Subject       string            `json:"subject"`
	About         string            `json:"about,omitempty"` // whom or what the offer is for: a child's name and birth date
	ServiceCode   string            `json:"service_code"`
	Title         string            `json:"title"`
	TitleEN       string            `json:"title_en"`
	Values        map[string]string `json:"values"`
	Status        string            `json:"status"`
	Created       time.Time         `json:"created_at"`
	Expires       time.Time         `json:"expires_at"`
	Decided       *time.Time        `json:"decided_at,omitempty"`
	ApplicationID string            `json:"application_id,omitempty"`
}

// TitleIn is the offer's title in lang.
func (o Offer) TitleIn(lang string) string {
	return i18n.Pick(lang, o.Title, o.TitleEN)
}

// Open reports whether the resident can still accept or decline.
func (o Offer) Open() bool { return o.Status == OfferOpen }

// FieldValue is one pre-filled field, for display.
type FieldValue struct{ Field, Value string }

// Prefilled lists the pre-filled values sorted by field.
func (o Offer) Prefilled() []FieldValue {
	var out []FieldValue
	for _, k := range sortedKeys(o.Values) {
		out = append(out, FieldValue{k, o.Values[k]})
	}
	return out
}
