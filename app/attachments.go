package app

// Uploaded files (issue 12 item 7): what every upload goes through, whatever it is attached
// to. Photos of projects (projects_photos.go), of needs (needs_photos.go) and the photos and
// PDF documents of bids (tenders_bid_files.go) are checked here against a fileRule: how many,
// how large, which types (decided by the bytes, never the name). Images are decoded and
// encoded again, which resizes them and drops every metadata block the camera wrote (EXIF,
// GPS location included, XMP, comments), so a resident's photo never tells where it was taken.

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wushe/wushe/media"
)

// MaxImageSide bounds the longer side of a stored image, in pixels: enough for a phone
// screen at twice its density and for print on A4, a fraction of a camera's bytes.
const MaxImageSide = 1600

// maxImagePixels refuses images whose decoding would take more memory than their bytes
// suggest (a "decompression bomb"): 40 megapixels is above any phone camera.
const maxImagePixels = 40_000_000

// MaxPDFBytes bounds one PDF document of a bid.
const MaxPDFBytes = 10 << 20

// Kinds of content an upload may be.
var (
	imageTypes = []string{"image/jpeg", "image/png", "image/webp"}
	pdfType    = "application/pdf"
)

// fileRule is what one kind of upload accepts, and the messages that say so on its field.
type fileRule struct {
	field      string
	max        int      // files per record
	imageBytes int      // bound on one image as uploaded
	pdfBytes   int      // bound on one PDF; 0: PDFs are refused
	tooMany    string   // message ids, each taking "max"
	tooLarge   string   // takes "max" in MB
	badType    string   // no arguments
	types      []string // what the bytes may be, as http.DetectContentType names them
}

