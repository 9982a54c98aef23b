package web

// Pledges (认捐), my gifts and receipts: handlers of the routes in pledges_routes.go.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// pledgeCreate takes the campaign page's pledge form (amount in yuan).
func (s *Server) pledgeCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	// The form's fields carry a prefix: the worker's offline form on the same page has its
	// own amount, method and anonymous fields, and ids must not repeat.
	in := app.PledgeInput{Method: c.FormValue("pledge_method"), Reference: c.FormValue("pledge_reference"),
		Note: c.FormValue("pledge_note"), Anonymous: c.FormValue("pledge_anonymous") == "true"}
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "pledge_amount", c.FormValue("pledge_amount"))
	err = fe.Err()
	var pl *app.Pledge
	if err == nil {
		pl, err = s.app.CreatePledge(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.ECONFLICT) {
			return s.after(c, "/campaigns/"+strconv.FormatInt(id, 10), err, "")
		}
		return s.campaignFormFailed(c, id, prefixFields(err, "pledge_"), &campaignPageData{Pledge: in, PledgeAmount: c.FormValue("pledge_amount")})
	}
	return s.done(c, "/me/gifts", "pledges.created", "code", pl.Code())
}

func (s *Server) apiPledgeCreate(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.CreatePledge)
}

// pledgeCancel is the donor's button on my gifts.
func (s *Server) pledgeCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.CancelPledge(c.Request().Context(), id)
	return s.after(c, "/me/gifts", err, "pledges.cancelled")
}

func (s *Server) apiPledgeCancel(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.CancelPledge)
}

// pledgeConfirm is a worker's button on the campaign page: received (with the receipt's
// number), or the second confirmation.
func (s *Server) pledgeConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.PledgeConfirmInput{ReceiptNo: c.FormValue("receipt_no")}
	fe := app.FieldErrors{}
	in.ReceivedOn = s.formTime(c, "received_on", fe)
	if v := c.FormValue("amount"); v != "" {
		in.Amount = parseYuan(fe, "amount", v)
	}
	err = fe.Err()
	var pl *app.Pledge
	if err == nil {
		pl, err = s.app.ConfirmPledge(c.Request().Context(), id, in)
	}
	to := s.pledgeBack(c, id)
	msg := "pledges.received"
	if pl != nil && pl.Status == app.PledgeConfirmed {
		msg = "pledges.confirmed"
	}
	return s.after(c, to, err, msg)
}

// pledgeBack is the campaign page a pledge's buttons are on.
func (s *Server) pledgeBack(c echo.Context, id int64) string {
	if pv, err := s.app.Pledge(c.Request().Context(), id); err == nil {
		return "/campaigns/" + strconv.FormatInt(pv.CampaignID, 10)
	}
	return "/me/gifts"
}

// apiPledgeConfirm takes the receipt's details as JSON; the second confirmation has nothing
// to say, so its body may be empty.
func (s *Server) apiPledgeConfirm(c echo.Context) error {
	if c.Request().ContentLength == 0 {
		return apiOn(c, http.StatusOK, func(ctx context.Context, id int64) (*app.Pledge, error) {
			return s.app.ConfirmPledge(ctx, id, app.PledgeConfirmInput{})
		})
	}
	return apiAct(c, http.StatusOK, s.app.ConfirmPledge)
}

// pledgeReject is a worker's button on the campaign page, with the reason.
func (s *Server) pledgeReject(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.RejectPledge(c.Request().Context(), id, app.PledgeRejectInput{Reason: c.FormValue("reason")})
	return s.after(c, s.pledgeBack(c, id), err, "pledges.rejected")
}

func (s *Server) apiPledgeReject(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.RejectPledge)
}

func (s *Server) apiPledge(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Pledge)
}

func (s *Server) myGiftsPage(c echo.Context) error {
	d, err := s.app.MyGifts(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "pledges.my_gifts"), "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "my_gifts", v)
}

func (s *Server) apiMyGifts(c echo.Context) error {
	d, err := s.app.MyGifts(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) receiptPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.app.GiftReceipt(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "pledges.receipt_title"), "")
	v.Data = r
	return s.renderPage(c, http.StatusOK, "receipt_show", v)
}

func (s *Server) apiReceipt(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.GiftReceipt)
}

// receiptVerifyData is the verify page: the code asked and what it found.
type receiptVerifyData struct {
	Code     string
	Receipt  *app.Receipt
	NotFound bool
}

// receiptVerifyPage checks a code for anyone; an unknown code shows the form with a clear
// "not found" (the JSON API answers 404).
func (s *Server) receiptVerifyPage(c echo.Context) error {
	d := &receiptVerifyData{Code: c.QueryParam("code")}
	if d.Code != "" {
		r, err := s.app.VerifyReceipt(c.Request().Context(), d.Code, c.RealIP())
		switch {
		case err == nil:
			d.Receipt = r
		case app.IsCode(err, app.ENOTFOUND):
			// 200 with the message: a browser logs a 404 document as a console error.
			d.NotFound = true
		default:
			return err
		}
	}
	v := s.newView(c, s.i18n.T(lang(c), "pledges.verify_title"), "funds")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "receipt_verify", v)
}

func (s *Server) apiReceiptVerify(c echo.Context) error {
	r, err := s.app.VerifyReceipt(c.Request().Context(), c.QueryParam("code"), c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// prefixFields names a use case's field errors as a form whose fields carry a prefix does.
func prefixFields(err error, prefix string) error {
	var ae *app.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err
	}
	out := *ae
	out.Fields = make(map[string]app.Message, len(ae.Fields))
	for k, m := range ae.Fields {
		if !strings.HasPrefix(k, prefix) {
			k = prefix + k
		}
		out.Fields[k] = m
	}
	return &out
}
