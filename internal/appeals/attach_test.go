package appeals

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/muni-platform/muni/internal/platform/auth"
	"github.com/muni-platform/muni/internal/platform/fault"
)

var onePagePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func encoded(t *testing.T, enc func(io.Writer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t *testing.T) []byte { return encoded(t, png.Encode) }

func gifBytes(t *testing.T) []byte {
	return encoded(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
}

// inProgress is a complaint of r1 taken into work by op.
func (e *env) inProgress(op context.Context) Appeal {
	e.t.Helper()
	a := e.complaint(resident("r1"))
	must[Appeal](e.t)(e.svc.Register(op, a.ID))
	must[Appeal](e.t)(e.svc.Assign(op, a.ID, AssignInput{DepartmentID: depA1.ID}))
	return must[Appeal](e.t)(e.svc.Start(op, a.ID))
}

func TestAttachmentsTravelWithTheAnswer(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		a := e.inProgress(op)
		answer := func(files ...AttachmentUpload) error {
			_, err := e.svc.Attached(op, a.ID, files, func(ctx context.Context) (Appeal, error) {
				return e.svc.Answer(ctx, a.ID, "Мусор вывезен, акт во вложении.")
			})
			return err
		}
		six := make([]AttachmentUpload, 6)
		for i := range six {
			six[i] = AttachmentUpload{Name: fmt.Sprintf("%d.pdf", i), Data: onePagePDF}
		}
		before := e.counts()
		for name, c := range map[string]struct {
			files []AttachmentUpload
			key   string
		}{
			"a GIF":                 {[]AttachmentUpload{{Name: "a.png", Data: gifBytes(t)}}, "appeals.attachment.type"},
			"text named .pdf":       {[]AttachmentUpload{{Name: "act.pdf", Data: []byte("just some text, not a document")}}, "appeals.attachment.type"},
			"a PDF cut off":         {[]AttachmentUpload{{Name: "act.pdf", Data: onePagePDF[:40]}}, "appeals.attachment.broken"},
			"an empty file":         {[]AttachmentUpload{{Name: "act.pdf"}}, "appeals.attachment.empty"},
			"six files":             {six, "appeals.attachment.count"},
			"larger than the limit": {[]AttachmentUpload{{Name: "big.pdf", Data: append(append([]byte{}, onePagePDF...), make([]byte, DefaultPhotoMaxBytes)...)}}, "appeals.attachment.too_large"},
		} {
			err := answer(c.files...)
			if fe, ok := fault.As(err); !errors.Is(err, fault.ErrInvalid) || !ok || fe.Fields["files"] != c.key {
				t.Errorf("%s: %v, want %s", name, err, c.key)
			}
		}
		// Files with a step that is no answer: the step rolls back too.
		_, err := e.svc.Attached(op, a.ID, []AttachmentUpload{{Name: "a.pdf", Data: onePagePDF}}, func(ctx context.Context) (Appeal, error) {
			head := auth.From(official("head-a", auth.RoleDepartmentHead, muniA, ""))
			return e.svc.Extend(auth.With(ctx, head), a.ID, 5, "Нужен выезд.") // ctx: the transaction
		})
		if !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("files with an extension: %v", err)
		}
		if after := e.counts(); after["appeals_history"] != before["appeals_history"] || after["audit_log"] != before["audit_log"] {
			t.Fatalf("a refused answer wrote: %v -> %v", before, after)
		}
		if err := answer(AttachmentUpload{Name: `C:\Users\op\Акт "приёмки".PDF`, Data: onePagePDF},
			AttachmentUpload{Name: "фото.jpeg", Data: pngBytes(t)}); err != nil {
			t.Fatal(err)
		}
		list := must[[]Attachment](t)(e.svc.Attachments(resident("r1"), a.ID))
		if len(list) != 2 || list[0].Name != "Акт приёмки.pdf" || list[0].ContentType != TypePDF || list[1].Name != "фото.png" ||
			list[1].ContentType != TypePNG || list[0].Step != len(must[Appeal](t)(e.svc.Appeal(op, a.ID)).History) {
			t.Fatalf("attachments %+v", list)
		}
		_, data, err := e.svc.AttachmentFile(resident("r1"), a.ID, 1)
		if err != nil || !bytes.Equal(data, onePagePDF) {
			t.Fatalf("the author's download: %v", err)
		}
		if _, _, err := e.svc.AttachmentFile(op, a.ID, 2); err != nil {
			t.Fatalf("the official's download: %v", err)
		}
		for name, ctx := range map[string]context.Context{
			"another resident": resident("r2"), "another municipality": official("op-b", auth.RoleOperator, muniB, ""),
			"nobody": context.Background(),
		} {
			if _, _, err := e.svc.AttachmentFile(ctx, a.ID, 1); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s downloads: %v", name, err)
			}
		}
	})
}

func TestAnswerFormTakesFiles(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		op := official("op-a", auth.RoleOperator, muniA, "")
		a := e.inProgress(op)
		h := testServer(t, e.svc, map[string]*auth.Actor{"op": auth.From(op), "r1": auth.From(resident("r1")), "r2": auth.From(resident("r2"))})
		post := func(files map[string][]byte) *httptest.ResponseRecorder {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("answer", "Ответ с актом.")
			for name, data := range files {
				fw, _ := mw.CreateFormFile("files", name)
				_, _ = fw.Write(data)
			}
			_ = mw.Close()
			req := httptest.NewRequest("POST", "/appeals/"+a.ID+"/answer", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-Test-Actor", "op")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		if rec := post(map[string][]byte{"a.gif": gifBytes(t)}); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), `id="answer-files-error"`) {
			t.Fatalf("a GIF: %d %.300s", rec.Code, rec.Body.String())
		}
		if rec := post(map[string][]byte{"акт.pdf": onePagePDF}); rec.Code != http.StatusSeeOther {
			t.Fatalf("a PDF: %d %.300s", rec.Code, rec.Body.String())
		}
		for _, sc := range []scenario{
			{name: "the author sees the file", actor: "r1", method: "GET", path: "/appeals/" + a.ID, status: 200,
				want: []string{`href="/appeals/` + a.ID + `/attachments/1"`, "акт.pdf"}},
			{name: "another resident", actor: "r2", method: "GET", path: "/appeals/" + a.ID + "/attachments/1", status: 404},
			{name: "a visitor", method: "GET", path: "/appeals/" + a.ID + "/attachments/1", status: 404},
		} {
			sc.run(t, e, h)
		}
		req := httptest.NewRequest("GET", "/appeals/"+a.ID+"/attachments/1", nil)
		req.Header.Set("X-Test-Actor", "r1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != TypePDF || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") ||
			rec.Header().Get("Cache-Control") != "private, no-store" || !bytes.Equal(rec.Body.Bytes(), onePagePDF) {
			t.Fatalf("download: %d %v", rec.Code, rec.Header())
		}
	})
}
