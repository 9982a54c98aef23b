package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// multipartPhoto builds a multipart body with a file in field "photo" and any text fields.
func multipartPhoto(t *testing.T, name string, data []byte, fields map[string]string) (string, string) {
	return multipartFile(t, "photo", name, data, fields)
}

// send makes a request with a bearer token and returns the status, headers and body.
func (h *harness) send(method, path, user, contentType, body string) (int, http.Header, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := h.token(user); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// TestProjectPhotosAPI drives photos through the API and the file route: multipart and JSON
// uploads, the 422 on field photo, the listing on the project, private drafts, the served
// headers, removal, and the 409 once the project is decided.
func TestProjectPhotosAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	pr := h.project(a, app.ProjectDraft)
	base := fmt.Sprintf("/api/v1/projects/%d", pr.ID)
	png := testPNG()

	body, ct := multipartPhoto(t, "楼道.png", png, nil)
	if st, _, b := h.send(http.MethodPost, base+"/photos", "anonymous", ct, body); st != http.StatusUnauthorized {
		t.Errorf("anonymous upload = %d %s", st, b)
	}
	if st, _, b := h.send(http.MethodPost, base+"/photos", "resident_b", ct, body); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("upload by B's resident = %d %s", st, b)
	}
	st, _, b := h.send(http.MethodPost, base+"/photos", "resident", ct, body)
	if st != http.StatusCreated || !strings.Contains(string(b), `"url":"/project-photos/`) || !strings.Contains(string(b), `"file_name":"楼道.png"`) {
		t.Fatalf("multipart upload = %d %s", st, b)
	}
	if st, out := h.api(http.MethodPost, base+"/photos", "resident", map[string]any{"file_name": "现场.png", "content": png}); st != http.StatusCreated {
		t.Fatalf("JSON upload = %d %v", st, out)
	}
	for name, in := range map[string]any{
		"text":  map[string]any{"file_name": "x.png", "content": []byte("just text, named like a picture")},
		"empty": map[string]any{"file_name": "x.png"},
		"svg":   map[string]any{"file_name": "x.svg", "content": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
	} {
		st, out := h.api(http.MethodPost, base+"/photos", "resident", in)
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if st != http.StatusUnprocessableEntity || fields["photo"] == nil {
			t.Errorf("%s upload = %d %v, want 422 on photo", name, st, out)
		}
	}
	// Larger than 5 MB, within the route's body limit: refused by the rule, not the server.
	bigBody, bigCT := multipartPhoto(t, "big.png", append(append([]byte{}, png...), make([]byte, app.MaxProjectPhotoBytes)...), nil)
	if st, _, b := h.send(http.MethodPost, base+"/photos", "resident", bigCT, bigBody); st != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"photo"`) {
		t.Errorf("6 MB upload = %d %s", st, b)
	}

	st, out := h.api(http.MethodGet, base, "resident", nil)
	photos, _ := out["photos"].([]any)
	if st != http.StatusOK || len(photos) != 2 || out["can_add_photo"] != true {
		t.Fatalf("GET project photos = %d %v", st, out["photos"])
	}
	first, _ := photos[0].(map[string]any)
	url, _ := first["url"].(string)
	if first["id"] == nil || first["file_name"] != "楼道.png" || url == "" {
		t.Fatalf("photo entry = %v", first)
	}

	// A draft's photo: its proposer only; then the bytes as cleaned at upload (the same
	// picture, encoded again without metadata), never re-sniffed.
	if st, _, _ := h.browser("anonymous").get(url); st != http.StatusNotFound {
		t.Errorf("anonymous reads a draft's photo = %d", st)
	}
	if st, _, _ := h.browser("resident_b").get(url); st != http.StatusNotFound {
		t.Errorf("B's resident reads a draft's photo = %d", st)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+url, nil)
	br := h.browser("resident")
	resp, err := br.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !sameImage(got, png) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `inline; filename="project-photo-`) {
		t.Errorf("photo = %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header)
	}

	// Removal, then a decided project's photos are fixed.
	second, _ := photos[1].(map[string]any)
	del := fmt.Sprintf("%s/photos/%v", base, second["id"])
	if st, _ := h.api(http.MethodDelete, del, "resident_b", nil); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("delete by B's resident = %d", st)
	}
	if st, _ := h.api(http.MethodDelete, del, "resident", nil); st != http.StatusNoContent {
		t.Errorf("delete = %d", st)
	}
	if st, _ := h.api(http.MethodDelete, del, "resident", nil); st != http.StatusNotFound {
		t.Errorf("delete twice = %d", st)
	}
	if st, _ := h.api(http.MethodPost, base+"/submission", "resident", nil); st != http.StatusOK {
		t.Fatalf("submit = %d", st)
	}
	if st, _, _ := h.browser("anonymous").get(url); st != http.StatusOK {
		t.Errorf("anonymous reads a submitted project's photo = %d", st)
	}
	cur, err := h.store.FindProject(context.Background(), pr.ID)
	h.must(err)
	cur.Status = app.ProjectApproved
	h.must(h.store.UpdateProject(context.Background(), cur))
	if st, _, b := h.send(http.MethodPost, base+"/photos", "resident", ct, body); st != http.StatusConflict {
		t.Errorf("upload to an approved project = %d %s", st, b)
	}
	if st, _ := h.api(http.MethodDelete, fmt.Sprintf("%s/photos/%v", base, first["id"]), "resident", nil); st != http.StatusConflict {
		t.Errorf("delete from an approved project = %d", st)
	}
}

