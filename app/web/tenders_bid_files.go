package web

// Handlers of a bid after it is filed (issue 12 item 7): edit, withdraw, photos and PDFs.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func bidURL(id int64, suffix string) string { return "/bids/" + strconv.FormatInt(id, 10) + suffix }

// bidResponse answers a bid as the caller now sees it in its tender.
func (s *Server) bidResponse(c echo.Context, status int, tenderID, bidID int64) error {
	bv, err := s.app.TenderBids(c.Request().Context(), tenderID)
	if err != nil {
		return err
	}
	for _, x := range bv.Bids {
		if x.ID == bidID {
			return c.JSON(status, toBidOut(bv.Tender.Tender, x))
		}
	}
	return app.NotFound("bid")
}

func (s *Server) apiBidUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.BidInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	b, err := s.app.UpdateBid(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return s.bidResponse(c, http.StatusOK, b.TenderID, b.ID)
}

// withdrawnOut answers a withdrawn bid: it is gone, the organization may bid again.
type withdrawnOut struct {
	ID        int64 `json:"id"`
	TenderID  int64 `json:"tender_id"`
	Withdrawn bool  `json:"withdrawn"`
}

func (s *Server) apiBidWithdraw(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := s.app.WithdrawBid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, withdrawnOut{ID: b.ID, TenderID: b.TenderID, Withdrawn: true})
}

func readBidFile(c echo.Context) (app.EvidenceInput, error) {
	return readOneFile(c, "file", app.MaxPDFBytes+1)
}

func (s *Server) apiBidFileAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := readBidFile(c)
	if err != nil {
		return err
	}
	at, err := s.app.AddBidFile(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAttachmentOut(at))
}

func (s *Server) apiBidFileDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fid, err := paramID(c, "file_id", "attachment")
	if err != nil {
		return err
	}
	if err := s.app.DeleteBidFile(c.Request().Context(), id, fid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// bidEditPage is the bid form prefilled with the bid, its files and the withdraw button.
func (s *Server) bidEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	d, err := s.app.BidDetail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := &bidFormData{Form: app.BidInput{OrganizationID: d.Bid.OrganizationID}}
	return s.bidForm(c, http.StatusOK, d.Tender.ID, f, s.newView(c, s.i18n.T(lang(c), "attachments.edit_bid"), "tenders"))
}

// bidUpdate is the edit form's submit.
func (s *Server) bidUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := readBidForm(c)
	var b *app.TenderBid
	if err == nil {
		b, err = s.app.UpdateBid(c.Request().Context(), id, d.Form)
	}
	if err != nil {
		if !app.IsCode(err, app.EINVALID) {
			return err // not the principal's bid (403, 404), or past the deadline (409)
		}
		bd, derr := s.app.BidDetail(c.Request().Context(), id)
		if derr != nil {
			return derr
		}
		d.Form.OrganizationID = bd.Bid.OrganizationID
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "attachments.edit_bid"), "tenders"), func(st int, v *View) error {
			return s.bidForm(c, st, bd.Tender.ID, d, v)
		})
	}
	return s.done(c, tenderURL(b.TenderID, ""), "attachments.bid_updated")
}

// bidWithdrawPost is the withdraw button (confirmed in the page before it is shown).
func (s *Server) bidWithdrawPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := s.app.WithdrawBid(c.Request().Context(), id)
	if err != nil {
		return s.after(c, bidURL(id, "/edit"), err, "")
	}
	return s.done(c, tenderURL(b.TenderID, ""), "attachments.bid_withdrawn")
}

// bidFilePost is the edit page's upload form.
func (s *Server) bidFilePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := formFile(c, "file", app.MaxPDFBytes+1)
	if err == nil {
		_, err = s.app.AddBidFile(c.Request().Context(), id, in)
	}
	return s.after(c, bidURL(id, "/edit#files"), err, "attachments.file_added")
}

// bidFileDeletePost is a file's remove button.
func (s *Server) bidFileDeletePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fid, err := paramID(c, "file_id", "attachment")
	if err == nil {
		err = s.app.DeleteBidFile(c.Request().Context(), id, fid)
	}
	return s.after(c, bidURL(id, "/edit#files"), err, "attachments.file_removed")
}
