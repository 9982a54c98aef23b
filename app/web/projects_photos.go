package web

// Handlers of a project's photos (issue 11, step 1) and of withdrawing a support (step 2).

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// photoOut is a photo as the project's JSON lists it.
type photoOut struct {
	ID       int64  `json:"id"`
	URL      string `json:"url"`
	FileName string `json:"file_name"`
}

func toPhotosOut(phs []*app.ProjectPhoto) []photoOut {
	out := make([]photoOut, len(phs))
	for i, ph := range phs {
		out[i] = photoOut{ID: ph.ID, URL: ph.URL(), FileName: ph.FileName}
	}
	return out
}

// photoIn is a photo in JSON; Content is base64 in the JSON text (as evidenceIn).
type photoIn struct {
	FileName string `json:"file_name"`
	Content  []byte `json:"content"`
}

// maxPhotoForm bounds a form carrying photos: nine of the largest and the form's text.
const maxPhotoForm = app.MaxProjectPhotos*app.MaxProjectPhotoBytes + 1<<20

// uploadBodyLimits are the routes that take files, with their own bounds on the request body:
// the server's default (1M) is below one photo or receipt. The handlers bound each file again.
var uploadBodyLimits = map[string]string{
	"POST /api/v1/projects/:id/photos":        "8M", // one photo, base64 in JSON or multipart
	"POST /projects/:id/photos":               "8M",
	"POST /projects":                          "48M", // the propose form, up to nine photos
	"POST /projects/:id":                      "48M", // the edit form
	"POST /disbursements/:id/evidence":        "8M",
	"POST /api/v1/disbursements/:id/evidence": "8M",
	// Spreadsheets: app.MaxImportBytes (20 MB) and the form around it.
	"POST /api/v1/imports": "21M",
	"POST /imports":        "21M",
	// A need's photo (5 MB); a bid's file, a PDF of up to 10 MB (base64 in JSON: 13.4 MB).
	"POST /api/v1/needs/:id/photos": "8M",
	"POST /needs/:id/photos":        "8M",
	"POST /api/v1/bids/:id/files":   "15M",
	"POST /bids/:id/files":          "15M",
}

// readPhotos reads the files of the multipart field "photo", each bounded to the photo limit
// plus one byte so the use case sees an oversize file as one.
func readPhotos(c echo.Context) ([]app.EvidenceInput, error) {
	return readFiles(c, "photo", app.MaxProjectPhotoBytes+1)
}

// readOnePhoto reads the photo of an upload: multipart field "photo", or photoIn in JSON.
func readOnePhoto(c echo.Context) (app.EvidenceInput, error) {
	return readOneFile(c, "photo", app.MaxProjectPhotoBytes+1)
}

func photoID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("photo_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.NotFound("project_photo")
	}
	return id, nil
}

// projectPhotoFile serves a photo's bytes as the type sniffed at upload, never sniffed again
// by the browser, under a name of our own.
func (s *Server) projectPhotoFile(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ph, err := s.app.ProjectPhotoFile(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return serveFile(c, "project-photo-"+strconv.FormatInt(ph.ID, 10), ph.ContentType, ph.Data)
}

func (s *Server) apiProjectPhotoAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := readOnePhoto(c)
	if err != nil {
		return err
	}
	ph, err := s.app.AddProjectPhoto(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, photoOut{ID: ph.ID, URL: ph.URL(), FileName: ph.FileName})
}

func (s *Server) apiProjectPhotoDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pid, err := photoID(c)
	if err != nil {
		return err
	}
	if err := s.app.DeleteProjectPhoto(c.Request().Context(), id, pid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiSupportWithdraw(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.WithdrawSupport(c.Request().Context(), id); err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusOK, id)
}

// projectPhotoPost is the project page's upload form.
func (s *Server) projectPhotoPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Without a file the use case still runs, so authorization is decided before validation.
	in, err := formFile(c, "photo", app.MaxProjectPhotoBytes+1)
	if err == nil {
		_, err = s.app.AddProjectPhoto(c.Request().Context(), id, in)
	}
	return s.after(c, projectURL(id)+"#photos", err, "projects.photo_added")
}

// projectPhotoDeletePost is a photo's remove button.
func (s *Server) projectPhotoDeletePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pid, err := photoID(c)
	if err != nil {
		return err
	}
	err = s.app.DeleteProjectPhoto(c.Request().Context(), id, pid)
	return s.after(c, projectURL(id)+"#photos", err, "projects.photo_removed")
}

// projectSupportWithdraw is the withdraw-support button.
func (s *Server) projectSupportWithdraw(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.WithdrawSupport(c.Request().Context(), id)
	return s.after(c, projectURL(id), err, "projects.support_withdrawn")
}

func (s *Server) projectPhotoRoutes() {
	e := s.e
	e.GET("/project-photos/:id", s.projectPhotoFile)
	e.POST("/projects/:id/photos", s.projectPhotoPost)
	e.POST("/projects/:id/photos/:photo_id/delete", s.projectPhotoDeletePost)
	e.POST("/projects/:id/support/withdraw", s.projectSupportWithdraw)

	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/photos", Op: "addProjectPhoto", Tag: "projects", Auth: true,
		Summary: "Add a photo to a draft or a project under deliberation (proposer or editors; 409 later): multipart field photo, or JSON {file_name, content (base64)}; JPEG, PNG or WebP by content, at most 5 MB, at most 9 per project (422 on field photo)",
		Body:    photoIn{}, Resp: photoOut{}, Status: http.StatusCreated, H: s.apiProjectPhotoAdd})
	s.api(apiRoute{Method: http.MethodDelete, Path: "/api/v1/projects/:id/photos/:photo_id", Op: "deleteProjectPhoto", Tag: "projects", Auth: true,
		Summary: "Remove a photo of a draft or a project under deliberation (proposer or editors; 409 later)",
		Status:  http.StatusNoContent, H: s.apiProjectPhotoDelete})
	s.api(apiRoute{Method: http.MethodDelete, Path: "/api/v1/projects/:id/supports", Op: "withdrawProjectSupport", Tag: "projects", Auth: true,
		Summary: "Withdraw your own support while the project is deliberating (404 without one; 409 once a vote is opened or deliberation is over)",
		Resp:    projectOut{}, H: s.apiSupportWithdraw})
}
