package web_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// multipartFile builds a multipart body with a file in the given field and any text fields.
func multipartFile(t *testing.T, field, name string, data []byte, fields map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

// sameImage reports whether two encoded images have the same size and the same pixels.
func sameImage(a, b []byte) bool {
	ia, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		return false
	}
	ib, _, err := image.Decode(bytes.NewReader(b))
	if err != nil || ia.Bounds() != ib.Bounds() {
		return false
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

// gpsMarker is text inside the test photo's GPS block, to look for in the stored bytes.
const gpsMarker = "31.2304N,121.4737E"

// cameraJPEG is a w×h JPEG as a phone writes it: an APP1 Exif block right after the start of
// the image, whose IFD0 holds the orientation (1 upright, 6 "turn 90° clockwise to show") and
// points at a GPS IFD (latitude reference "N") followed by gpsMarker.
func cameraJPEG(t *testing.T, w, h int, orientation uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 0x80, A: 0xff})
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	// TIFF, big-endian: header; IFD0 at 8 with two entries (Orientation; GPSInfo → 38); the
	// GPS IFD at 38 with one entry (GPSLatitudeRef, ASCII "N"); then the marker.
	tiff := new(bytes.Buffer)
	be := func(v any) { binary.Write(tiff, binary.BigEndian, v) }
	tiff.WriteString("MM")
	be(uint16(42))
	be(uint32(8))
	be(uint16(2))
	be([]uint16{0x0112, 3})
	be(uint32(1))
	be([]uint16{orientation, 0})
	be([]uint16{0x8825, 4})
	be([]uint32{1, 38})
	be(uint32(0))
	be(uint16(1))
	be([]uint16{0x0001, 2})
	be(uint32(2))
	tiff.Write([]byte{'N', 0, 0, 0})
	be(uint32(0))
	tiff.WriteString(gpsMarker)
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(enc.Bytes()[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	binary.Write(&out, binary.BigEndian, uint16(len(app1)+2))
	out.Write(app1)
	out.Write(enc.Bytes()[2:])
	if _, _, err := image.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Fatalf("camera JPEG does not decode: %v", err)
	}
	return out.Bytes()
}

// fieldError returns the message of a 422 answer's field, or "".
func fieldError(out map[string]any, field string) string {
	msg, _ := apiFields(out)[field].(string)
	return msg
}

func decodeMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return out
}

