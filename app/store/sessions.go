package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// sessionRow is a server-side session: an opaque token and the encoded session data.
type sessionRow struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// Sessions keeps web sessions in the database so any Wushe process can serve any request.
// Its methods match scs.CtxStore.
type Sessions struct{ s *Store }

// Sessions returns the session store.
func (s *Store) Sessions() *Sessions { return &Sessions{s: s} }

// FindCtx returns a session's data if it exists and has not expired.
func (ss *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var r sessionRow
	err := ss.s.rdb(ctx).Where("token = ? AND expiry > ?", token, time.Now().UTC()).First(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return r.Data, true, nil
}

// CommitCtx saves a session.
func (ss *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	r := sessionRow{Token: token, Data: b, Expiry: expiry.UTC()}
	return ss.s.db(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&r).Error
}

// DeleteCtx removes a session.
func (ss *Sessions) DeleteCtx(ctx context.Context, token string) error {
	return ss.s.db(ctx).Where("token = ?", token).Delete(&sessionRow{}).Error
}

// Find is the context-free form required by scs.Store.
func (ss *Sessions) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is the context-free form required by scs.Store.
func (ss *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is the context-free form required by scs.Store.
func (ss *Sessions) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes expired sessions; serve runs it periodically.
func (ss *Sessions) DeleteExpired(ctx context.Context) (int64, error) {
	res := ss.s.db(ctx).Where("expiry <= ?", time.Now().UTC()).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}
