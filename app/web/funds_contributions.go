package web

// Contributions: offline gifts recorded and confirmed, card payments through the provider and
// its webhook, and refunds.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds/stripepay"
)

func (s *Server) offlineCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.OfflineInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "offline_amount", c.FormValue("offline_amount"))
	if t := s.formTime(c, "received_on", fe); t != nil {
		in.ReceivedOn = *t
	} else if c.FormValue("received_on") == "" {
		in.ReceivedOn = s.app.Now()
	}
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		_, err = s.app.RecordOffline(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.campaignFormFailed(c, id, err, &campaignPageData{Offline: in, OfflineAmount: c.FormValue("offline_amount")})
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(id, 10), "funds.offline_recorded")
}

func (s *Server) apiOffline(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.RecordOffline)
}

func (s *Server) offlineConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ct, err := s.app.ConfirmOffline(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(ct.CampaignID, 10), "funds.offline_confirmed")
}

func (s *Server) apiConfirm(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.ConfirmOffline)
}

func (s *Server) contributionRefund(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.RefundInput{Reason: c.FormValue("reason")}
	fe := app.FieldErrors{}
	if v := c.FormValue("amount"); v != "" {
		in.Amount = parseYuan(fe, "amount", v)
	}
	err = fe.Err()
	var ct *app.Contribution
	if err == nil {
		ct, err = s.app.RefundContribution(c.Request().Context(), id, in)
	}
	if app.IsCode(err, app.EINVALID) {
		// Back to the campaign page the form is on, with the errors.
		if camp, cerr := s.app.CampaignOfContribution(c.Request().Context(), id); cerr == nil {
			return s.campaignFormFailed(c, camp, err, &campaignPageData{})
		}
	}
	if err != nil {
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(ct.CampaignID, 10), "funds.refunded")
}

func (s *Server) apiRefund(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.RefundContribution)
}

// donate starts a card payment and sends the donor to the provider's page.
func (s *Server) donate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	in := app.DonateInput{Anonymous: c.FormValue("anonymous") == "true"}
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "amount", c.FormValue("amount"))
	err = fe.Err()
	var ct *app.Contribution
	if err == nil {
		ct, err = s.app.StartCheckout(c.Request().Context(), id, in, s.checkoutURLs(c, id))
	}
	if err != nil {
		return s.campaignFormFailed(c, id, err, &campaignPageData{Amount: c.FormValue("amount")})
	}
	return c.Redirect(http.StatusSeeOther, ct.CheckoutURL)
}

func (s *Server) apiCheckout(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DonateInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ct, err := s.app.StartCheckout(c.Request().Context(), id, in, s.checkoutURLs(c, id))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ct)
}

func (s *Server) checkoutURLs(c echo.Context, id int64) app.CheckoutURLs {
	base := c.Scheme() + "://" + c.Request().Host
	path := "/campaigns/" + strconv.FormatInt(id, 10)
	return app.CheckoutURLs{Success: base + path + "?thanks={CHECKOUT_SESSION_ID}", Cancel: base + path, Locale: paymentLocale(c)}
}

// stripeWebhook verifies and applies one Stripe event: the body is read raw and
// size-limited, the signature checked on those bytes, and the event id stored with its effect.
func (s *Server) stripeWebhook(c echo.Context) error {
	body, err := stripepay.ReadWebhookBody(c.Request().Body, stripepay.MaxWebhookBytes)
	if err != nil {
		return c.JSON(http.StatusRequestEntityTooLarge, map[string]any{"error": map[string]string{"code": "too_large", "message": err.Error()}})
	}
	ev, err := s.app.ParseWebhook(body, c.Request().Header.Get("Stripe-Signature"))
	if err != nil {
		if ok, skipped := s.webhookRejects.allow(time.Now(), 10*time.Second); ok {
			s.log.Warn("stripe webhook rejected", "err", err, "also_rejected_since_last_log", skipped)
		}
		return c.JSON(http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid", "message": err.Error()}})
	}
	outcome, err := s.app.ApplyPaymentEvent(c.Request().Context(), "stripe", ev)
	if err != nil {
		return err // 5xx: Stripe retries later
	}
	return c.JSON(http.StatusOK, map[string]string{"event": ev.ID, "outcome": outcome})
}