// TestNeedPhotos uploads a phone photo with a GPS location to a private need and checks what
// is stored (resized to 1600 px, no Exif block, no location), who may add and read it, and
// the 401, 403, 422 and 409 answers.
func TestNeedPhotos(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	base := fmt.Sprintf("/api/v1/needs/%d/photos", n.ID)
	photo := cameraJPEG(t, 2400, 1200, 1)
	if !bytes.Contains(photo, []byte("Exif")) || !bytes.Contains(photo, []byte(gpsMarker)) {
		t.Fatal("the test photo carries no location")
	}
	body, ct := multipartFile(t, "photo", "扶手.jpg", photo, nil)

	if st, _, b := h.send(http.MethodPost, base, "anonymous", ct, body); st != http.StatusUnauthorized {
		t.Errorf("anonymous upload = %d %s", st, b)
	}
	for _, u := range []string{"resident_b", "worker_b", "org_member"} {
		if st, _, b := h.send(http.MethodPost, base, u, ct, body); st != http.StatusForbidden {
			t.Errorf("upload by %s = %d %s, want 403", u, st, b)
		}
	}
	st, _, b := h.send(http.MethodPost, base, "resident", ct, body)
	if st != http.StatusCreated {
		t.Fatalf("upload = %d %s", st, b)
	}
	out := decodeMap(t, b)
	if out["content_type"] != "image/jpeg" || out["file_name"] != "扶手.jpg" || !strings.HasPrefix(out["url"].(string), "/attachments/") {
		t.Errorf("uploaded = %v", out)
	}

	// The stored bytes: smaller, the same shape, and nothing of the camera's metadata.
	atID := int64(out["id"].(float64))
	stored, err := h.store.FindAttachment(t.Context(), atID)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(stored.Data))
	if err != nil || format != "jpeg" || cfg.Width != app.MaxImageSide || cfg.Height != app.MaxImageSide/2 {
		t.Errorf("stored image = %s %d×%d (%v), want jpeg %d×%d", format, cfg.Width, cfg.Height, err, app.MaxImageSide, app.MaxImageSide/2)
	}
	if bytes.Contains(stored.Data, []byte("Exif")) || bytes.Contains(stored.Data, []byte(gpsMarker)) || bytes.Contains(stored.Data, []byte{0xff, 0xe1}) {
		t.Error("the stored photo still carries its Exif block or location")
	}
	if stored.Size != int64(len(stored.Data)) || stored.UploadedBy != h.world.Users["resident"].ID {
		t.Errorf("stored = size %d of %d bytes, by %d", stored.Size, len(stored.Data), stored.UploadedBy)
	}

	// Read: the need is private, so its photos are too.
	url := out["url"].(string)
	for u, want := range map[string]int{"resident": 200, "grid_worker": 200, "anonymous": 404, "resident_b": 404, "worker_b": 404} {
		if st, _, _ := h.browser(u).get(url); st != want {
			t.Errorf("%s reads the photo = %d, want %d", u, st, want)
		}
	}
	if st, got := h.api(http.MethodGet, base, "anonymous", nil); st != 200 || len(got["photos"].([]any)) != 0 || got["can_add"] != false {
		t.Errorf("anonymous lists = %d %v", st, got)
	}
	if st, got := h.api(http.MethodGet, base, "resident", nil); st != 200 || len(got["photos"].([]any)) != 1 || got["can_add"] != true {
		t.Errorf("resident lists = %d %v", st, got)
	}
	if st, page, _ := h.browser("resident").get(fmt.Sprintf("/needs/%d", n.ID)); st != 200 || !strings.Contains(page, url) || !strings.Contains(page, `action="/needs/`) {
		t.Errorf("need page = %d; photo or upload form missing", st)
	}
	if st, page, _ := h.browser("anonymous").get(fmt.Sprintf("/needs/%d", n.ID)); st != 200 || strings.Contains(page, url) {
		t.Errorf("anonymous need page = %d; shows the private photo: %v", st, strings.Contains(page, url))
	}

	// Refused input, each on field photo.
	for name, in := range map[string][]byte{
		"text":      []byte("just text, named like a picture"),
		"pdf":       []byte("%PDF-1.4\n"),
		"truncated": photo[:200],
	} {
		body, ct := multipartFile(t, "photo", "x.jpg", in, nil)
		st, _, b := h.send(http.MethodPost, base, "resident", ct, body)
		if st != http.StatusUnprocessableEntity || fieldError(decodeMap(t, b), "photo") == "" {
			t.Errorf("%s upload = %d %s, want 422 on photo", name, st, b)
		}
	}
	big := append(append([]byte{}, photo...), make([]byte, app.MaxProjectPhotoBytes)...)
	bigBody, bigCT := multipartFile(t, "photo", "big.jpg", big, nil)
	if st, _, b := h.send(http.MethodPost, base, "resident", bigCT, bigBody); st != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"photo"`) {
		t.Errorf("too large upload = %d %s, want 422 on photo", st, b)
	}

	// Removal by the resident; a closed need's photos are a record.
	if st, _ := h.api(http.MethodDelete, fmt.Sprintf("%s/%d", base, atID), "resident_b", nil); st != http.StatusForbidden {
		t.Errorf("B removes = %d", st)
	}
	if st, _ := h.api(http.MethodDelete, fmt.Sprintf("%s/%d", base, atID), "resident", nil); st != http.StatusNoContent {
		t.Errorf("remove = %d", st)
	}
	if st, _, _ := h.browser("resident").get(url); st != http.StatusNotFound {
		t.Errorf("removed photo = %d", st)
	}
	n.Status = app.NeedWithdrawn
	h.must(h.store.UpdateNeed(t.Context(), n))
	if st, _, b := h.send(http.MethodPost, base, "resident", ct, body); st != http.StatusConflict {
		t.Errorf("upload to a withdrawn need = %d %s", st, b)
	}
}

// TestNeedPhotosPublic: a public need's photos are read by anyone; the assignee adds them.
func TestNeedPhotosPublic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	n.Privacy = "public"
	gw := h.world.Users["grid_worker"].ID
	n.AssigneeID = &gw
	h.must(h.store.UpdateNeed(t.Context(), n))
	st, out := h.api(http.MethodPost, fmt.Sprintf("/api/v1/needs/%d/photos", n.ID), "grid_worker", map[string]any{"file_name": "修好了.jpg", "content": cameraJPEG(t, 300, 200, 6)})
	if st != http.StatusCreated {
		t.Fatalf("assignee upload = %d %v", st, out)
	}
	// Taken in portrait: stored sideways with orientation 6, kept upright without the flag.
	stored, err := h.store.FindAttachment(t.Context(), int64(out["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(stored.Data)); err != nil || cfg.Width != 200 || cfg.Height != 300 {
		t.Errorf("portrait photo stored as %d×%d (%v), want 200×300", cfg.Width, cfg.Height, err)
	}
	if st, _ := h.api(http.MethodPost, fmt.Sprintf("/api/v1/needs/%d/photos", n.ID), "community_worker", map[string]any{"file_name": "x.jpg", "content": cameraJPEG(t, 30, 20, 1)}); st != http.StatusForbidden {
		t.Errorf("a worker not assigned uploads = %d, want 403", st)
	}
	if st, _, _ := h.browser("anonymous").get(out["url"].(string)); st != http.StatusOK {
		t.Errorf("anonymous reads a public need's photo = %d", st)
	}
	st, body, _ := h.browser("anonymous").get(fmt.Sprintf("/needs/%d", n.ID))
	if st != http.StatusOK || !strings.Contains(body, out["url"].(string)) {
		t.Errorf("public need page = %d, photo shown: %v", st, strings.Contains(body, out["url"].(string)))
	}
}

// TestBidEditWithdrawFiles: an organization edits its bid, attaches a PDF and a photo, and
// withdraws it before the deadline; nobody else may, rivals and the office do not see its
// files while bids are sealed, and after the deadline every change is a 409.
func TestBidEditWithdrawFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	o, team := h.memberOrg()
	tn := h.tender(a, "published")
	st, out := h.api(http.MethodPost, fmt.Sprintf("/api/v1/tenders/%d/bids", tn.ID), "org_member",
		map[string]any{"organization_id": o.ID, "price": 15000000, "plan": "每周上门两次", "team": team, "capacity": 1})
	if st != http.StatusCreated {
		t.Fatalf("bid = %d %v", st, out)
	}
	bid := fmt.Sprintf("/api/v1/bids/%v", out["id"])
	edit := map[string]any{"price": 14000000, "plan": "每周上门三次", "team": team, "capacity": 2, "organization_id": 999999}

	if st, _ := h.api(http.MethodPut, bid, "anonymous", edit); st != http.StatusUnauthorized {
		t.Errorf("anonymous edit = %d", st)
	}
	for _, u := range []string{"worker_b", "resident", "admin"} {
		if st, _ := h.api(http.MethodPut, bid, u, edit); st != http.StatusForbidden {
			t.Errorf("edit by %s = %d, want 403", u, st)
		}
	}
	st, out = h.api(http.MethodPut, bid, "org_member", edit)
	if st != http.StatusOK || out["price"] != float64(14000000) || out["plan"] != "每周上门三次" || out["organization_id"] != float64(o.ID) {
		t.Fatalf("edit = %d %v", st, out)
	}
	if st, out := h.api(http.MethodPut, bid, "org_member", map[string]any{"price": 0, "plan": "", "team": team}); st != http.StatusUnprocessableEntity || fieldError(out, "price") == "" {
		t.Errorf("empty edit = %d %v", st, out)
	}

	// Files: a PDF by its header, a photo; a fake PDF and a too large one refused on field file.
	pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	body, ct := multipartFile(t, "file", "资质证书.pdf", pdf, nil)
	if st, _, b := h.send(http.MethodPost, bid+"/files", "anonymous", ct, body); st != http.StatusUnauthorized {
		t.Errorf("anonymous file = %d %s", st, b)
	}
	if st, _, b := h.send(http.MethodPost, bid+"/files", "worker_b", ct, body); st != http.StatusForbidden {
		t.Errorf("other org's file = %d %s", st, b)
	}
	st, _, b := h.send(http.MethodPost, bid+"/files", "org_member", ct, body)
	if st != http.StatusCreated {
		t.Fatalf("PDF = %d %s", st, b)
	}
	pdfOut := decodeMap(t, b)
	if pdfOut["content_type"] != "application/pdf" || pdfOut["size"] != float64(len(pdf)) {
		t.Errorf("PDF = %v", pdfOut)
	}
	if st, out := h.api(http.MethodPost, bid+"/files", "org_member", map[string]any{"file_name": "团队.jpg", "content": cameraJPEG(t, 2000, 3000, 1)}); st != http.StatusCreated || out["content_type"] != "image/jpeg" {
		t.Errorf("photo = %d %v", st, out)
	}
	for name, in := range map[string][]byte{
		"fake pdf": []byte("PDF-1.4 but not at the start %PDF-"),
		"html":     []byte("<html><body>%PDF-</body></html>"),
		"too big":  append(append([]byte{}, pdf...), make([]byte, app.MaxPDFBytes)...),
	} {
		body, ct := multipartFile(t, "file", "x.pdf", in, nil)
		st, _, b := h.send(http.MethodPost, bid+"/files", "org_member", ct, body)
		if st != http.StatusUnprocessableEntity || fieldError(decodeMap(t, b), "file") == "" {
			t.Errorf("%s = %d %s, want 422 on file", name, st, b)
		}
	}

	// Sealed: the organization reads its files; the office, evaluators and others do not.
	pdfURL := pdfOut["url"].(string)
	for u, want := range map[string]int{"org_member": 200, "admin": 404, "community_worker": 404, "anonymous": 404, "worker_b": 404} {
		if st, _, _ := h.browser(u).get(pdfURL); st != want {
			t.Errorf("%s reads the sealed bid's PDF = %d, want %d", u, st, want)
		}
	}
	// A PDF is downloaded and sandboxed, never rendered in the site's origin.
	org := h.browser("org_member")
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+pdfURL, nil)
	resp, err := org.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hdr := resp.Header; resp.StatusCode != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment;") ||
		hdr.Get("Content-Security-Policy") != "sandbox" || hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("PDF served = %d %v", resp.StatusCode, hdr)
	}
	page := strings.TrimPrefix(bid, "/api/v1")
	st, html, _ := h.browser("org_member").get(page + "/edit")
	if st != http.StatusOK || !strings.Contains(html, `value="140,000.00"`) && !strings.Contains(html, `value="140000.00"`) ||
		!strings.Contains(html, `action="`+page+`/withdraw"`) || !strings.Contains(html, "资质证书.pdf") || !strings.Contains(html, `action="`+page+`"`) {
		t.Errorf("edit page = %d; prefilled price, withdraw, file, form action missing", st)
	}

	// Past the deadline: the evaluators read the files; nothing changes any more.
	h.clock.Advance(8 * 24 * time.Hour)
	defer h.clock.Set(fixedNow)
	if st, _, _ := h.browser("community_worker").get(pdfURL); st != http.StatusOK {
		t.Errorf("evaluator reads the PDF after the deadline = %d", st)
	}
	if st, _ := h.api(http.MethodPut, bid, "org_member", edit); st != http.StatusConflict {
		t.Errorf("edit after the deadline = %d, want 409", st)
	}
	if st, _ := h.api(http.MethodPost, bid+"/withdraw", "org_member", nil); st != http.StatusConflict {
		t.Errorf("withdraw after the deadline = %d, want 409", st)
	}
	if st, _, _ := h.send(http.MethodPost, bid+"/files", "org_member", ct, body); st != http.StatusConflict {
		t.Errorf("file after the deadline = %d, want 409", st)
	}
	if st, _ := h.api(http.MethodDelete, fmt.Sprintf("%s/files/%v", bid, pdfOut["id"]), "org_member", nil); st != http.StatusConflict {
		t.Errorf("remove a file after the deadline = %d, want 409", st)
	}
	h.clock.Set(fixedNow)

	// Withdrawn before the deadline: the bid and its files are gone; the organization may bid again.
	if st, _ := h.api(http.MethodPost, bid+"/withdraw", "worker_b", nil); st != http.StatusForbidden {
		t.Errorf("withdraw by another = %d", st)
	}
	if st, out := h.api(http.MethodPost, bid+"/withdraw", "org_member", nil); st != http.StatusOK || out["withdrawn"] != true {
		t.Fatalf("withdraw = %d %v", st, out)
	}
	if st, out := h.api(http.MethodGet, fmt.Sprintf("/api/v1/tenders/%d/bids", tn.ID), "org_member", nil); st != 200 || out["total"] != float64(0) {
		t.Errorf("bids after withdrawal = %d %v", st, out)
	}
	if _, err := h.store.FindAttachment(t.Context(), int64(pdfOut["id"].(float64))); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("the withdrawn bid's PDF = %v, want gone", err)
	}
	if st, _ := h.api(http.MethodPost, bid+"/withdraw", "org_member", nil); st != http.StatusNotFound {
		t.Errorf("withdraw twice = %d", st)
	}
	if st, out := h.api(http.MethodPost, fmt.Sprintf("/api/v1/tenders/%d/bids", tn.ID), "org_member",
		map[string]any{"organization_id": o.ID, "price": 15000000, "plan": "重新投标", "team": team}); st != http.StatusCreated {
		t.Errorf("bid again = %d %v", st, out)
	}
}

// TestBidPages edits and withdraws a bid through its pages: the form says it replaces the
// bid, saving keeps the bid's id, a bad price shows the form again with 422 on the field,
// the withdraw button removes it, and the tender page links the open bid to its edit page.
func TestBidPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	o, team := h.memberOrg()
	tn := h.tender(h.sides()[0], "published")
	st, out := h.api(http.MethodPost, fmt.Sprintf("/api/v1/tenders/%d/bids", tn.ID), "org_member",
		map[string]any{"organization_id": o.ID, "price": 15000000, "plan": "每周上门两次", "team": team})
	if st != http.StatusCreated {
		t.Fatalf("bid = %d %v", st, out)
	}
	page := fmt.Sprintf("/bids/%v", out["id"])
	b := h.browser("org_member")
	if st, html, _ := b.get(fmt.Sprintf("/tenders/%d", tn.ID)); st != 200 || !strings.Contains(html, `href="`+page+`/edit"`) {
		t.Errorf("tender page = %d; no link to the bid's edit page", st)
	}
	if st, html, _ := b.get(fmt.Sprintf("/tenders/%d/bid", tn.ID)); st != 200 || !strings.Contains(html, `action="`+page+`"`) || !strings.Contains(html, "保存后将以新的报价") {
		t.Errorf("bid page of an organization that bid = %d; not the edit form", st)
	}
	form := url.Values{"price": {"abc"}, "plan": {"每周上门三次"}, "team": {fmt.Sprint(team[0])}, "capacity": {"1"}}
	if st, html, _ := b.post(page, form); st != http.StatusUnprocessableEntity || !strings.Contains(html, `id="f-price"`) {
		t.Errorf("bad price = %d", st)
	}
	form.Set("price", "140000")
	if st, _, loc := b.post(page, form); st != http.StatusSeeOther || loc != fmt.Sprintf("/tenders/%d", tn.ID) {
		t.Errorf("save = %d → %s", st, loc)
	}
	bv, err := h.app.TenderBids(h.world.As(t, h.app, "org_member"), tn.ID)
	if err != nil || len(bv.Bids) != 1 || bv.Bids[0].Price != 14000000 || fmt.Sprintf("/bids/%d", bv.Bids[0].ID) != page {
		t.Fatalf("edited bid = %v %v", bv, err)
	}
	if st, _, _ := h.browser("worker_b").post(page+"/withdraw", nil); st != http.StatusForbidden {
		t.Errorf("another withdraws = %d", st)
	}
	if st, _, loc := b.post(page+"/withdraw", nil); st != http.StatusSeeOther || loc != fmt.Sprintf("/tenders/%d", tn.ID) {
		t.Errorf("withdraw = %d → %s", st, loc)
	}
	if bv, _ := h.app.TenderBids(h.world.As(t, h.app, "org_member"), tn.ID); len(bv.Bids) != 0 {
		t.Errorf("%d bids after withdrawal", len(bv.Bids))
	}
}
