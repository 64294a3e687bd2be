package proactive

import (
	"context"
	"strings"
	"time"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/notify"
)

// trigger is what a rule is evaluated for: an event (its data, the child
// it is about, the subject it names) or the sweep (all zero).
type trigger struct {
	data     map[string]string
	childKey string // per-child rules look at this child only, when set
	subject  string // data "subject": non-child rules offer once per subject
}

// eligible calls fn for every subject of r that a rule of rules finds
// eligible on day, with the facts fn may read until it returns.
func eligible(rules []*compiled, r *Resident, tr trigger, day time.Time, fn func(c *compiled, subject string, f *facts) error) error {
	f := facts{r: r, event: tr.data, today: day}
	for _, c := range rules {
		if !c.PerChild {
			f.child = nil
			if c.when(&f) {
				subject := ""
				if tr.subject != "" && c.EventType != "" {
					subject = "event:" + tr.subject
				}
				if err := fn(c, subject, &f); err != nil {
					return err
				}
			}
			continue
		}
		for i := range r.Children {
			if tr.childKey != "" && r.Children[i].Key != tr.childKey {
				continue
			}
			f.child = &r.Children[i]
			if c.when(&f) {
				if err := fn(c, "child:"+f.child.Key, &f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// newOffer is the offer c makes to the resident in f about subject.
func newOffer(c *compiled, f *facts, subject string, now time.Time) Offer {
	now = now.UTC().Truncate(time.Millisecond)
	r, about := f.r, ""
	if f.child != nil && c.PerChild {
		about = f.child.Name
		if d, err := time.Parse(time.DateOnly, f.child.BirthDate); err == nil {
			about = strings.TrimSpace(about + " " + d.Format("02.01.2006"))
		}
	}
	vals := c.values(f)
	return Offer{ID: db.NewID(), TenantID: r.TenantID, RuleID: c.ID, ResidentID: r.ID, UserID: r.UserID, Subject: subject, About: about,
		ServiceCode: c.ServiceCode, Title: c.Name, TitleEN: c.NameEN, Values: vals, Status: OfferOpen,
		Created: now, Expires: now.AddDate(0, 0, c.LifetimeDays)}
}

// makeOffers stores os, except those whose rule already made an offer
// to the resident about the subject, each new one with its audit entry
// and the resident's notification, in the transaction carried by ctx;
// it returns how many were new. Many offers cost a few statements, not a
// few each.
func (s *Service) makeOffers(ctx context.Context, os []Offer) (int, error) {
	if len(os) == 0 {
		return 0, nil
	}
	made, err := s.st.createOffers(ctx, os)
	if err != nil || len(made) == 0 {
		return 0, err
	}
	entries := make([]audit.Entry, 0, len(made))
	notices := make([]notify.Notice, 0, len(made))
	for _, o := range os {
		if !made[o.ID] {
			continue
		}
		entries = append(entries, audit.Entry{Action: "proactive.offer.create", ObjectType: "proactive_offer", ObjectID: o.ID,
			// The subject (a child's certificate number, say) is personal data:
			// the audit log keeps only the rule and the service.
			TenantID: o.TenantID, Detail: map[string]any{"rule_id": o.RuleID, "service": o.ServiceCode}})
		notices = append(notices, notify.Notice{UserID: o.UserID, TenantID: o.TenantID, Kind: "proactive.offer",
			Key: "proactive.notice.offer", Args: map[string]string{"Title": o.Title}, Link: "/proactive"})
	}
	if s.Notify != nil {
		if err := s.Notify.NotifyAll(ctx, notices); err != nil {
			return 0, err
		}
	}
	// The audit entries go last: appending takes the log's head, which
	// every audited change waits for until this transaction commits.
	if err := s.Audit.RecordAll(ctx, entries); err != nil {
		return 0, err
	}
	return len(entries), nil
}

// compileAll compiles stored rules; a stored rule that no longer compiles
// (an event type removed, say) is skipped with a warning rather than
// stopping every other rule.
func (s *Service) compileAll(ctx context.Context, rules []Rule, codes []string) []*compiled {
	out := make([]*compiled, 0, len(rules))
	for _, r := range rules {
		c, bad := compileRule(r, codes)
		if bad != nil {
			s.Log.WarnContext(ctx, "proactive: stored rule does not compile", "rule", r.ID, "problems", bad)
			continue
		}
		out = append(out, c)
	}
	return out
}
