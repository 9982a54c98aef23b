package app

// Photos on a micro-project proposal (issue 11, step 1 提事). The proposer, or a worker who
// may edit the project, adds and removes them while the project is a draft or under
// deliberation; after that the proposal is what residents supported and voted on, so its
// photos are fixed like its text. They are read by whoever may read the project.

import (
	"context"
	"strconv"
	"time"
)

// MaxProjectPhotos bounds the photos of one project.
const MaxProjectPhotos = 9

// MaxProjectPhotoBytes bounds one photo (the same limit as disbursement evidence).
const MaxProjectPhotoBytes = MaxEvidenceBytes

// projectPhotoRule is what a project's photos accept: images only, cleaned as every upload.
var projectPhotoRule = fileRule{field: "photo", max: MaxProjectPhotos, imageBytes: MaxProjectPhotoBytes,
	tooMany: "projects.error.too_many_photos", tooLarge: "projects.error.photo_too_large", badType: "projects.error.photo_type", types: imageTypes}

// ProjectPhoto is one image attached to a project.
type ProjectPhoto struct {
	ID        int64 `json:"id" gorm:"primaryKey"`
	ProjectID int64 `json:"project_id"`
	StoredFile
}

// URL is where the photo's bytes are served.
func (ph *ProjectPhoto) URL() string { return "/project-photos/" + strconv.FormatInt(ph.ID, 10) }

// ProjectPhotoStore persists project photos.
type ProjectPhotoStore interface {
	CreateProjectPhoto(ctx context.Context, ph *ProjectPhoto) error
	// CountProjectPhotos counts a project's photos (call it with the project's row locked).
	CountProjectPhotos(ctx context.Context, projectID int64) (int, error)
	// FindProjectPhotos lists the photos of projects, oldest first, without their bytes.
	FindProjectPhotos(ctx context.Context, projectIDs []int64) (map[int64][]*ProjectPhoto, error)
	// FindProjectPhoto loads one photo with its bytes.
	FindProjectPhoto(ctx context.Context, id int64) (*ProjectPhoto, error)
	DeleteProjectPhoto(ctx context.Context, id int64) error
}

// photosEditable reports whether a project's photos may still change.
func photosEditable(pr *Project, now time.Time) bool {
	return pr.Status == ProjectDraft || deliberationOpen(pr, now)
}

// checkPhotos validates photos to add to a project that has `have` already, under field
// "photo", and cleans each (resized, metadata dropped: see checkUploads).
func checkPhotos(fe FieldErrors, have int, in []EvidenceInput) []*ProjectPhoto {
	ups := checkUploads(fe, projectPhotoRule, have, in)
	out := make([]*ProjectPhoto, len(ups))
	for i, u := range ups {
		out[i] = &ProjectPhoto{StoredFile: u}
	}
	return out
}

// savePhotos stores checked photos of a project and audits each, inside the caller's transaction.
func (a *App) savePhotos(ctx context.Context, pr *Project, uploader int64, phs []*ProjectPhoto) error {
	for _, ph := range phs {
		ph.ProjectID, ph.UploadedBy, ph.CreatedAt = pr.ID, uploader, a.Now()
		if err := a.store.CreateProjectPhoto(ctx, ph); err != nil {
			return err
		}
		if err := a.audit(ctx, "project.photo_added", "project", pr.ID, pr.CommunityID,
			map[string]any{"photo_id": ph.ID, "file": ph.FileName, "size": ph.Size, "content_type": ph.ContentType}); err != nil {
			return err
		}
	}
	return nil
}

// editableProject loads and locks a project whose photos the principal may change.
func (a *App) editableProject(ctx context.Context, id int64) (*Project, error) {
	p := PrincipalFrom(ctx)
	pr, t, err := a.projectForAction(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActProjectEdit, t); err != nil {
		return nil, err
	}
	if !photosEditable(pr, a.Now()) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "photo")
	}
	return pr, nil
}

// AddProjectPhoto attaches an image (JPEG, PNG or WebP by its bytes, at most 5 MB, at most 9
// per project) to a draft or a project under deliberation.
func (a *App) AddProjectPhoto(ctx context.Context, projectID int64, in EvidenceInput) (*ProjectPhoto, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out *ProjectPhoto
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		pr, err := a.editableProject(ctx, projectID)
		if err != nil {
			return err
		}
		have, err := a.store.CountProjectPhotos(ctx, pr.ID)
		if err != nil {
			return err
		}
		fe := FieldErrors{}
		phs := checkPhotos(fe, have, []EvidenceInput{in})
		if err := fe.Err(); err != nil {
			return err
		}
		out = phs[0]
		return a.savePhotos(ctx, pr, p.User.ID, phs)
	})
	if err != nil {
		return nil, err
	}
	out.Data = nil
	return out, nil
}

// DeleteProjectPhoto removes a photo of a draft or a project under deliberation.
func (a *App) DeleteProjectPhoto(ctx context.Context, projectID, photoID int64) error {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return Unauthorized()
	}
	return a.store.InTx(ctx, func(ctx context.Context) error {
		pr, err := a.editableProject(ctx, projectID)
		if err != nil {
			return err
		}
		ph, err := a.store.FindProjectPhoto(ctx, photoID)
		if err != nil {
			return err
		}
		if ph.ProjectID != pr.ID {
			return NotFound("project_photo")
		}
		if err := a.store.DeleteProjectPhoto(ctx, ph.ID); err != nil {
			return err
		}
		return a.audit(ctx, "project.photo_removed", "project", pr.ID, pr.CommunityID,
			map[string]any{"photo_id": ph.ID, "file": ph.FileName, "size": ph.Size})
	})
}

// ProjectPhotoFile returns a photo with its bytes to whoever may read its project: anyone
// once the project is submitted, only its proposer and editors while it is a draft.
func (a *App) ProjectPhotoFile(ctx context.Context, id int64) (*ProjectPhoto, error) {
	ph, err := a.store.FindProjectPhoto(ctx, id)
	if err != nil {
		return nil, err
	}
	pr, err := a.store.FindProject(ctx, ph.ProjectID)
	if err != nil {
		return nil, err
	}
	if pr.Status == ProjectDraft {
		t, err := a.communityTarget(ctx, pr.CommunityID)
		if err != nil {
			return nil, err
		}
		p := PrincipalFrom(ctx)
		if pr.ProposerID != p.UserID() && !Can(p, ActProjectEdit, projectTarget(pr, t)) {
			return nil, NotFound("project_photo")
		}
	}
	return ph, nil
}

// attachPhotos loads the photos of listed projects in one query.
func (a *App) attachPhotos(ctx context.Context, vs []*ProjectView) error {
	if len(vs) == 0 {
		return nil
	}
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	phs, err := a.store.FindProjectPhotos(ctx, ids)
	if err != nil {
		return err
	}
	for _, v := range vs {
		v.Photos = phs[v.ID]
		if v.Photos == nil {
			v.Photos = []*ProjectPhoto{}
		}
		v.CanAddPhoto = v.CanEdit && len(v.Photos) < MaxProjectPhotos
	}
	return nil
}
