package appeals

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/muni-platform/muni/internal/platform/audit"
	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/db"
	"github.com/muni-platform/muni/internal/platform/fault"
)

// ReplyTemplate is a prepared answer an official picks to prefill the
// answer form: per municipality, optionally for one category.
type ReplyTemplate struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"tenant_id"`
	CategoryID string    `json:"category_id,omitempty"` // "" = any category
	Name       string    `json:"name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// ReplyTemplateInput is a new template.
type ReplyTemplateInput struct {
	CategoryID string `json:"category_id"`
	Name       string `json:"name"`
	Body       string `json:"body"`
}

// Placeholders are what a template body may contain; Fill replaces each
// with the item's value, as plain text.
var Placeholders = []string{"number", "date", "name"}

var placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// MaxReplyTemplates bounds one municipality's templates: a picker, not a library.
const MaxReplyTemplates = 200

// ReplyTemplates lists a municipality's templates — those for categoryID
// and those for any category when categoryID is set — to its officials.
func (s *Service) ReplyTemplates(ctx context.Context, tenantID, categoryID string) ([]ReplyTemplate, error) {
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	muni, err := s.municipality(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(staffScopes(who, auth.RoleOperator), func(sc Scope) bool {
		return (auth.Grant{ScopePath: sc.Path}).Covers(muni.Path)
	}) {
		return nil, ErrForbidden
	}
	q := `SELECT id, tenant_id, category_id, name, body, created_ms FROM appeals_reply_templates WHERE tenant_id = $1`
	args := []any{muni.ID}
	if categoryID != "" {
		q += ` AND category_id IN ('', $2)`
		args = append(args, categoryID)
	}
	rows, err := s.db.R(ctx).QueryContext(ctx, q+` ORDER BY name, id LIMIT 200`, args...)
	if err != nil {
		return nil, wrap("reply templates", err)
	}
	defer rows.Close()
	out := []ReplyTemplate{}
	for rows.Next() {
		var t ReplyTemplate
		var created int64
		if err := rows.Scan(&t.ID, &t.TenantID, &t.CategoryID, &t.Name, &t.Body, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = db.Time(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateReplyTemplate adds a template to a municipality; its municipal
// administrators (or anyone above them) may.
func (s *Service) CreateReplyTemplate(ctx context.Context, tenantID string, in ReplyTemplateInput) (ReplyTemplate, error) {
	muni, err := s.replyAdmin(ctx, tenantID)
	if err != nil {
		return ReplyTemplate{}, err
	}
	in.Name, in.Body, in.CategoryID = strings.TrimSpace(in.Name), strings.TrimSpace(in.Body), strings.TrimSpace(in.CategoryID)
	bad := map[string]string{}
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > MaxName || !printable(in.Name) || strings.ContainsAny(in.Name, "\r\n") {
		bad["name"] = "appeals.reply.name.invalid"
	}
	if b := checkNote("answer", in.Body, true); b != nil {
		bad["body"] = "appeals.reply.body.invalid"
	} else if unknown := unknownPlaceholder(in.Body); unknown != "" {
		bad["body"] = "appeals.reply.body.placeholder"
	}
	if in.CategoryID != "" {
		c, err := s.st.category(ctx, in.CategoryID)
		if err != nil && !errorsIsNotFound(err) {
			return ReplyTemplate{}, err
		}
		if err != nil || c.TenantID != muni.ID {
			bad["category_id"] = "appeals.reply.category.unknown"
		}
	}
	if len(bad) > 0 {
		return ReplyTemplate{}, invalid("reply-template-invalid", bad)
	}
	t := ReplyTemplate{ID: db.NewID(), TenantID: muni.ID, CategoryID: in.CategoryID, Name: in.Name, Body: in.Body, CreatedAt: s.now()}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		var n int
		if err := s.db.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM appeals_reply_templates WHERE tenant_id = $1`, muni.ID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxReplyTemplates {
			return fault.New(ErrConflict, "reply-templates-full", "appeals.reply.full")
		}
		if _, err := s.db.Q(ctx).ExecContext(ctx, `INSERT INTO appeals_reply_templates (id, tenant_id, category_id, name, body, created_ms)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.TenantID, t.CategoryID, t.Name, t.Body, db.Millis(t.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, audit.Entry{Action: "appeals.reply_template.create", ObjectType: "appeal_reply_template", ObjectID: t.ID,
			TenantID: t.TenantID, Detail: map[string]any{"name": t.Name, "category_id": t.CategoryID}},
			"appeal.reply_template.created", map[string]string{"id": t.ID, "tenant_id": t.TenantID})
	})
	return t, wrap("create reply template", err)
}

// DeleteReplyTemplate removes a template of a municipality its caller
// administers.
func (s *Service) DeleteReplyTemplate(ctx context.Context, tenantID, id string) error {
	muni, err := s.replyAdmin(ctx, tenantID)
	if err != nil {
		return err
	}
	return wrap("delete reply template", s.db.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Q(ctx).ExecContext(ctx, `DELETE FROM appeals_reply_templates WHERE id = $1 AND tenant_id = $2`, id, muni.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return ErrNotFound
		}
		return s.record(ctx, audit.Entry{Action: "appeals.reply_template.delete", ObjectType: "appeal_reply_template", ObjectID: id,
			TenantID: muni.ID}, "appeal.reply_template.deleted", map[string]string{"id": id, "tenant_id": muni.ID})
	}))
}

// replyAdmin checks the actor administers the municipality.
func (s *Service) replyAdmin(ctx context.Context, tenantID string) (Municipality, error) {
	who, err := actor(ctx)
	if err != nil {
		return Municipality{}, err
	}
	muni, err := s.municipality(ctx, tenantID)
	if err != nil {
		return muni, err
	}
	if !who.Can(auth.RoleMunicipalAdmin, muni.Path) {
		return muni, ErrForbidden
	}
	return muni, nil
}

// unknownPlaceholder is the first {{…}} of body that is not a known
// placeholder, "" when there is none.
func unknownPlaceholder(body string) string {
	for _, m := range placeholderRe.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(Placeholders, m[1]) {
			return m[0]
		}
	}
	return ""
}

// Fill substitutes an item's values for the placeholders of a template
// body. Values go in as plain text (the page escapes them like any other
// text) and are never read as placeholders themselves, so an author who
// names themselves "{{date}}" gets their name, not a date.
func Fill(body string, a Appeal, loc *time.Location) string {
	vals := map[string]string{"number": a.ID, "date": a.ReceivedAt.In(loc).Format("02.01.2006"), "name": a.AuthorName}
	return placeholderRe.ReplaceAllStringFunc(body, func(m string) string {
		name := placeholderRe.FindStringSubmatch(m)[1]
		if v, ok := vals[name]; ok {
			return v
		}
		return m
	})
}

// errorsIsNotFound reports a missing row, however the store said it.
func errorsIsNotFound(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, fault.ErrNotFound)
}
