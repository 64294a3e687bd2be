package appeals

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/web"
)

// showPage is one item with its clocks, history and — for officials —
// the steps they may take.
type showPage struct {
	*form
	Appeal      Appeal
	Category    *Category
	Muni        Municipality
	Department  *Department
	Steps       []Action
	Departments []Department
	Reasons     []string
	Failed      Action // the step whose form holds errors
	Author      bool
	Sent        bool
	Now         int64 // epoch ms, for overdue marks
	Forms       []stepForm
	Confirm     bool // the author may confirm the fix now
	Staff       bool // an official over the item: comments and links show
	Comments    []Comment
	Assignees   []Person        // whom the assign form offers
	Replies     []ReplyTemplate // templates the text steps may start from
	ReplyAdmin  bool            // the actor manages the municipality's templates
	Attachments []Attachment    // files attached to its answers
	Linked      []Summary
	Answers     []AnswerView  // to the category's extra questions
	Triage      string        // why it waits for an official to pick its department; "" when not
	Info        []InfoRequest // requests for information to other bodies
}

// Overdue reports whether a running clock has passed.
func (p showPage) Overdue(d Deadline) bool { return d.Open() && d.At.UnixMilli() < p.Now }

// Level is how far a running clock has gone (50, 80, 100 per cent, or 0).
func (p showPage) Level(d Deadline) int { return d.Level(time.UnixMilli(p.Now)) }

// Can reports whether the page offers step act.
func (p showPage) Can(act string) bool {
	for _, s := range p.Steps {
		if string(s) == act {
			return true
		}
	}
	return false
}

func (h *handler) show(w http.ResponseWriter, r *http.Request) error {
	if !web.SignIn(w, r) {
		return nil
	}
	f, step := h.replyPrefill(r) // a reply template picked: its step's form filled in
	return h.showAppeal(w, r, http.StatusOK, f, step)
}

func (h *handler) showAppeal(w http.ResponseWriter, r *http.Request, status int, f *form, failed Action) error {
	ctx := r.Context()
	a, err := h.svc.Appeal(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.pageOf(ctx, a)
	if err != nil {
		return err
	}
	p.form, p.Failed, p.Sent = f, failed, r.URL.Query().Get("sent") == "1"
	p.Forms = p.stepForms(web.Lang(ctx))
	return h.render.Page(w, r, status, "appeals/show", p)
}

func (h *handler) pageOf(ctx context.Context, a Appeal) (showPage, error) {
	p := showPage{Appeal: a, Steps: h.svc.Steps(ctx, a), Reasons: NoAnswerReasons(), Now: h.svc.now().UnixMilli(),
		Author: isAuthor(auth.From(ctx), a), Confirm: h.svc.CanConfirm(ctx, a)}
	var err error
	if p.Muni, err = h.svc.municipality(ctx, a.TenantID); err != nil {
		return p, err
	}
	if a.CategoryID != "" {
		if c, err := h.svc.Category(ctx, a.CategoryID); err == nil {
			p.Category = &c
		}
	}
	if a.DepartmentID != "" {
		if d, err := h.svc.places.Department(ctx, a.DepartmentID); err == nil {
			p.Department = &d
		}
	}
	if err := h.extrasOf(ctx, &p); err != nil {
		return p, err
	}
	if p.Can(string(ActAssign)) || p.Can(string(ActRoute)) {
		if p.Departments, err = h.svc.places.Departments(ctx, a.TenantID); err != nil {
			return p, err
		}
		if p.Assignees, err = h.svc.Assignees(ctx, a.ID); err != nil {
			return p, err
		}
	}
	if p.Staff = canStaff(auth.From(ctx), a, auth.RoleOperator); p.Staff {
		if p.Comments, err = h.svc.Comments(ctx, a.ID); err != nil {
			return p, err
		}
		p.Linked, err = h.svc.Linked(ctx, a.ID)
	}
	if err != nil {
		return p, err
	}
	if err := h.replyChoices(ctx, &p); err != nil {
		return p, err
	}
	return p, h.attachmentList(ctx, &p)
}

// act runs one workflow step posted from the detail page.
func (h *handler) act(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	act := Action(r.PathValue("action"))
	files, cleanup, err := h.answerFiles(r, act)
	defer cleanup()
	if err != nil {
		return err
	}
	v := r.PostFormValue
	switch act {
	case ActRegister:
		_, err = h.svc.Register(ctx, id)
	case ActAssign:
		_, err = h.svc.Assign(ctx, id, AssignInput{DepartmentID: v("department_id"), AssigneeID: v("assignee_id")})
	case ActStart:
		_, err = h.svc.Start(ctx, id)
	case ActExtend:
		days, convErr := strconv.Atoi(v("days"))
		if convErr != nil {
			days = -1
		}
		_, err = h.svc.Extend(ctx, id, days, v("reason"))
	case ActAnswer:
		_, err = h.svc.Attached(ctx, id, files, func(ctx context.Context) (Appeal, error) { return h.svc.Answer(ctx, id, v("answer")) })
	case ActFix:
		_, err = h.svc.Attached(ctx, id, files, func(ctx context.Context) (Appeal, error) { return h.svc.Fix(ctx, id, v("answer")) })
	case ActCloseNotFixed:
		_, err = h.svc.Attached(ctx, id, files, func(ctx context.Context) (Appeal, error) {
			return h.svc.CloseNotFixed(ctx, id, v("answer"))
		})
	case ActRedirect:
		_, err = h.svc.Redirect(ctx, id, v("redirect_to"), v("answer"))
	case ActReturn:
		_, err = h.svc.Return(ctx, id, v("answer"))
	case ActNoAnswer:
		_, err = h.svc.NoAnswer(ctx, id, v("reason"), v("answer"))
	case ActReopen:
		_, err = h.svc.Reopen(ctx, id, v("reason"))
	case ActRoute:
		_, err = h.svc.Route(ctx, id, v("department_id"))
	case ActInfoRequest:
		_, err = h.svc.RequestInfo(ctx, id, v("body"), v("subject"))
	case ActInfoReceived:
		_, err = h.svc.ReceiveInfo(ctx, id, v("result"))
	case "comment":
		_, err = h.svc.AddComment(ctx, id, v("comment"))
	case "link":
		err = h.svc.Link(ctx, id, v("other_id"))
	case "confirm":
		rating, convErr := strconv.Atoi(v("rating"))
		if convErr != nil {
			rating = 0
		}
		_, err = h.svc.Confirm(ctx, id, rating)
	default:
		return ErrNotFound
	}
	if err != nil {
		f := newForm()
		for _, k := range []string{"department_id", "days", "reason", "answer", "redirect_to", "rating", "comment", "other_id", "body", "subject", "result"} {
			f.Values[k] = v(k)
		}
		status, err := f.fail(err)
		if err != nil {
			return err
		}
		return h.showAppeal(w, r, status, f, act)
	}
	http.Redirect(w, r, "/appeals/"+id, http.StatusSeeOther)
	return nil
}

// apiAppeal returns one item as JSON.
func (h *handler) apiAppeal(w http.ResponseWriter, r *http.Request) error {
	a, err := h.svc.Appeal(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}
