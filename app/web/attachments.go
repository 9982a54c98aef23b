package web

// Uploaded files, whatever they are attached to (issue 12 item 7): reading them from a
// multipart form or JSON, and serving their bytes. Project photos (projects_photos.go), need
// photos (needs_photos.go) and bid files (tenders_bid_files.go) go through these.

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// attachmentOut is a stored file as a record's JSON lists it.
type attachmentOut struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

func toAttachmentOut(at *app.Attachment) attachmentOut {
	return attachmentOut{ID: at.ID, URL: at.URL(), FileName: at.FileName, ContentType: at.ContentType, Size: at.Size}
}

func toAttachmentsOut(ats []*app.Attachment) []attachmentOut {
	out := make([]attachmentOut, len(ats))
	for i, at := range ats {
		out[i] = toAttachmentOut(at)
	}
	return out
}

// isMultipart reports whether the request carries a multipart form.
func isMultipart(c echo.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return mt == echo.MIMEMultipartForm
}

// readFiles reads the files of a multipart field, each bounded to limit bytes (the use case's
// limit plus one, so it sees an oversize file as one).
func readFiles(c echo.Context, field string, limit int64) ([]app.EvidenceInput, error) {
	if !isMultipart(c) {
		return nil, nil
	}
	if err := c.Request().ParseMultipartForm(32 << 20); err != nil {
		return nil, newBadRequest("_body", "error.bad_form")
	}
	var out []app.EvidenceInput
	for _, fh := range c.Request().MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, limit))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, app.EvidenceInput{FileName: fh.Filename, Data: data})
	}
	return out, nil
}

// formFile reads the first file of a page's upload form; none (or a form that is not
// multipart) gives an empty input, which the use case refuses with 422 after authorization.
func formFile(c echo.Context, field string, limit int64) (app.EvidenceInput, error) {
	fs, err := readFiles(c, field, limit)
	if err != nil || len(fs) == 0 {
		return app.EvidenceInput{}, err
	}
	return fs[0], nil
}

// readOneFile reads the file of an upload: the multipart field, or photoIn in JSON. None is
// not an error here: the use case answers 422 after authorization.
func readOneFile(c echo.Context, field string, limit int64) (app.EvidenceInput, error) {
	if isMultipart(c) {
		return formFile(c, field, limit)
	}
	var body photoIn
	if err := bindJSON(c, &body); err != nil {
		return app.EvidenceInput{}, err
	}
	return app.EvidenceInput{FileName: body.FileName, Data: body.Content}, nil
}

// serveFile sends stored bytes as the type decided at upload, never sniffed again by the
// browser, under a name of our own (the uploaded one is shown as text only).
func serveFile(c echo.Context, name, contentType string, data []byte) error {
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	// Images show in the page; anything else (a bid's PDF) is downloaded, never rendered
	// in our origin, and sandboxed should a browser render it anyway.
	disposition := "inline"
	if !strings.HasPrefix(contentType, "image/") {
		disposition = "attachment"
		h.Set("Content-Security-Policy", "sandbox")
	}
	h.Set(echo.HeaderContentDisposition, disposition+`; filename="`+name+`"`)
	h.Set("Cache-Control", "private, max-age=300")
	return c.Blob(http.StatusOK, contentType, data)
}

// attachmentFile serves an attachment to whoever may see its need or bid (404 otherwise).
func (s *Server) attachmentFile(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	at, err := s.app.AttachmentFile(c.Request().Context(), id)
	if err != nil {
		return err
	}
	name := "attachment-" + strconv.FormatInt(at.ID, 10)
	if at.ContentType == "application/pdf" {
		name += ".pdf"
	}
	return serveFile(c, name, at.ContentType, at.Data)
}

// paramID reads a positive id from a path parameter; anything else is the kind's 404.
func paramID(c echo.Context, name, kind string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.NotFound(kind)
	}
	return id, nil
}
