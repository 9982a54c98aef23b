package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
)

// onePagePDF writes a valid one-page PDF (A4, Helvetica) with the given lines of ASCII text,
// its cross-reference table computed from the objects' offsets; drawn at load time so the
// repository holds no binary file.
func onePagePDF(lines ...string) []byte {
	var text bytes.Buffer
	text.WriteString("BT /F1 14 Tf 72 770 Td 18 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&text, "(%s) Tj T*\n", l)
	}
	text.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", text.Len(), text.String()),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes()
}

// qualificationPDF is an organization's qualification summary, attached to its bids.
func qualificationPDF(org *app.Organization) []byte {
	return onePagePDF("Qualification summary", "Registration: "+org.RegistrationNumber,
		"Certified social workers, supervision and past contracts", "(Wushe demo document)")
}

// bidFiles attaches the organization's qualification PDF and a photo of its service point to
// a bid, through the use case (so the demo's files are checked and cleaned like uploads).
func bidFiles(ctx context.Context, a *app.App, bid *app.TenderBid, org *app.Organization) error {
	photo, err := stairwellPNG()
	if err != nil {
		return err
	}
	for _, f := range []app.EvidenceInput{{FileName: "机构资质.pdf", Data: qualificationPDF(org)}, {FileName: "服务站.png", Data: photo}} {
		if _, err := a.AddBidFile(ctx, bid.ID, f); err != nil {
			return fmt.Errorf("demo bid file %s: %w", f.FileName, err)
		}
	}
	return nil
}

// needPhoto attaches the drawn stairwell to a need, as its resident uploaded it.
func (l *loader) needPhoto(ctx context.Context, n *app.Need, by int64) error {
	data, err := stairwellPNG()
	if err != nil {
		return err
	}
	return l.st.CreateAttachment(ctx, &app.Attachment{OwnerType: app.AttachNeed, OwnerID: n.ID,
		StoredFile: app.NewStoredFile("楼道扶手.png", "image/png", data, by, n.CreatedAt)})
}

// openBid has the demo organization (org@wushe.local's) bid on the open tender two days ago,
// with its documents, so its member finds a bid to edit, withdraw or add files to.
func (l *loader) openBid(ctx context.Context, a *app.App, as func(*app.User) (context.Context, error), p *place, t *app.Tender, clock *time.Time) error {
	org := p.orgs[0]
	ws, _, err := l.st.FindSocialWorkers(ctx, app.SocialWorkerFilter{OrganizationID: &org.ID, Page: app.Page{Page: 1, PerPage: app.MaxPerPage}})
	if err != nil {
		return err
	}
	var team []int64
	for _, w := range ws {
		if w.CertificateNumber != "" && len(team) < 2 {
			team = append(team, w.ID)
		}
	}
	member, err := as(l.users["org@wushe.local"])
	if err != nil {
		return err
	}
	*clock = l.now.Add(-48 * time.Hour)
	bid, err := a.SubmitBid(member, t.ID, app.BidInput{OrganizationID: org.ID, Price: 17800000, Capacity: 1, Team: team,
		Plan: "协会中央厨房每日备餐,志愿者骑手分三条线路配送,11:30前送达;送餐时观察老人状况,异常当场报告网格员。"})
	if err != nil {
		return fmt.Errorf("demo open bid of %s (verified %v, %d certified): %w", org.Name, org.Verified, len(team), err)
	}
	return bidFiles(member, a, bid, org)
}