// TestProjectPhotoPages proposes a project with a photo through the form, as a phone would
// upload it, and finds it on the project page.
func TestProjectPhotoPages(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	b := h.browser("resident")
	st, page, _ := b.get("/projects/new")
	if st != http.StatusOK || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `accept="image/*"`) || !strings.Contains(page, `capture="environment"`) {
		t.Fatalf("new project form = %d, no photo input", st)
	}
	body, ct := multipartPhoto(t, "楼道.png", testPNG(), map[string]string{"_csrf": b.csrf, "community_id": id(a.place.Community.ID),
		"title": "楼道扶手", "description": "加装扶手", "category": "elderly_care", "budget": "1800"})
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/projects", strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	st, _, loc := b.do(req)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/projects/") {
		t.Fatalf("propose with a photo = %d %s", st, loc)
	}
	st, page, _ = b.get(loc)
	if st != http.StatusOK || !strings.Contains(page, `<img src="/project-photos/`) || !strings.Contains(page, `loading="lazy"`) || !strings.Contains(page, `alt="楼道扶手 的第 1 张照片"`) {
		t.Errorf("project page = %d, without the photo", st)
	}
	// A text file under an image name: the form comes back with 422 naming the photo.
	body, ct = multipartPhoto(t, "a.png", []byte("not a picture"), map[string]string{"_csrf": b.csrf, "community_id": id(a.place.Community.ID),
		"title": "楼道扶手", "description": "加装扶手", "category": "elderly_care"})
	req, _ = http.NewRequest(http.MethodPost, h.srv.URL+"/projects", strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if st, page, _ := b.do(req); st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-photo"`) {
		t.Errorf("propose with a text 'photo' = %d", st)
	}
}

// TestWithdrawSupportAPI: DELETE /supports takes the resident's own support back while
// deliberating (404 without one, 409 once the vote is open), and the page offers the button.
func TestWithdrawSupportAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	pr := h.deliberating(a, 0, 1)
	path := fmt.Sprintf("/api/v1/projects/%d/supports", pr.ID)
	if st, _ := h.api(http.MethodDelete, path, "resident", nil); st != http.StatusNotFound {
		t.Errorf("withdraw without a support = %d", st)
	}
	if st, _ := h.api(http.MethodPost, path, "resident", nil); st != http.StatusCreated {
		t.Fatalf("support = %d", st)
	}
	st, page, _ := h.browser("resident").get(fmt.Sprintf("/projects/%d", pr.ID))
	if st != http.StatusOK || !strings.Contains(page, `id="withdraw-support"`) || !strings.Contains(page, "撤回支持") {
		t.Errorf("page after support = %d, no withdraw button", st)
	}
	if st, _ := h.api(http.MethodDelete, path, "resident_b", nil); st != http.StatusForbidden {
		t.Errorf("withdraw by B's resident = %d", st)
	}
	st, out := h.api(http.MethodDelete, path, "resident", nil)
	if st != http.StatusOK || out["supports_count"] != 0.0 || out["supported"] != false || out["can_support"] != true {
		t.Errorf("withdraw = %d %v", st, out)
	}
	if st, _ := h.api(http.MethodDelete, path, "resident", nil); st != http.StatusNotFound {
		t.Errorf("withdraw twice = %d", st)
	}
	// Support again: the threshold (1) is reached, the vote opens, the support stays.
	if st, _ := h.api(http.MethodPost, path, "resident", nil); st != http.StatusCreated {
		t.Fatalf("support again = %d", st)
	}
	if st, _ := h.api(http.MethodPost, fmt.Sprintf("/api/v1/projects/%d/vote-opening", pr.ID), "community_worker", nil); st != http.StatusOK {
		t.Fatalf("open vote = %d", st)
	}
	if st, _ := h.api(http.MethodDelete, path, "resident", nil); st != http.StatusConflict {
		t.Errorf("withdraw in a vote = %d", st)
	}
	if _, out := h.api(http.MethodGet, fmt.Sprintf("/api/v1/projects/%d", pr.ID), "anonymous", nil); out["supports_count"] != 1.0 {
		t.Errorf("supports after the refused withdrawal = %v", out["supports_count"])
	}
}
