package notify

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/i18n"
	"github.com/muni-platform/muni/internal/platform/mail"
)

//go:embed migrations
var migrationFS embed.FS

//go:embed locales/*.json
var localeFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// Migrations is the notifications schema.
var Migrations = db.Migrations{Domain: "notify", FS: db.Sub(migrationFS, "migrations")}

// Locales are the notification pages' messages.
var Locales = localeFS

// TemplateFS holds the notification pages (see web.Templates).
var TemplateFS = db.Sub(templateFS, "templates")

// ErrNoTx means Notify was called outside the transaction of the change
// it reports.
var ErrNoTx = errors.New("notify: outside a transaction")

// Recipients tells where a person gets e-mail: their confirmed address
// and preferred language; ok is false when they have none confirmed.
type Recipients interface {
	Email(ctx context.Context, userID string) (addr, lang string, ok bool, err error)
}

// Notice is one message to one person.
type Notice struct {
	UserID   string
	TenantID string
	// Kind groups notices for filtering and tests ("appeal.answered").
	Kind string
	// Key names the message: the catalog holds Key+".title" and
	// Key+".body"; Args fill their placeholders.
	Key  string
	Args map[string]string
	// Link is the site-relative page the notice is about ("/appeals/…").
	Link string
}

// Deps are what the service is built over. Without Mail (no SMTP relay
// configured) or Recipients, notifications are in-app only.
type Deps struct {
	DB         *db.DB
	Catalog    *i18n.Catalog
	Mail       mail.Sender
	Recipients Recipients
	BaseURL    string // for links in e-mail
	Log        *slog.Logger
	// Zone names the IANA time zone of a tenant, for showing times; nil
	// or "" means Moscow time.
	Zone func(ctx context.Context, tenantID string) string
	// MailTimeout bounds one e-mail; 30 s when zero.
	MailTimeout time.Duration
}

// Service writes and reads notifications.
type Service struct {
	d       Deps
	pending sync.WaitGroup
}

// New returns the service.
func New(d Deps) *Service {
	if d.MailTimeout <= 0 {
		d.MailTimeout = 30 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	return &Service{d: d}
}

// Notify stores n in the transaction carried by ctx and, once that
// commits, e-mails it when e-mail is possible.
func (s *Service) Notify(ctx context.Context, n Notice) error {
	return s.NotifyAll(ctx, []Notice{n})
}

// noticeCols are the columns of a new notification.
var noticeCols = []string{"id", "user_id", "tenant_id", "kind", "msg_key", "args", "link", "created_ms"}

// NotifyAll is Notify for many notices, stored with one statement for
// many rows: for changes made in bulk (a sweep's offers). A notice that
// could not be shown fails them all.
func (s *Service) NotifyAll(ctx context.Context, ns []Notice) error {
	if !db.InTxNow(ctx) {
		return ErrNoTx
	}
	args := make([]string, len(ns))
	for i, n := range ns {
		if err := check(n); err != nil {
			return err
		}
		b, err := json.Marshal(n.Args)
		if err != nil {
			return fmt.Errorf("notify: args: %w", err)
		}
		if n.Args == nil {
			b = []byte("{}")
		}
		args[i] = string(b)
	}
	now := db.Millis(time.Now())
	if _, err := s.d.DB.CopyRows(ctx, "notifications", noticeCols, len(ns), func(vals []any, i int) []any {
		n := &ns[i]
		return append(vals, db.NewID(), n.UserID, n.TenantID, n.Kind, n.Key, args[i], n.Link, now)
	}); err != nil {
		return fmt.Errorf("notify: insert: %w", err)
	}
	if s.d.Mail != nil && s.d.Recipients != nil && len(ns) > 0 {
		sent := slices.Clone(ns) // the caller may change its slice before the commit
		db.AfterCommit(ctx, func() {
			for _, n := range sent {
				s.pending.Add(1) // only now: a rolled-back notice sends nothing
				go s.email(context.WithoutCancel(ctx), n)
			}
		})
	}
	return nil
}

// check refuses a notice that could not be shown: no recipient, no
// message, or a link leading off the site.
func check(n Notice) error {
	switch {
	case n.UserID == "" || n.Key == "" || n.Kind == "":
		return fmt.Errorf("notify: notice without recipient, kind or key: %+v", n)
	case !strings.HasPrefix(n.Link, "/") || strings.HasPrefix(n.Link, "//") || utf8.RuneCountInString(n.Link) > 500:
		return fmt.Errorf("notify: link %q is not a site path", n.Link)
	}
	return nil
}

// email sends n to its recipient's confirmed address, if any. Failures
// are logged: the in-app notification already exists.
func (s *Service) email(ctx context.Context, n Notice) {
	defer s.pending.Done()
	ctx, cancel := context.WithTimeout(ctx, s.d.MailTimeout)
	defer cancel()
	addr, lang, ok, err := s.d.Recipients.Email(ctx, n.UserID)
	if err != nil || !ok {
		if err != nil {
			s.d.Log.WarnContext(ctx, "notify: recipient", "user", n.UserID, "err", err)
		}
		return
	}
	title, body := s.render(lang, n.Key, n.Args)
	text := body + "\n\n" + s.d.BaseURL + n.Link + "\n"
	if err := s.d.Mail.Send(ctx, mail.Message{To: addr, Subject: title, Text: text}); err != nil {
		s.d.Log.WarnContext(ctx, "notify: e-mail", "user", n.UserID, "kind", n.Kind, "err", err)
	}
}

// Wait blocks until every e-mail started so far has been sent or has
// failed: for shutdown and tests.
func (s *Service) Wait() { s.pending.Wait() }

// render is a message's title and body in lang.
func (s *Service) render(lang, key string, args map[string]string) (title, body string) {
	if lang == "" {
		lang = i18n.Languages[0]
	}
	l := s.d.Catalog.Localizer(lang)
	pairs := make([]any, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, k, v)
	}
	return l.T(key+".title", pairs...), l.T(key+".body", pairs...)
}
