package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestMigrationAttachments migrates to 00017 (the last version below 00019 on this branch),
// writes a need, migrates to 00019 and checks on the test dialect that the need keeps its
// row, that files of needs and bids are stored and listed per owner without their bytes,
// that the table refuses an unknown owner, a type other than the two images and PDF, and an
// empty file, that a record's files are removed together, and that the migration goes down
// and up again.
func TestMigrationAttachments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 17, "a@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	g := &app.Grid{CommunityID: c.ID, Name: "一网格", Level: "routine"}
	must(s.CreateGrid(ctx, g))
	now := time.Now()
	n := &app.Need{CommunityID: c.ID, GridID: g.ID, RequesterID: &u.ID, FiledByID: u.ID, Category: "elderly_care", Tier: "minor",
		Title: "楼道扶手松了", Privacy: "private", Status: app.NeedOpen, EscalationLevel: app.LevelGrid, DueAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now}
	// Written without the columns later migrations add (00020's sensitive flag).
	must(s.DB(ctx).Omit("Sensitive", "PrivatePurgedAt").Create(n).Error)

	must(s.MigrateTo(ctx, 19))
	got, err := s.FindNeed(ctx, n.ID)
	must(err)
	if got.Title != "楼道扶手松了" {
		t.Errorf("need after migration = %+v", got)
	}
	jpg := []byte("\xff\xd8\xff\xe0....")
	pdf := []byte("%PDF-1.4\n")
	add := func(owner string, id int64, ct string, data []byte) *app.Attachment {
		at := &app.Attachment{OwnerType: owner, OwnerID: id, StoredFile: app.NewStoredFile("f", ct, data, u.ID, now)}
		must(s.CreateAttachment(ctx, at))
		return at
	}
	first := add(app.AttachNeed, n.ID, "image/jpeg", jpg)
	add(app.AttachNeed, n.ID, "image/png", []byte("\x89PNG...."))
	add(app.AttachBid, n.ID, "application/pdf", pdf) // a bid with the same id: another owner
	cnt, err := s.CountAttachments(ctx, app.AttachNeed, n.ID)
	must(err)
	listed, err := s.FindAttachments(ctx, app.AttachNeed, []int64{n.ID})
	must(err)
	if cnt != 2 || len(listed[n.ID]) != 2 || listed[n.ID][0].Data != nil || listed[n.ID][0].ID != first.ID {
		t.Errorf("count %d, listed %+v", cnt, listed[n.ID])
	}
	one, err := s.FindAttachment(ctx, first.ID)
	must(err)
	if string(one.Data) != string(jpg) || one.ContentType != "image/jpeg" || one.OwnerType != app.AttachNeed {
		t.Errorf("attachment = %+v", one)
	}
	db := s.DB(ctx)
	for name, row := range map[string][]any{
		"unknown owner": {"project", "image/png", 4, []byte("abcd")},
		"html":          {"need", "text/html", 4, []byte("<b/>")},
		"webp kept":     {"need", "image/webp", 4, []byte("RIFF")},
		"empty":         {"need", "image/png", 0, []byte{}},
	} {
		if err := db.Exec(`INSERT INTO attachments (owner_type, owner_id, file_name, content_type, size, data, uploaded_by) VALUES (?, ?, 'x', ?, ?, ?, ?)`,
			row[0], n.ID, row[1], row[2], row[3], u.ID).Error; err == nil {
			t.Errorf("%s: stored", name)
		}
	}
	must(s.DeleteAttachmentsOf(ctx, app.AttachNeed, n.ID))
	if cnt, _ := s.CountAttachments(ctx, app.AttachNeed, n.ID); cnt != 0 {
		t.Errorf("%d need files after removing them all", cnt)
	}
	if cnt, _ := s.CountAttachments(ctx, app.AttachBid, n.ID); cnt != 1 {
		t.Errorf("the bid's file went with the need's: %d left", cnt)
	}
	if err := s.DeleteAttachment(ctx, first.ID); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("delete a removed file = %v", err)
	}

	must(s.MigrateDownTo(ctx, 17))
	if err := db.Exec(`SELECT 1 FROM attachments`).Error; err == nil {
		t.Error("attachments survived the down migration")
	}
	must(s.MigrateTo(ctx, 19))
	if _, err := s.FindNeed(ctx, n.ID); err != nil {
		t.Errorf("need lost after down and up: %v", err)
	}
	add(app.AttachBid, 1, "application/pdf", pdf)
}
