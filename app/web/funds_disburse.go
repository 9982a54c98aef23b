package web

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) disbursementPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderDisbursement(c, id, http.StatusOK, s.newView(c, "", "funds"))
}

// renderDisbursement renders the disbursement page in v.
func (s *Server) renderDisbursement(c echo.Context, id int64, status int, v *View) error {
	d, err := s.app.Disbursement(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v.Title, v.Data = d.Purpose, d
	return s.renderPage(c, status, "disbursement_show", v)
}

// disbursementFormFailed shows the disbursement page again after one of its forms failed.
func (s *Server) disbursementFormFailed(c echo.Context, id int64, err error) error {
	return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
		return s.renderDisbursement(c, id, st, v)
	})
}

func (s *Server) disbursementCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DisbursementInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "amount", c.FormValue("amount"))
	if err == nil {
		err = fe.Err()
	}
	var d *app.Disbursement
	if err == nil {
		d, err = s.app.RequestDisbursement(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
			return s.renderFund(c, id, st, v, formMap(c, "campaign_id", "payee_organization_id", "amount", "purpose"))
		})
	}
	return s.done(c, "/disbursements/"+strconv.FormatInt(d.ID, 10), "funds.disbursement_requested")
}

func (s *Server) disbursementVote(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.VoteInput{Approve: c.FormValue("approve") == "true", Reason: c.FormValue("reason")}
	if _, err := s.app.VoteDisbursement(c.Request().Context(), id, in); err != nil {
		return s.disbursementFormFailed(c, id, err)
	}
	return s.done(c, "/disbursements/"+strconv.FormatInt(id, 10), "funds.voted")
}

// evidenceIn is an evidence file in JSON; Content is base64 in the JSON text.
type evidenceIn struct {
	FileName string `json:"file_name"`
	Content  []byte `json:"content"`
}

// readEvidence reads the uploaded file named "file", bounded to the evidence limit.
func readEvidence(c echo.Context) (app.EvidenceInput, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		fe := app.FieldErrors{}
		fe.Add("evidence", "error.required")
		return app.EvidenceInput{}, fe.Err()
	}
	f, err := fh.Open()
	if err != nil {
		return app.EvidenceInput{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxEvidenceBytes+1))
	if err != nil {
		return app.EvidenceInput{}, err
	}
	return app.EvidenceInput{FileName: fh.Filename, Data: data}, nil
}

func (s *Server) disbursementEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Without a file the use case still runs, so authorization is decided before validation.
	in, err := readEvidence(c)
	if err == nil || app.IsCode(err, app.EINVALID) {
		_, err = s.app.AddEvidence(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.disbursementFormFailed(c, id, err)
	}
	return s.done(c, "/disbursements/"+strconv.FormatInt(id, 10), "funds.evidence_added")
}

func (s *Server) disbursementPay(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.PayDisbursement(c.Request().Context(), id); err != nil {
		return s.disbursementFormFailed(c, id, err)
	}
	return s.done(c, "/disbursements/"+strconv.FormatInt(id, 10), "funds.paid_done")
}

func (s *Server) evidenceFile(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.app.Evidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="evidence-`+strconv.FormatInt(e.ID, 10)+`"`)
	return c.Blob(http.StatusOK, e.ContentType, e.Data)
}

func (s *Server) apiDisbursement(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Disbursement)
}

func (s *Server) apiDisbursementCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DisbursementInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.app.RequestDisbursement(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	v, err := s.app.Disbursement(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) apiDisbursementVote(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.VoteDisbursement)
}

func (s *Server) apiDisbursementEvidence(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var body evidenceIn
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	in := app.EvidenceInput{FileName: body.FileName, Data: body.Content}
	e, err := s.app.AddEvidence(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

func (s *Server) apiDisbursementPay(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.PayDisbursement)
}

func (s *Server) disbursementQueuePage(c echo.Context) error {
	q, err := s.app.DisbursementQueue(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "funds.queue"), "funds")
	v.Data = q
	return s.renderPage(c, http.StatusOK, "disbursement_queue", v)
}

// fundDisbursements lists all of a fund's disbursements, whatever their status.
func (s *Server) fundDisbursements(ctx context.Context, fundID int64) ([]*app.DisbursementView, error) {
	return s.app.Disbursements(ctx, fundID, nil)
}
