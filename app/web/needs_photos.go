package web

// Handlers of a need's photos (issue 12 item 7).

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// needPhotosOut is a need's photos as the caller may see them.
type needPhotosOut struct {
	Photos    []attachmentOut `json:"photos"`
	CanAdd    bool            `json:"can_add"`
	CanRemove bool            `json:"can_remove"`
}

func needURL(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }

func readNeedPhoto(c echo.Context) (app.EvidenceInput, error) {
	return readOneFile(c, "photo", app.MaxProjectPhotoBytes+1)
}

func (s *Server) apiNeedPhotos(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ph, err := s.app.NeedPhotoList(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, needPhotosOut{Photos: toAttachmentsOut(ph.Photos), CanAdd: ph.CanAdd, CanRemove: ph.CanRemove})
}

func (s *Server) apiNeedPhotoAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := readNeedPhoto(c)
	if err != nil {
		return err
	}
	at, err := s.app.AddNeedPhoto(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAttachmentOut(at))
}

func (s *Server) apiNeedPhotoDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pid, err := paramID(c, "photo_id", "attachment")
	if err != nil {
		return err
	}
	if err := s.app.DeleteNeedPhoto(c.Request().Context(), id, pid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// needPhotoPost is the need page's upload form.
func (s *Server) needPhotoPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Without a file the use case still runs, so authorization is decided before validation.
	in, err := formFile(c, "photo", app.MaxProjectPhotoBytes+1)
	if err == nil {
		_, err = s.app.AddNeedPhoto(c.Request().Context(), id, in)
	}
	return s.after(c, needURL(id)+"#photos", err, "attachments.photo_added")
}

// needPhotoDeletePost is a photo's remove button.
func (s *Server) needPhotoDeletePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pid, err := paramID(c, "photo_id", "attachment")
	if err == nil {
		err = s.app.DeleteNeedPhoto(c.Request().Context(), id, pid)
	}
	return s.after(c, needURL(id)+"#photos", err, "attachments.photo_removed")
}
