package app

import (
	"context"
	"time"
)

// Page asks for one page of a list. Normalize clamps it to sane bounds.
type Page struct {
	Page    int
	PerPage int
	// Exact asks for the exact total however many rows match, for a total shown as a figure
	// in its own right (the home page's counts), instead of one that stops at CountAhead.
	Exact bool
}

// MaxPerPage is the largest page a list returns.
const MaxPerPage = 100

// Normalize fills defaults (page 1, 20 per page) and clamps PerPage to MaxPerPage.
func (p Page) Normalize() Page {
	if p.Page < 1 {
		p.Page = 1
	}
	if p.PerPage < 1 {
		p.PerPage = 20
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
	return p
}

// Offset is the number of rows before this page.
func (p Page) Offset() int { p = p.Normalize(); return (p.Page - 1) * p.PerPage }

// CountAhead is how many rows past a page's start a list counts. Counting every row a filter
// matches costs as much as reading them (0.14–0.2 s for the 300,000 needs of a city on the
// shared development machine even from an index, 6–20 ms for 10,000; docs/perf/city-lists.md),
// so a list's total is exact up to the page's offset plus CountAhead and beyond that says only
// "more than" (see TotalIsLowerBound). 1,000 is 50 pages of the default 20: past it people
// filter rather than page.
const CountAhead = 1_000

// CountLimit is the most rows a store counts for this page's total: one more than
// Offset+CountAhead, so that reaching it proves there are more; 0 (no limit) when Exact.
func (p Page) CountLimit() int {
	if p.Exact {
		return 0
	}
	return p.Offset() + CountAhead + 1
}

// TotalIsLowerBound reports whether total, as a store counted it for this page, only says
// that the filter matches more than Offset+CountAhead rows (the count stopped at CountLimit).
func (p Page) TotalIsLowerBound(total int) bool { return !p.Exact && total >= p.CountLimit() }

// Transactor runs fn in one database transaction carried by the context it passes.
// A nested call reuses the outer transaction. Returns fn's error after rolling back.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// CommunityFilter selects communities; nil fields do not filter.
type CommunityFilter struct {
	StreetID *int64
	Kind     *string
	Q        string // name contains
	IDs      []int64
	Page
}

// GridFilter selects grids.
type GridFilter struct {
	CommunityID *int64
	WorkerID    *int64
	Level       *string
	IDs         []int64
	Page
}

// RegistryStore persists streets, communities, grids and taxonomies.
// Find* by id return ENOTFOUND when the record does not exist.
type RegistryStore interface {
	CreateStreet(ctx context.Context, s *Street) error
	UpdateStreet(ctx context.Context, s *Street) error
	FindStreet(ctx context.Context, id int64) (*Street, error)
	ListStreets(ctx context.Context) ([]*Street, error)

	CreateCommunity(ctx context.Context, c *Community) error
	UpdateCommunity(ctx context.Context, c *Community) error
	FindCommunity(ctx context.Context, id int64) (*Community, error)
	FindCommunities(ctx context.Context, f CommunityFilter) ([]*Community, int, error)

	CreateGrid(ctx context.Context, g *Grid) error
	UpdateGrid(ctx context.Context, g *Grid) error
	FindGrid(ctx context.Context, id int64) (*Grid, error)
	FindGrids(ctx context.Context, f GridFilter) ([]*Grid, int, error)

	ListCategories(ctx context.Context) ([]*Category, error)
	ListSkills(ctx context.Context) ([]*Skill, error)
}

// NeedFilter selects needs. Lists put overdue needs first, then by due time.
type NeedFilter struct {
	CommunityID     *int64
	GridID          *int64
	Category        *string
	Tier            *string
	EscalationLevel *string
	RequesterID     *int64
	AssigneeID      *int64
	Statuses        []string
	// Scope, when non-nil, keeps needs whose grid, community or street is in one of its lists.
	Scope *ScopeFilter
	Q     string // title contains
	// Overdue keeps only unresolved needs past their due time.
	Overdue bool
	// Now is the clock reading used to sort overdue needs first.
	Now time.Time
	// ResolvedFirst orders by resolution time, newest first (the home page's recent activity).
	ResolvedFirst bool
	// Sensitive, when non-nil, keeps sensitive needs only where it allows them, so totals and
	// pages count only what the caller may see (set by the use case from the principal).
	Sensitive *SensitiveFilter
	Page
}

// SensitiveFilter says which sensitive needs a caller may list: their own (as resident or
// assignee) and those in the places where they work the front desk. A nil Places and zero
// UserID hide every sensitive need.
type SensitiveFilter struct {
	UserID int64
	Places *ScopeFilter
}

// ScopeFilter keeps records inside any of the listed places.
type ScopeFilter struct {
	GridIDs      []int64
	CommunityIDs []int64
	StreetIDs    []int64
	// Levels, when set, restricts needs at each place to those escalated to that level:
	// grid workers see grid-level needs, community workers community-level ones, and so on.
	Levels bool
}

// NeedStore persists needs.
type NeedStore interface {
	CreateNeed(ctx context.Context, n *Need) error
	UpdateNeed(ctx context.Context, n *Need) error
	FindNeed(ctx context.Context, id int64) (*Need, error)
	FindNeeds(ctx context.Context, f NeedFilter) ([]*Need, int, error)
	// NeedsToEscalate lists unresolved needs whose escalation time has passed, oldest first.
	NeedsToEscalate(ctx context.Context, now time.Time, limit int) ([]*Need, error)
	// EscalateNeed moves a need from one level to the next if it is still at level from and its
	// escalation time has passed at now; next is its following escalation time (nil at the top).
	// It reports whether this call did it, so concurrent workers escalate once.
	EscalateNeed(ctx context.Context, id int64, from, to string, now time.Time, next *time.Time) (bool, error)
	// NeedsToPurge lists resolved or closed needs resolved before cutoff whose private details
	// are still kept, oldest first.
	NeedsToPurge(ctx context.Context, cutoff time.Time, limit int) ([]*Need, error)
	// PurgeNeedDetails erases a need's private details (its address and whom it was filed for,
	// and the description too when withDescription) if they are still kept, and records when.
	// It reports whether this call did it, so concurrent runs purge once.
	PurgeNeedDetails(ctx context.Context, id int64, withDescription bool, at time.Time) (bool, error)
}

// OrganizationFilter selects organizations.
type OrganizationFilter struct {
	Kind        *string
	Verified    *bool
	Category    *string
	CommunityID *int64 // home community or service area
	StreetID    *int64
	Q           string
	IDs         []int64
	Page
}

// SocialWorkerFilter selects social workers.
type SocialWorkerFilter struct {
	OrganizationID     *int64
	CommunityID        *int64
	CertificationLevel *string
	Q                  string
	Page
}

// VolunteerFilter selects volunteers.
type VolunteerFilter struct {
	CommunityID *int64
	GridID      *int64
	Skill       *string
	UserID      *int64
	Active      *bool
	Q           string
	Page
}

// DonorFilter selects donors.
type DonorFilter struct {
	Kind        *string
	CommunityID *int64
	Interest    *string
	UserID      *int64
	Q           string
	Page
}

// PartyStore persists the parties: organizations, social workers, volunteers and donors,
// with their join-table lists (categories, areas, skills, interests) loaded in batches.
type PartyStore interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	UpdateOrganization(ctx context.Context, o *Organization) error
	FindOrganization(ctx context.Context, id int64) (*Organization, error)
	FindOrganizations(ctx context.Context, f OrganizationFilter) ([]*Organization, int, error)

	CreateSocialWorker(ctx context.Context, w *SocialWorker) error
	UpdateSocialWorker(ctx context.Context, w *SocialWorker) error
	FindSocialWorker(ctx context.Context, id int64) (*SocialWorker, error)
	FindSocialWorkers(ctx context.Context, f SocialWorkerFilter) ([]*SocialWorker, int, error)

	CreateVolunteer(ctx context.Context, v *Volunteer) error
	UpdateVolunteer(ctx context.Context, v *Volunteer) error
	FindVolunteer(ctx context.Context, id int64) (*Volunteer, error)
	FindVolunteers(ctx context.Context, f VolunteerFilter) ([]*Volunteer, int, error)

	CreateDonor(ctx context.Context, d *Donor) error
	UpdateDonor(ctx context.Context, d *Donor) error
	FindDonor(ctx context.Context, id int64) (*Donor, error)
	FindDonors(ctx context.Context, f DonorFilter) ([]*Donor, int, error)
}

