package app_test

import (
	"bytes"
	"context"
	"image"
	"image/gif"
	"image/png"
	"testing"

	"github.com/wushe/wushe/app"
)

func encodePNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 6))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fieldMsg(err error, field string) string {
	var ae *app.Error
	if e, ok := err.(*app.Error); ok {
		ae = e
	}
	if ae == nil {
		return ""
	}
	return ae.Fields[field].ID
}

// TestProjectPhotos: a proposer attaches images (by content, not name) to a draft and while
// deliberating, at most nine of at most 5 MB; drafts' photos are private; decided projects'
// photos are fixed; every refused upload writes nothing.
func TestProjectPhotos(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 2)
	owner := dw.as(t, "grid_resident_0")
	pngData := encodePNG(t)
	pr, err := dw.a.CreateProject(owner, app.ProjectInput{CommunityID: dw.w.A.Community.ID, Title: "3号楼加装楼道扶手", Description: "方便老人",
		Category: "elderly_care", Budget: 1800000, Photos: []app.EvidenceInput{{FileName: `C:\相册\楼道.png`, Data: pngData}}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := dw.a.Project(owner, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Photos) != 1 || v.Photos[0].FileName != "楼道.png" || v.Photos[0].ContentType != "image/png" || v.Photos[0].Data != nil || !v.CanAddPhoto {
		t.Fatalf("photos after create = %+v (can add %v)", v.Photos, v.CanAddPhoto)
	}

	// A bad photo on create refuses the whole project.
	_, err = dw.a.CreateProject(owner, app.ProjectInput{CommunityID: dw.w.A.Community.ID, Title: "t", Description: "d", Category: "elderly_care",
		Photos: []app.EvidenceInput{{FileName: "x.png", Data: []byte("not an image")}}})
	if fieldMsg(err, "photo") != "projects.error.photo_type" {
		t.Errorf("create with a text 'photo': %v", err)
	}

	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	big := append(append([]byte{}, pngData...), make([]byte, app.MaxProjectPhotoBytes)...)
	for _, c := range []struct {
		name string
		in   app.EvidenceInput
		msg  string
	}{
		{"text named .png", app.EvidenceInput{FileName: "a.png", Data: []byte("hello, world")}, "projects.error.photo_type"},
		{"gif", app.EvidenceInput{FileName: "a.gif", Data: gifBuf.Bytes()}, "projects.error.photo_type"},
		{"html", app.EvidenceInput{FileName: "a.jpg", Data: []byte("<html><script>alert(1)</script>")}, "projects.error.photo_type"},
		{"too large", app.EvidenceInput{FileName: "big.png", Data: big}, "projects.error.photo_too_large"},
		{"empty", app.EvidenceInput{FileName: "a.png"}, "error.required"},
	} {
		if _, err := dw.a.AddProjectPhoto(owner, pr.ID, c.in); fieldMsg(err, "photo") != c.msg {
			t.Errorf("%s: %v, want 422 %s on photo", c.name, err, c.msg)
		}
	}
	// Nine at most: eight more fit, the tenth is refused.
	for i := 0; i < 8; i++ {
		if _, err := dw.a.AddProjectPhoto(owner, pr.ID, app.EvidenceInput{FileName: "p.png", Data: pngData}); err != nil {
			t.Fatalf("photo %d: %v", i+2, err)
		}
	}
	if _, err := dw.a.AddProjectPhoto(owner, pr.ID, app.EvidenceInput{FileName: "p.png", Data: pngData}); fieldMsg(err, "photo") != "projects.error.too_many_photos" {
		t.Errorf("tenth photo: %v", err)
	}
	if v, _ = dw.a.Project(owner, pr.ID); len(v.Photos) != 9 || v.CanAddPhoto {
		t.Errorf("photos = %d (can add %v), want 9 and no more", len(v.Photos), v.CanAddPhoto)
	}
	if n := len(dw.events(t, pr.ID, "project.photo_added")); n != 9 {
		t.Errorf("%d photo_added events, want 9", n)
	}

	// A draft's photos: its proposer and editors only.
	first := v.Photos[0].ID
	for user, want := range map[string]string{"grid_resident_0": "ok", "community_worker": "ok", "grid_resident_1": "not_found", "anonymous": "not_found"} {
		ph, err := dw.a.ProjectPhotoFile(dw.as(t, user), first)
		if code(err) != want {
			t.Errorf("draft photo as %s: %s, want %s", user, code(err), want)
		}
		// The bytes as cleaned at upload: the same 8×6 picture, encoded again.
		if err == nil {
			if cfg, err := png.DecodeConfig(bytes.NewReader(ph.Data)); err != nil || cfg.Width != 8 || cfg.Height != 6 {
				t.Errorf("draft photo as %s: %d×%d (%v), want the 8×6 PNG", user, cfg.Width, cfg.Height, err)
			}
		}
	}
	if _, err := dw.a.AddProjectPhoto(dw.as(t, "grid_resident_1"), pr.ID, app.EvidenceInput{Data: pngData}); code(err) != "not_found" {
		t.Errorf("another resident adds to a draft: %s", code(err))
	}
	if err := dw.a.DeleteProjectPhoto(dw.as(t, "resident_b"), pr.ID, first); code(err) != "not_found" {
		t.Errorf("a resident of B deletes: %s", code(err))
	}

	// Submitted: anyone reads them; the proposer still removes one while deliberating.
	if _, err := dw.a.SubmitProject(owner, pr.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := dw.a.ProjectPhotoFile(context.Background(), first); err != nil {
		t.Errorf("anonymous reads a deliberating project's photo: %v", err)
	}
	if err := dw.a.DeleteProjectPhoto(dw.as(t, "grid_resident_1"), pr.ID, first); code(err) != "forbidden" {
		t.Errorf("another resident deletes: %s", code(err))
	}
	other := dw.submitted(t, "grid_resident_0")
	if err := dw.a.DeleteProjectPhoto(owner, other.ID, first); code(err) != "not_found" {
		t.Errorf("photo through another project: %s", code(err))
	}
	if err := dw.a.DeleteProjectPhoto(owner, pr.ID, first); err != nil {
		t.Fatal(err)
	}
	if _, err := dw.a.ProjectPhotoFile(owner, first); code(err) != "not_found" {
		t.Errorf("deleted photo: %s", code(err))
	}
	if n := len(dw.events(t, pr.ID, "project.photo_removed")); n != 1 {
		t.Errorf("%d photo_removed events, want 1", n)
	}

	// Decided: the photos are what was decided on.
	cur := dw.reload(t, pr.ID)
	cur.Status = app.ProjectApproved
	if err := dw.s.UpdateProject(context.Background(), cur); err != nil {
		t.Fatal(err)
	}
	if _, err := dw.a.AddProjectPhoto(owner, pr.ID, app.EvidenceInput{FileName: "p.png", Data: pngData}); code(err) != "conflict" {
		t.Errorf("add to an approved project: %s", code(err))
	}
	if err := dw.a.DeleteProjectPhoto(owner, pr.ID, v.Photos[1].ID); code(err) != "conflict" {
		t.Errorf("delete from an approved project: %s", code(err))
	}
	if v, _ = dw.a.Project(owner, pr.ID); len(v.Photos) != 8 || v.CanAddPhoto {
		t.Errorf("approved: %d photos (can add %v), want 8 fixed", len(v.Photos), v.CanAddPhoto)
	}
}

// TestWithdrawSupport: a resident takes back their own support while deliberating; the count
// follows; without a support it is 404, and once the vote is opened 409.
func TestWithdrawSupport(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 3)
	pr := dw.submitted(t, "grid_resident_0")
	fan := dw.as(t, "grid_resident_1")
	if _, err := dw.a.WithdrawSupport(fan, pr.ID); code(err) != "not_found" {
		t.Errorf("withdraw without a support: %s", code(err))
	}
	if _, err := dw.a.SupportProject(fan, pr.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := dw.a.Project(fan, pr.ID); !v.Supported || !v.CanWithdraw || v.CanSupport {
		t.Errorf("after support: supported %v can withdraw %v can support %v", v.Supported, v.CanWithdraw, v.CanSupport)
	}
	if _, err := dw.a.WithdrawSupport(dw.as(t, "resident_b"), pr.ID); code(err) != "forbidden" {
		t.Errorf("a resident of B withdraws: %s", code(err))
	}
	if _, err := dw.a.WithdrawSupport(context.Background(), pr.ID); code(err) != "unauthorized" {
		t.Errorf("anonymous withdraws: %s", code(err))
	}
	got, err := dw.a.WithdrawSupport(fan, pr.ID)
	if err != nil || got.SupportsCount != 0 || dw.reload(t, pr.ID).SupportsCount != 0 {
		t.Fatalf("withdraw: %v, count %d", err, dw.reload(t, pr.ID).SupportsCount)
	}
	if v, _ := dw.a.Project(fan, pr.ID); v.Supported || v.CanWithdraw || !v.CanSupport {
		t.Errorf("after withdrawal: supported %v can withdraw %v can support %v", v.Supported, v.CanWithdraw, v.CanSupport)
	}
	if _, err := dw.a.WithdrawSupport(fan, pr.ID); code(err) != "not_found" {
		t.Errorf("withdraw twice: %s", code(err))
	}
	if n := len(dw.events(t, pr.ID, "project.support_withdrawn")); n != 1 {
		t.Errorf("%d support_withdrawn events, want 1", n)
	}

	// Support again, reach a threshold of 2, open the vote: the supports are now fixed.
	cur := dw.reload(t, pr.ID)
	cur.SupportThreshold = 2
	if err := dw.s.UpdateProject(context.Background(), cur); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"grid_resident_1", "grid_resident_2"} {
		if _, err := dw.a.SupportProject(dw.as(t, u), pr.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dw.a.OpenVote(dw.as(t, "community_worker"), pr.ID, app.VoteOpening{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dw.a.WithdrawSupport(fan, pr.ID); code(err) != "conflict" {
		t.Errorf("withdraw in a vote: %s", code(err))
	}
	if n := dw.reload(t, pr.ID).SupportsCount; n != 2 {
		t.Errorf("supports after a refused withdrawal = %d, want 2", n)
	}
}
