package app

// Photos on a need (issue 12 item 7): the resident it is for shows the broken handrail, the
// assigned worker shows the repair. They are as private as the need's details: whoever sees
// the description and address sees the photos; the public sees them only on a public need.

import (
	"context"
	"slices"
)

// MaxNeedPhotos bounds the photos of one need.
const MaxNeedPhotos = 9

// needPhotoRule is what a need's photos accept: images up to the project photos' size.
var needPhotoRule = fileRule{field: "photo", max: MaxNeedPhotos, imageBytes: MaxProjectPhotoBytes,
	tooMany: "attachments.error.too_many", tooLarge: "attachments.error.too_large", badType: "attachments.error.photo_type", types: imageTypes}

// needPhotoStatuses are the statuses in which a need's photos may change: a closed or
// withdrawn need is a record.
var needPhotoStatuses = []string{NeedOpen, NeedInProgress, NeedResolved}

// NeedPhotos is the photos section of a need's page.
type NeedPhotos struct {
	Photos []*Attachment
	// CanAdd and CanRemove say whether the viewer may change them now.
	CanAdd, CanRemove bool
}

// needPhotosVisible reports whether the principal sees the photos of a need.
func (a *App) needPhotosVisible(ctx context.Context, needID int64) (bool, error) {
	v, err := a.Need(ctx, needID)
	if err != nil {
		return false, err
	}
	return v.Private || v.Privacy == "public", nil
}

// editableNeed loads a need whose photos the principal may change now.
func (a *App) editableNeed(ctx context.Context, id int64) (*Need, error) {
	n, err := a.store.FindNeed(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := a.places().needTarget(ctx, n)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActNeedAttach, t); err != nil {
		return nil, err
	}
	if !slices.Contains(needPhotoStatuses, n.Status) {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", n.Status, "action", "photo")
	}
	return n, nil
}

// AddNeedPhoto attaches an image (JPEG, PNG or WebP by its bytes, at most 5 MB, at most 9 per
// need) to an open, in-progress or resolved need; it is stored resized and without metadata.
func (a *App) AddNeedPhoto(ctx context.Context, needID int64, in EvidenceInput) (*Attachment, error) {
	if !PrincipalFrom(ctx).Authenticated() {
		return nil, Unauthorized()
	}
	var out *Attachment
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.editableNeed(ctx, needID)
		if err != nil {
			return err
		}
		ats, err := a.attachFiles(ctx, needPhotoRule, AttachNeed, n.ID, n.CommunityID, []EvidenceInput{in})
		if err != nil {
			return err
		}
		out = ats[0]
		return nil
	})
	return out, err
}

// DeleteNeedPhoto removes a photo of a need.
func (a *App) DeleteNeedPhoto(ctx context.Context, needID, photoID int64) error {
	if !PrincipalFrom(ctx).Authenticated() {
		return Unauthorized()
	}
	return a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.editableNeed(ctx, needID)
		if err != nil {
			return err
		}
		return a.detachFile(ctx, AttachNeed, n.ID, n.CommunityID, photoID)
	})
}

// NeedPhotoList returns the photos of a need the principal may see (none when the need's
// details are hidden from them) and what they may do with them.
func (a *App) NeedPhotoList(ctx context.Context, needID int64) (*NeedPhotos, error) {
	v, err := a.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	return a.needPhotos(ctx, v)
}

// needPhotos builds the photos section of a need already viewed by the principal.
func (a *App) needPhotos(ctx context.Context, v *NeedView) (*NeedPhotos, error) {
	out := &NeedPhotos{Photos: []*Attachment{}}
	if v.Private || v.Privacy == "public" {
		ats, err := a.store.FindAttachments(ctx, AttachNeed, []int64{v.ID})
		if err != nil {
			return nil, err
		}
		if ats[v.ID] != nil {
			out.Photos = ats[v.ID]
		}
	}
	n, err := a.store.FindNeed(ctx, v.ID) // the unredacted need: its owner decides the rule
	if err != nil {
		return nil, err
	}
	t, err := a.places().needTarget(ctx, n)
	if err != nil {
		return nil, err
	}
	out.CanRemove = Can(PrincipalFrom(ctx), ActNeedAttach, t) && slices.Contains(needPhotoStatuses, n.Status)
	out.CanAdd = out.CanRemove && len(out.Photos) < MaxNeedPhotos
	return out, nil
}
