package app

import "context"

// UserOfMembership is the user a membership belongs to, for sending a manager back to that
// user's page after revoking it (RevokeMembership decides who may).
func (a *App) UserOfMembership(ctx context.Context, id int64) (int64, error) {
	m, err := a.store.FindMembership(ctx, id)
	if err != nil {
		return 0, err
	}
	return m.UserID, nil
}
