package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, projectPhotoAuthCases) }

// testPNG is a real 4×3 PNG, so the sniffed type is image/png.
func testPNG() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// photo writes a photo on a project of the side's resident in the given status.
func (h *harness) photo(s side, status string) *app.ProjectPhoto {
	p := h.project(s, status)
	data := testPNG()
	ph := &app.ProjectPhoto{ProjectID: p.ID, StoredFile: app.NewStoredFile("楼道.png", "image/png", data, p.ProposerID, h.clock.Now())}
	h.must(h.store.CreateProjectPhoto(context.Background(), ph))
	return ph
}

// supported writes a project under deliberation with the side's resident's support.
func (h *harness) supported(s side) *app.Project {
	p := h.deliberating(s, 1, 10)
	h.must(h.store.CreateProjectSupport(context.Background(), &app.ProjectSupport{ProjectID: p.ID, UserID: h.ownerID(s), CreatedAt: h.clock.Now()}))
	return p
}

// projectPhotoAuthCases: the proposer and the workers who may edit a project add and remove
// its photos; anyone reads those of a submitted project, only the proposer and editors
// those of a draft; a resident withdraws their own support.
func projectPhotoAuthCases() map[string]authCase {
	editors := plus(managers, "owner")
	return map[string]authCase{
		"GET /project-photos/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/project-photos/" + id(h.photo(s, app.ProjectDeliberating).ID), nil
		}},
		"POST /api/v1/projects/:id/photos": {allow: editors, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.project(s, app.ProjectDraft).ID) + "/photos", map[string]any{"file_name": "现场.png", "content": testPNG()}
		}},
		"POST /projects/:id/photos": {allow: editors, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.project(s, app.ProjectDraft).ID) + "/photos", url.Values{}
		}},
		"DELETE /api/v1/projects/:id/photos/:photo_id": {allow: editors, build: func(h *harness, s side) (string, any) {
			ph := h.photo(s, app.ProjectDraft)
			return "/api/v1/projects/" + id(ph.ProjectID) + "/photos/" + id(ph.ID), nil
		}},
		"POST /projects/:id/photos/:photo_id/delete": {allow: editors, build: func(h *harness, s side) (string, any) {
			ph := h.photo(s, app.ProjectDraft)
			return "/projects/" + id(ph.ProjectID) + "/photos/" + id(ph.ID) + "/delete", url.Values{}
		}},
		"DELETE /api/v1/projects/:id/supports": {allow: []string{"resident"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.supported(s).ID) + "/supports", nil
		}},
		"POST /projects/:id/support/withdraw": {allow: []string{"resident"}, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.supported(s).ID) + "/support/withdraw", url.Values{}
		}},
	}
}
