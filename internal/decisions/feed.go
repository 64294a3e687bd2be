package decisions

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"time"

	"github.com/muni-platform/muni/internal/platform/web"
)

// Atom 1.0 (RFC 4287) documents: a feed of the register's published
// decisions, newest first, each entry updated when its status moves.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string    `xml:"id"`
	Title     string    `xml:"title"`
	Updated   string    `xml:"updated"`
	Published string    `xml:"published"`
	Link      atomLink  `xml:"link"`
	Category  []atomCat `xml:"category"`
	Summary   atomText  `xml:"summary"`
	Content   atomText  `xml:"content"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// feedSize is how many decisions the feed carries.
const feedSize = 50

// feed serves the register as Atom.
func (h *handler) feed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := h.svc.Municipality(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	ds, err := h.svc.Register(ctx, m, Filter{Limit: feedSize})
	if err != nil {
		return err
	}
	base := h.BaseURL
	loc := h.Catalog.Localizer(web.Lang(ctx))
	f := atomFeed{Lang: web.Lang(ctx), ID: tagID(base, "decisions/"+m.ID),
		Title:  loc.T("decisions.feed.title", "Name", m.Label(web.Lang(ctx))),
		Author: atomPerson{Name: m.Label(web.Lang(ctx))},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/m/" + m.Slug + "/decisions/feed.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/m/" + m.Slug + "/decisions/"}},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	for i, d := range ds {
		if i == 0 || d.UpdatedAt.After(mustTime(f.Updated)) {
			f.Updated = d.UpdatedAt.Format(time.RFC3339)
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: tagID(base, "decision/"+d.ID), Title: d.Title,
			Updated: d.UpdatedAt.Format(time.RFC3339), Published: d.PublishedAt.Format(time.RFC3339),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: base + "/decisions/" + d.ID},
			Category: []atomCat{{Term: string(d.Body), Label: loc.T("decisions.body." + string(d.Body))},
				{Term: string(d.Status), Label: loc.T("decisions.status." + string(d.Status))}},
			Summary: atomText{Type: "text", Text: loc.T("decisions.feed.summary", "Body", loc.T("decisions.body."+string(d.Body)),
				"Date", d.DecidedText(), "Number", d.Number, "Status", loc.T("decisions.status."+string(d.Status)))},
			Content: atomText{Type: "text", Text: d.Text + "\n\n" + d.Rationale},
		})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write(append([]byte(xml.Header), b...))
	return err
}

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// tagID is an RFC 4151 tag URI on the site's host: an entry keeps its
// id whatever the scheme or port the site is reached by.
func tagID(base, what string) string {
	host := base
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + ",2026:" + what
}
