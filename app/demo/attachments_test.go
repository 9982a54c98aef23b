package demo_test

import (
	"bytes"
	"image"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestDemoAttachments: the demo shows a need with its resident's photo, and bids with a PDF
// and a photo: on the awarded tender (readable by anyone) and, on the open tender, the demo
// organization's own bid, which its member may still change and nobody else reads.
func TestDemoAttachments(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, s := demoApp(t, now, "demo password")
	resident := as(t, a, s, "resident@wushe.local")
	var photos []*app.Attachment
	if err := s.DB(t.Context()).Where("owner_type = ?", app.AttachNeed).Find(&photos).Error; err != nil || len(photos) == 0 {
		t.Fatalf("demo need photos: %d (%v)", len(photos), err)
	}
	ph, err := a.AttachmentFile(resident, photos[0].ID)
	if err != nil {
		t.Fatalf("the resident reads their need's photo: %v", err)
	}
	if _, _, err := image.DecodeConfig(bytes.NewReader(ph.Data)); err != nil {
		t.Errorf("the need photo is not an image: %v", err)
	}

	ts, _, err := a.Tenders(t.Context(), app.TenderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	member := as(t, a, s, "org@wushe.local")
	for _, tv := range ts {
		bv, err := a.TenderBids(t.Context(), tv.ID) // the public's view
		if err != nil {
			t.Fatal(err)
		}
		switch tv.Status {
		case app.TenderAwarded:
			if len(bv.Bids) == 0 || len(bv.Bids[0].Files)+len(bv.Bids[len(bv.Bids)-1].Files) == 0 {
				t.Errorf("no file on the awarded tender's bids")
			}
		case app.TenderPublished:
			if len(bv.Bids) != 0 {
				t.Errorf("the public sees %d sealed bids", len(bv.Bids))
			}
			own, err := a.TenderBids(member, tv.ID)
			if err != nil || len(own.Bids) != 1 {
				t.Fatalf("the demo organization's open bids: %v %v", own, err)
			}
			d, err := a.BidDetail(member, own.Bids[0].ID)
			if err != nil || !d.Open || len(d.Bid.Files) != 2 {
				t.Fatalf("the open bid's page: %+v %v", d, err)
			}
			types := d.Bid.Files[0].ContentType + " " + d.Bid.Files[1].ContentType
			if types != "application/pdf image/png" {
				t.Errorf("the open bid's files are %s", types)
			}
			if _, err := a.AttachmentFile(t.Context(), d.Bid.Files[0].ID); !app.IsCode(err, app.ENOTFOUND) {
				t.Errorf("the public reads a sealed bid's PDF: %v", err)
			}
		}
	}
}
