package app

import (
	"context"

	"github.com/wushe/wushe/matching"
)

// ProfilePreviewInput asks how a need's ranking would change under proposed weights.
type ProfilePreviewInput struct {
	NeedID  int64            `json:"need_id"`
	Profile matching.Profile `json:"profile"`
	// Limit is how many candidates of each kind to compare, 0–100 (0: the ranker's default).
	Limit int `json:"limit"`
}

// PreviewWeights is PreviewProfile with its input checked: a need is required and the limit
// lies in 0–100. Managers of the community only; nothing is saved.
func (a *App) PreviewWeights(ctx context.Context, communityID int64, in ProfilePreviewInput) (*ProfilePreview, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	// Who may tune comes before what they typed: outsiders learn nothing from validation.
	if err := Authorize(PrincipalFrom(ctx), ActMatchTune, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	if in.NeedID == 0 {
		fe.Add("need_id", "error.required")
	}
	if in.Limit < 0 || in.Limit > 100 {
		fe.Add("limit", "error.between", "min", 0, "max", 100)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return a.PreviewProfile(ctx, communityID, in.NeedID, in.Profile, in.Limit)
}
