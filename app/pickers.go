package app

import (
	"context"
	"fmt"
	"strconv"
)

// Choice is one option of a picker: a record's id and the words a person recognises it by.
// Pickers replace typed numeric ids: they list only what the user may choose.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// StaffRoles are the roles whose holders may be assigned a need or coordinate a task.
var StaffRoles = []Role{RoleGridWorker, RoleCommunityWorker, RoleCommittee}

// pickerLimit bounds a picker's list; a community has tens of staff, not thousands.
const pickerLimit = 300

// PickerStore finds the people a picker lists.
type PickerStore interface {
	// FindCommunityStaff lists users holding one of the roles in the community or one of its
	// grids, by name, at most limit.
	FindCommunityStaff(ctx context.Context, communityID int64, roles []Role, limit int) ([]*User, error)
}

// staffChoices lists the staff of a community as picker choices.
func (a *App) staffChoices(ctx context.Context, communityID int64) ([]Choice, error) {
	us, err := a.store.FindCommunityStaff(ctx, communityID, StaffRoles, pickerLimit)
	if err != nil {
		return nil, fmt.Errorf("staff of community %d: %w", communityID, err)
	}
	out := make([]Choice, len(us))
	for i, u := range us {
		out[i] = Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name}
	}
	return out, nil
}

// isCommunityStaff reports whether a user is staff of the community, so an id sent by hand
// that the picker would not have listed is refused.
func (a *App) isCommunityStaff(ctx context.Context, communityID, userID int64) (bool, error) {
	us, err := a.store.FindCommunityStaff(ctx, communityID, StaffRoles, pickerLimit)
	if err != nil {
		return false, fmt.Errorf("staff of community %d: %w", communityID, err)
	}
	for _, u := range us {
		if u.ID == userID {
			return true, nil
		}
	}
	return false, nil
}