// StoredFile is an uploaded file as kept, whatever it is attached to: a name to show (never
// used to decide anything), the type decided from its bytes, the bytes as cleaned, who
// uploaded it and when.
type StoredFile struct {
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Data        []byte    `json:"-"`
	UploadedBy  int64     `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// NewStoredFile describes bytes of a known type uploaded by a user at a time.
func NewStoredFile(name, contentType string, data []byte, by int64, at time.Time) StoredFile {
	return StoredFile{FileName: name, ContentType: contentType, Size: int64(len(data)), Data: data, UploadedBy: by, CreatedAt: at}
}

// checkUploads validates files to add to a record that has `have` already and cleans each
// image; every problem goes on the rule's field. Nothing is returned if any file is refused.
// Who uploaded them and when is for the caller to fill in.
func checkUploads(fe FieldErrors, r fileRule, have int, in []EvidenceInput) []StoredFile {
	if have+len(in) > r.max {
		fe.Add(r.field, r.tooMany, "max", r.max)
		return nil
	}
	out := make([]StoredFile, 0, len(in))
	for _, f := range in {
		ct := http.DetectContentType(f.Data)
		limit := r.imageBytes
		if ct == pdfType {
			limit = r.pdfBytes
		}
		switch {
		case len(f.Data) == 0:
			fe.Add(r.field, "error.required")
		case !slices.Contains(r.types, ct):
			fe.Add(r.field, r.badType)
		case len(f.Data) > limit:
			fe.Add(r.field, r.tooLarge, "max", limit>>20)
		}
		if _, bad := fe[r.field]; bad {
			return nil
		}
		data := f.Data
		if ct != pdfType {
			var err error
			if data, ct, err = cleanImage(f.Data); err != nil {
				fe.Add(r.field, r.badType)
				return nil
			}
		}
		out = append(out, NewStoredFile(uploadName(f.FileName, ct), ct, data, 0, time.Time{}))
	}
	return out
}

// cleanImage turns an image upright, fits it in MaxImageSide and drops its metadata.
func cleanImage(data []byte) ([]byte, string, error) {
	return media.CleanImage(data, MaxImageSide, maxImagePixels)
}

// uploadName keeps the base of an uploaded name (shown as text and alt text only, never used
// to decide the type), bounded and valid UTF-8; a missing one is named after the type.
func uploadName(name, ct string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" || !utf8.ValidString(name) {
		name = ""
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" {
		name = "file." + ct[strings.LastIndex(ct, "/")+1:]
	}
	return name
}

// Owners of attachments.
const (
	AttachNeed = "need"
	AttachBid  = "bid"
)

// Attachment is a file attached to a need or a bid.
type Attachment struct {
	ID        int64  `json:"id" gorm:"primaryKey"`
	OwnerType string `json:"owner_type"`
	OwnerID   int64  `json:"owner_id"`
	StoredFile
}

// URL is where the attachment's bytes are served.
func (at *Attachment) URL() string { return "/attachments/" + strconv.FormatInt(at.ID, 10) }

// IsImage reports whether the attachment is shown as a picture rather than linked.
func (at *Attachment) IsImage() bool { return strings.HasPrefix(at.ContentType, "image/") }

// AttachmentStore persists attachments.
type AttachmentStore interface {
	CreateAttachment(ctx context.Context, at *Attachment) error
	// CountAttachments counts a record's attachments (call it with the record's row locked).
	CountAttachments(ctx context.Context, ownerType string, ownerID int64) (int, error)
	// FindAttachments lists the attachments of records, oldest first, without their bytes.
	FindAttachments(ctx context.Context, ownerType string, ownerIDs []int64) (map[int64][]*Attachment, error)
	// FindAttachment loads one attachment with its bytes.
	FindAttachment(ctx context.Context, id int64) (*Attachment, error)
	DeleteAttachment(ctx context.Context, id int64) error
	// DeleteAttachmentsOf removes every attachment of a record.
	DeleteAttachmentsOf(ctx context.Context, ownerType string, ownerID int64) error
}

// attachFiles checks and stores files on a record inside the caller's transaction, and
// audits each under the record's subject; it returns the stored attachments without bytes.
func (a *App) attachFiles(ctx context.Context, r fileRule, ownerType string, ownerID, communityID int64, in []EvidenceInput) ([]*Attachment, error) {
	have, err := a.store.CountAttachments(ctx, ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	ups := checkUploads(fe, r, have, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out := make([]*Attachment, 0, len(ups))
	for _, u := range ups {
		u.UploadedBy, u.CreatedAt = PrincipalFrom(ctx).UserID(), a.Now()
		at := &Attachment{OwnerType: ownerType, OwnerID: ownerID, StoredFile: u}
		if err := a.store.CreateAttachment(ctx, at); err != nil {
			return nil, err
		}
		if err := a.audit(ctx, ownerType+".attachment_added", ownerType, ownerID, communityID,
			map[string]any{"attachment_id": at.ID, "file": at.FileName, "size": at.Size, "content_type": at.ContentType}); err != nil {
			return nil, err
		}
		at.Data = nil
		out = append(out, at)
	}
	return out, nil
}

// detachFile removes one attachment of a record inside the caller's transaction.
func (a *App) detachFile(ctx context.Context, ownerType string, ownerID, communityID, id int64) error {
	at, err := a.store.FindAttachment(ctx, id)
	if err != nil {
		return err
	}
	if at.OwnerType != ownerType || at.OwnerID != ownerID {
		return NotFound("attachment")
	}
	if err := a.store.DeleteAttachment(ctx, at.ID); err != nil {
		return err
	}
	return a.audit(ctx, ownerType+".attachment_removed", ownerType, ownerID, communityID,
		map[string]any{"attachment_id": at.ID, "file": at.FileName, "size": at.Size})
}

// AttachmentFile returns an attachment with its bytes to whoever may see it: a need's photos
// to those who see the need's details, a bid's files to those who see the bid.
func (a *App) AttachmentFile(ctx context.Context, id int64) (*Attachment, error) {
	at, err := a.store.FindAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	var ok bool
	switch at.OwnerType {
	case AttachNeed:
		ok, err = a.needPhotosVisible(ctx, at.OwnerID)
	case AttachBid:
		ok, err = a.bidVisible(ctx, at.OwnerID)
	}
	if err != nil && !IsCode(err, ENOTFOUND) {
		return nil, err
	}
	if !ok {
		return nil, NotFound("attachment")
	}
	return at, nil
}
