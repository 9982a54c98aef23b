package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// RegisterInput creates an account. At least one of email and mobile is required.
// The new user becomes a resident of the chosen community (and grid, when given).
type RegisterInput struct {
	Name     string `json:"name" form:"name" validate:"required,max=50"`
	Email    string `json:"email" form:"email" validate:"omitempty,email,max=254"`
	Mobile   string `json:"mobile" form:"mobile" validate:"omitempty,mobile"`
	Password string `json:"password" form:"password" validate:"required,min=8,max=128"`
	// CommunityID may be left out when GridID is given: the grid's community is taken.
	CommunityID int64 `json:"community_id" form:"community_id"`
	// GridID is optional: a resident who does not know their grid leaves it out, and a
	// community worker assigns one later.
	GridID *int64 `json:"grid_id" form:"grid_id"`
	Locale string `json:"locale" form:"locale" validate:"omitempty,oneof=zh-CN en"`
}

// NormalizeLogin lowercases e-mail addresses and strips spaces and a +86 prefix from mobiles,
// so the same person always finds the same account.
func NormalizeLogin(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		return strings.ToLower(s)
	}
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	s = strings.TrimPrefix(s, "+86")
	return s
}

// Register creates a user account with a resident membership.
func (a *App) Register(ctx context.Context, in RegisterInput) (*User, error) {
	in.Email, in.Mobile = NormalizeLogin(in.Email), NormalizeLogin(in.Mobile)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	a.checkPassword(fe, "password", in.Password, in.Name, in.Email, in.Mobile)
	if in.Email == "" && in.Mobile == "" {
		fe.Add("email", "error.email_or_mobile")
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil {
			fe.Add("email", "error.email")
		}
	}
	for field, login := range map[string]string{"email": in.Email, "mobile": in.Mobile} {
		if login == "" {
			continue
		}
		if _, err := a.store.FindUserByLogin(ctx, login); err == nil {
			fe.Add(field, "error.taken")
		} else if !IsCode(err, ENOTFOUND) {
			return nil, err
		}
	}
	t := Target{}
	if in.CommunityID == 0 && in.GridID != nil {
		// The grid names its community: a resident who picked their grid need not pick twice.
		if g, err := a.store.FindGrid(ctx, *in.GridID); err == nil {
			in.CommunityID = g.CommunityID
		} else if !IsCode(err, ENOTFOUND) {
			return nil, err
		}
	}
	if in.CommunityID == 0 {
		fe.Add("community_id", "error.required")
	} else {
		var err error
		if t, err = a.communityTarget(ctx, in.CommunityID); IsCode(err, ENOTFOUND) {
			fe.Add("community_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	if in.GridID != nil {
		if g, err := a.store.FindGrid(ctx, *in.GridID); IsCode(err, ENOTFOUND) || (err == nil && g.CommunityID != in.CommunityID) {
			fe.Add("grid_id", "error.grid_not_in_community")
		} else if err != nil {
			return nil, err
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	hash, err := a.hasher.Hash(in.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	now := a.Now()
	u := &User{Name: strings.TrimSpace(in.Name), PasswordHash: hash, Locale: in.Locale, CreatedAt: now, UpdatedAt: now}
	if u.Locale == "" {
		u.Locale = "zh-CN"
	}
	if in.Email != "" {
		u.Email = &in.Email
	}
	if in.Mobile != "" {
		u.Mobile = &in.Mobile
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateUser(ctx, u); err != nil {
			if IsCode(err, ECONFLICT) {
				return FieldErrors{"email": Msg("error.taken")}.Err()
			}
			return err
		}
		m := &Membership{UserID: u.ID, Role: RoleResident, CreatedAt: now}
		if in.GridID != nil {
			m.GridID = in.GridID
		} else {
			m.CommunityID = &in.CommunityID
		}
		if err := a.store.CreateMembership(ctx, m); err != nil {
			return err
		}
		// Registering is agreeing to the privacy notice the form links to (issue 14).
		if err := a.store.RecordConsent(ctx, &PrivacyConsent{UserID: u.ID, Version: PrivacyNoticeVersion, ConsentedAt: now}); err != nil {
			return err
		}
		return a.audit(WithPrincipal(ctx, &Principal{User: u}), "user.registered", "user", u.ID, t.CommunityID, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Authenticate checks a login (email or mobile) and password. Every failure is the same
// EUNAUTHORIZED error so that callers cannot tell which part was wrong.
func (a *App) Authenticate(ctx context.Context, login, password string) (*User, error) {
	bad := Errorf(EUNAUTHORIZED, "error.bad_login")
	u, err := a.store.FindUserByLogin(ctx, NormalizeLogin(login))
	if IsCode(err, ENOTFOUND) {
		// Spend the same effort as a real check so timing does not reveal unknown accounts.
		_, _ = a.hasher.Verify(a.dummyHash(), password)
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	ok, err := a.hasher.Verify(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("verify password of user %d: %w", u.ID, err)
	}
	if !ok || u.Disabled {
		return nil, bad
	}
	now := a.Now()
	u.LastLoginAt = &now
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("record login: %w", err)
	}
	return u, nil
}

// dummyHash is a real hash of no account's password, computed once.
func (a *App) dummyHash() string {
	a.dummyOnce.Do(func() { a.dummy, _ = a.hasher.Hash("not-a-real-password") })
	return a.dummy
}

// Principal loads a user and their memberships; ENOTFOUND if the user is gone.
func (a *App) Principal(ctx context.Context, userID int64) (*Principal, error) {
	u, err := a.store.FindUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	ms, err := a.store.UserMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := a.gridCommunities(ctx, ms); err != nil {
		return nil, err
	}
	return &Principal{User: u, Memberships: ms}, nil
}

// TokenLifetime is how long an API token stays valid.
const TokenLifetime = 90 * 24 * time.Hour

// tokenPrefix marks Wushe API tokens so secret scanners can recognise leaked ones.
const tokenPrefix = "wst_"

// CreateAPIToken signs in with a password and returns a new bearer token. Only its hash is kept.
func (a *App) CreateAPIToken(ctx context.Context, login, password, name string) (string, *APIToken, error) {
	u, err := a.Authenticate(ctx, login, password)
	if err != nil {
		return "", nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("token randomness: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	now := a.Now()
	t := &APIToken{UserID: u.ID, TokenHash: hashToken(token), Name: name, CreatedAt: now, ExpiresAt: now.Add(TokenLifetime)}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return a.audit(WithPrincipal(ctx, &Principal{User: u}), "token.created", "user", u.ID, 0, map[string]any{"token_id": t.ID})
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// PrincipalForToken resolves a bearer token to its principal, or EUNAUTHORIZED.
func (a *App) PrincipalForToken(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, Errorf(EUNAUTHORIZED, "error.bad_token")
	}
	now := a.Now()
	t, err := a.store.FindAPIToken(ctx, hashToken(token), now)
	if IsCode(err, ENOTFOUND) {
		return nil, Errorf(EUNAUTHORIZED, "error.bad_token")
	} else if err != nil {
		return nil, err
	}
	p, err := a.Principal(ctx, t.UserID)
	if IsCode(err, ENOTFOUND) {
		return nil, Errorf(EUNAUTHORIZED, "error.bad_token")
	} else if err != nil {
		return nil, err
	}
	if p.User.Disabled {
		return nil, Errorf(EUNAUTHORIZED, "error.bad_token")
	}
	// Record use at most once an hour: a write per API call would dominate the database.
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Hour {
		if err := a.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			a.log.Warn("touch api token", "token_id", t.ID, "err", err)
		}
	}
	return p, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MembershipInput grants a role in a scope.
type MembershipInput struct {
	UserID         int64  `json:"user_id" form:"user_id" validate:"required"`
	Role           Role   `json:"role" form:"role" validate:"required,oneof=resident volunteer org_member donor grid_worker community_worker committee_member civil_affairs_officer admin"`
	StreetID       *int64 `json:"street_id" form:"street_id"`
	CommunityID    *int64 `json:"community_id" form:"community_id"`
	GridID         *int64 `json:"grid_id" form:"grid_id"`
	OrganizationID *int64 `json:"organization_id" form:"organization_id"`
}

// GrantMembership gives a user a role in a scope, if the principal may grant that role there.
// An organization member's scope is never taken from the input: it is the organization's own
// place (its community, or its street when it has none), so the grant is decided against
// the organization's community and the stored membership carries it. Scope fields in the
// input that name another place are refused.
func (a *App) GrantMembership(ctx context.Context, in MembershipInput) (*Membership, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if _, err := a.store.FindUser(ctx, in.UserID); IsCode(err, ENOTFOUND) {
		fe.Add("user_id", "error.unknown_ref")
	} else if err != nil {
		return nil, err
	}
	var t Target
	var err error
	if in.Role == RoleOrgMember {
		t, err = a.orgMemberScope(ctx, &in, fe)
	} else {
		t, err = a.grantScope(ctx, in, fe)
	}
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := AuthorizeGrant(p, in.Role, t); err != nil {
		return nil, err
	}
	m := &Membership{UserID: in.UserID, Role: in.Role, StreetID: in.StreetID, CommunityID: in.CommunityID,
		GridID: in.GridID, OrganizationID: in.OrganizationID, GrantedBy: ptr(p.User.ID), CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateMembership(ctx, m); err != nil {
			return err
		}
		return a.audit(ctx, "membership.granted", "user", in.UserID, t.CommunityID, map[string]any{"role": in.Role, "membership_id": m.ID})
	})
	if IsCode(err, ECONFLICT) {
		return nil, Errorf(ECONFLICT, "error.membership_exists")
	}
	return m, err
}

// grantScope resolves the place of a grant, for every role but org_member, from the street,
// community or grid record the input names.
func (a *App) grantScope(ctx context.Context, in MembershipInput, fe FieldErrors) (Target, error) {
	set := 0
	for _, id := range []*int64{in.StreetID, in.CommunityID, in.GridID} {
		if id != nil {
			set++
		}
	}
	if set > 1 {
		fe.Add("community_id", "error.one_scope")
	}
	if in.Role != RoleAdmin && set == 0 && in.Role != RoleCivilAffairs {
		fe.Add("community_id", "error.scope_required")
	}
	if in.OrganizationID != nil {
		fe.Add("organization_id", "security.error.org_member_only")
	}
	var t Target
	var err error
	switch {
	case in.GridID != nil:
		t, _, _, err = a.gridTarget(ctx, *in.GridID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("grid_id", "error.unknown_ref")
			err = nil
		}
	case in.CommunityID != nil:
		t, err = a.communityTarget(ctx, *in.CommunityID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("community_id", "error.unknown_ref")
			err = nil
		}
	case in.StreetID != nil:
		if _, err = a.store.FindStreet(ctx, *in.StreetID); IsCode(err, ENOTFOUND) {
			fe.Add("street_id", "error.unknown_ref")
			err = nil
		}
		t = Target{StreetID: *in.StreetID}
	}
	return t, err
}

// orgMemberScope replaces the input's scope with the organization's place and returns the
// organization's target. Scope fields that name another place are field errors.
func (a *App) orgMemberScope(ctx context.Context, in *MembershipInput, fe FieldErrors) (Target, error) {
	if in.OrganizationID == nil {
		fe.Add("organization_id", "error.required")
		return Target{}, nil
	}
	o, err := a.store.FindOrganization(ctx, *in.OrganizationID)
	if IsCode(err, ENOTFOUND) {
		fe.Add("organization_id", "error.unknown_ref")
		return Target{}, nil
	} else if err != nil {
		return Target{}, err
	}
	t, err := a.places().orgTarget(ctx, o)
	if err != nil {
		return Target{}, err
	}
	t.OwnerID = 0
	street, community := orgMembershipPlace(o)
	if in.GridID != nil {
		fe.Add("grid_id", "security.error.org_scope")
	}
	if in.CommunityID != nil && (community == nil || *in.CommunityID != *community) {
		fe.Add("community_id", "security.error.org_scope")
	}
	if in.StreetID != nil && (street == nil || *in.StreetID != *street) {
		fe.Add("street_id", "security.error.org_scope")
	}
	in.StreetID, in.CommunityID, in.GridID = street, community, nil
	return t, nil
}

// orgMembershipPlace is the scope an organization's members hold: its community, or its
// street when it belongs to no community (at most one is set, as memberships require).
func orgMembershipPlace(o *Organization) (street, community *int64) {
	if o.CommunityID != nil {
		return nil, ptr(*o.CommunityID)
	}
	if o.StreetID != nil {
		return ptr(*o.StreetID), nil
	}
	return nil, nil
}

// membershipTarget is the scope a membership lives in; an organization member's is the
// organization's place.
func (a *App) membershipTarget(ctx context.Context, m *Membership) (Target, error) {
	switch {
	case m.Role == RoleOrgMember && m.OrganizationID != nil:
		o, err := a.store.FindOrganization(ctx, *m.OrganizationID)
		if err != nil {
			return Target{}, err
		}
		t, err := a.places().orgTarget(ctx, o)
		t.OwnerID = 0
		return t, err
	case m.GridID != nil:
		t, _, _, err := a.gridTarget(ctx, *m.GridID)
		return t, err
	case m.CommunityID != nil:
		return a.communityTarget(ctx, *m.CommunityID)
	case m.StreetID != nil:
		return Target{StreetID: *m.StreetID}, nil
	}
	return Target{}, nil
}

// RevokeMembership removes a membership the principal could have granted.
func (a *App) RevokeMembership(ctx context.Context, id int64) error {
	p := PrincipalFrom(ctx)
	return a.store.InTx(ctx, func(ctx context.Context) error {
		m, err := a.store.FindMembership(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.membershipTarget(ctx, m)
		if err != nil {
			return err
		}
		if err := AuthorizeGrant(p, m.Role, t); err != nil {
			return err
		}
		if m.UserID == p.User.ID && m.Role == RoleAdmin {
			return Errorf(ECONFLICT, "error.own_admin")
		}
		if err := a.store.DeleteMembership(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, "membership.revoked", "user", m.UserID, t.CommunityID, map[string]any{"role": m.Role, "membership_id": id})
	})
}

// Memberships lists memberships in a community (or a user's), for those who manage them.
func (a *App) Memberships(ctx context.Context, f MembershipFilter) ([]*Membership, int, error) {
	p := PrincipalFrom(ctx)
	t := Target{}
	if f.CommunityID != nil {
		var err error
		if t, err = a.communityTarget(ctx, *f.CommunityID); err != nil {
			return nil, 0, err
		}
	}
	if !(f.UserID != nil && *f.UserID == p.UserID()) {
		if err := Authorize(p, ActMembershipManage, t); err != nil {
			return nil, 0, err
		}
	}
	f.Page = f.Page.Normalize()
	return a.store.FindMemberships(ctx, f)
}

// Users lists accounts (administrators only).
func (a *App) Users(ctx context.Context, f UserFilter) ([]*User, int, error) {
	if err := Authorize(PrincipalFrom(ctx), ActUserManage, Target{}); err != nil {
		return nil, 0, err
	}
	f.Page = f.Page.Normalize()
	return a.store.FindUsers(ctx, f)
}

// User returns one account: the principal's own, or any for administrators.
func (a *App) User(ctx context.Context, id int64) (*User, error) {
	p := PrincipalFrom(ctx)
	if p.UserID() != id {
		if err := Authorize(p, ActUserManage, Target{}); err != nil {
			return nil, err
		}
	}
	return a.store.FindUser(ctx, id)
}

// EnsureAdmin creates (or resets the password of) a global administrator account.
// Demo mode uses it for admin@wushe.local.
func (a *App) EnsureAdmin(ctx context.Context, email, password string) (*User, error) {
	hash, err := a.hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	email = NormalizeLogin(email)
	var u *User
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		u, err = a.store.FindUserByLogin(ctx, email)
		now := a.Now()
		switch {
		case IsCode(err, ENOTFOUND):
			u = &User{Email: &email, Name: "管理员", PasswordHash: hash, Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
			if err := a.store.CreateUser(ctx, u); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			u.PasswordHash, u.Disabled, u.UpdatedAt = hash, false, now
			if err := a.store.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		ms, err := a.store.UserMemberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role == RoleAdmin {
				return nil
			}
		}
		return a.store.CreateMembership(ctx, &Membership{UserID: u.ID, Role: RoleAdmin, CreatedAt: now})
	})
	return u, err
}