// ProjectFilter selects projects.
type ProjectFilter struct {
	IDs         []int64 // only these (batch loading; leave Page zero for no count)
	CommunityID *int64
	Category    *string
	ProposerID  *int64
	Statuses    []string
	Q           string
	// RecentFirst orders by the last change (a status move sets it), newest first.
	RecentFirst bool
	Page
}

// ProjectStore persists micro-projects.
type ProjectStore interface {
	CreateProject(ctx context.Context, p *Project) error
	UpdateProject(ctx context.Context, p *Project) error
	FindProject(ctx context.Context, id int64) (*Project, error)
	FindProjects(ctx context.Context, f ProjectFilter) ([]*Project, int, error)
}

// UserFilter selects users.
type UserFilter struct {
	Q   string  // name, email or mobile contains
	IDs []int64 // only these users (unpaged batch loads)
	Page
}

// MembershipFilter selects memberships.
type MembershipFilter struct {
	UserID      *int64
	CommunityID *int64
	Role        *Role
	Page
}

// AccountStore persists users, memberships and API tokens.
type AccountStore interface {
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	FindUser(ctx context.Context, id int64) (*User, error)
	// FindUserByLogin finds a user by normalised email or mobile; ENOTFOUND if none.
	FindUserByLogin(ctx context.Context, login string) (*User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	CountUsers(ctx context.Context) (int, error)

	CreateMembership(ctx context.Context, m *Membership) error
	DeleteMembership(ctx context.Context, id int64) error
	FindMembership(ctx context.Context, id int64) (*Membership, error)
	FindMemberships(ctx context.Context, f MembershipFilter) ([]*Membership, int, error)
	UserMemberships(ctx context.Context, userID int64) ([]Membership, error)
	// MoveOrgMemberships gives every org_member membership of the organization the given
	// place (a street or a community, at most one), when the organization moves.
	MoveOrgMemberships(ctx context.Context, orgID int64, streetID, communityID *int64) error

	CreateAPIToken(ctx context.Context, t *APIToken) error
	// FindAPIToken finds an unexpired token by hash; ENOTFOUND otherwise.
	FindAPIToken(ctx context.Context, hash string, now time.Time) (*APIToken, error)
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	// DeleteUserAPITokens revokes every token of a user and says how many there were.
	DeleteUserAPITokens(ctx context.Context, userID int64) (int64, error)
}

// AuditFilter selects audit events.
type AuditFilter struct {
	SubjectType *string
	SubjectID   *int64
	CommunityID *int64
	// InCommunities, when not nil, keeps only entries of these communities (set by the use
	// case from the caller's scope, never from the request).
	InCommunities []int64
	Page
}

// AuditStore appends and reads audit events. There is no update or delete.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *AuditEvent) error
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, int, error)
}

// Store is everything the application persists.
type Store interface {
	Transactor
	RegistryStore
	NeedStore
	PartyStore
	ProjectStore
	ProjectDeliberationStore
	PickerStore
	TenderStore
	AccountStore
	AuditStore
	TaskStore
	RankingStore
	SearchStore
	FundStore
	PledgeStore
	ProjectDeliveryStore
	ProjectPhotoStore
	AttachmentStore
	GiftBatchStore
	JobStore
	RateLimitStore
	NotificationStore
	DashboardStore
	ImportStore
	PointsStore
	RightsStore
	ExportStore
	DonationsStore
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
}

// Clock tells the time; tests pass a fixed or stepping clock.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
