package web

// Routes of attachments (issue 12 item 7): a need's photos, a bid's edit, withdrawal and
// files, and the bytes of any attachment.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) attachmentRoutes() {
	e := s.e
	e.GET("/attachments/:id", s.attachmentFile)
	e.POST("/needs/:id/photos", s.needPhotoPost)
	e.POST("/needs/:id/photos/:photo_id/delete", s.needPhotoDeletePost)
	e.GET("/bids/:id/edit", s.bidEditPage)
	e.POST("/bids/:id", s.bidUpdate)
	e.POST("/bids/:id/withdraw", s.bidWithdrawPost)
	e.POST("/bids/:id/files", s.bidFilePost)
	e.POST("/bids/:id/files/:file_id/delete", s.bidFileDeletePost)

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/needs/:id/photos", Op: "listNeedPhotos", Tag: "needs",
		Summary: "A need's photos: to those who see its details (its resident, assignee and workers), and to anyone on a public need; otherwise an empty list",
		Resp:    needPhotosOut{}, H: s.apiNeedPhotos})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/needs/:id/photos", Op: "addNeedPhoto", Tag: "needs", Auth: true,
		Summary: "Add a photo to an open, in-progress or resolved need (its resident or assignee; 409 once closed or withdrawn): multipart field photo, or JSON {file_name, content (base64)}; JPEG, PNG or WebP by content, at most 5 MB, at most 9 per need (422 on field photo); stored at most 1600 px and without EXIF (location included)",
		Body:    photoIn{}, Resp: attachmentOut{}, Status: http.StatusCreated, H: s.apiNeedPhotoAdd})
	s.api(apiRoute{Method: http.MethodDelete, Path: "/api/v1/needs/:id/photos/:photo_id", Op: "deleteNeedPhoto", Tag: "needs", Auth: true,
		Summary: "Remove a photo of a need (its resident or assignee; 409 once closed or withdrawn)",
		Status:  http.StatusNoContent, H: s.apiNeedPhotoDelete})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/bids/:id", Op: "updateBid", Tag: "tenders", Auth: true,
		Summary: "Edit a bid before the tender's deadline (its organization's members; 409 after): the same fields as submitBid, organization_id is the bid's own; files are kept",
		Body:    app.BidInput{}, Resp: bidOut{}, H: s.apiBidUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/bids/:id/withdraw", Op: "withdrawBid", Tag: "tenders", Auth: true,
		Summary: "Withdraw a bid before the tender's deadline (its organization's members; 409 after): the bid and its files are removed, the organization may bid again",
		Resp:    withdrawnOut{}, H: s.apiBidWithdraw})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/bids/:id/files", Op: "addBidFile", Tag: "tenders", Auth: true,
		Summary: "Attach a photo or a PDF to a bid before the deadline (its organization's members; 409 after): multipart field file, or JSON {file_name, content (base64)}; JPEG, PNG or WebP up to 5 MB (stored at most 1600 px, without EXIF), PDF (by its %PDF- header) up to 10 MB, at most 10 per bid (422 on field file). Read by whoever sees the bid",
		Body:    photoIn{}, Resp: attachmentOut{}, Status: http.StatusCreated, H: s.apiBidFileAdd})
	s.api(apiRoute{Method: http.MethodDelete, Path: "/api/v1/bids/:id/files/:file_id", Op: "deleteBidFile", Tag: "tenders", Auth: true,
		Summary: "Remove a file of a bid before the deadline (its organization's members; 409 after)",
		Status:  http.StatusNoContent, H: s.apiBidFileDelete})
}
