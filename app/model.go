package app

import "time"

// Community kinds, each with a different "long board" (strength) that ranking defaults follow.
const (
	KindUrban        = "urban"         // charity resources are strong
	KindRural        = "rural"         // resident mobilisation is strong
	KindMerged       = "merged"        // merged large community: social organizations are active
	KindUrbanVillage = "urban_village" // urban village, suburban or resettlement: volunteers are strong
)

// CommunityKinds lists the valid community kinds in display order.
var CommunityKinds = []string{KindUrban, KindRural, KindMerged, KindUrbanVillage}

// GridLevels lists the four grid management levels, from routine to remediation.
var GridLevels = []string{"routine", "prevention", "focus", "remediation"}

// OrganizationKinds lists the kinds of organization in the registry.
var OrganizationKinds = []string{"social_org", "merchant", "unit", "foundation"}

// CertificationLevels lists social-worker certification levels, lowest first.
var CertificationLevels = []string{"assistant", "social_worker", "senior", "supervisor"}

// DonorKinds lists who gives: residents, merchants, units (employers, agencies) and foundations.
var DonorKinds = []string{"resident", "merchant", "unit", "foundation"}

// Street is a sub-district (街道), the level above communities.
type Street struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	Name      string    `json:"name"`
	District  string    `json:"district"`
	City      string    `json:"city"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Community is a residents' community (社区) or village.
type Community struct {
	ID          int64    `json:"id" gorm:"primaryKey"`
	StreetID    int64    `json:"street_id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Households  int      `json:"households"`
	Population  int      `json:"population"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
	Address     string   `json:"address"`
	Description string   `json:"description"`
	// SLAMinorHours overrides "end of the same day" for minor needs when set.
	SLAMinorHours *int      `json:"sla_minor_hours" gorm:"column:sla_minor_hours"`
	SLAMajorHours int       `json:"sla_major_hours" gorm:"column:sla_major_hours"`
	SLAHardHours  int       `json:"sla_hard_hours" gorm:"column:sla_hard_hours"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Grid is a management grid (网格) of 200–300 households inside a community.
type Grid struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	CommunityID int64     `json:"community_id"`
	Name        string    `json:"name"`
	Code        string    `json:"code"`
	Level       string    `json:"level"`
	Households  int       `json:"households"`
	WorkerID    *int64    `json:"worker_id"`
	Lat         *float64  `json:"lat"`
	Lng         *float64  `json:"lng"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// User is an account. Email and mobile are stored normalised; at least one is set.
type User struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	Email        *string    `json:"email"`
	Mobile       *string    `json:"mobile"`
	Name         string     `json:"name"`
	PasswordHash string     `json:"-"`
	Locale       string     `json:"locale"`
	Disabled     bool       `json:"disabled"`
	LastLoginAt  *time.Time `json:"last_login_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Membership gives a user a role within a scope: a street, a community or a grid (none: global).
// org_member memberships also name the organization.
type Membership struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	UserID         int64     `json:"user_id"`
	Role           Role      `json:"role"`
	StreetID       *int64    `json:"street_id"`
	CommunityID    *int64    `json:"community_id"`
	GridID         *int64    `json:"grid_id"`
	OrganizationID *int64    `json:"organization_id"`
	GrantedBy      *int64    `json:"granted_by"`
	CreatedAt      time.Time `json:"created_at"`
	// GridCommunityID is the community of GridID, filled in when a principal is loaded, so
	// rules about a community's residents (ActProjectSupport…) cover grid-scoped residents.
	GridCommunityID *int64 `json:"-" gorm:"-"`
}

// Category is a service category with a stable code.
type Category struct {
	Code      string `json:"code" gorm:"primaryKey"`
	NameZh    string `json:"name_zh"`
	NameEn    string `json:"name_en"`
	SortOrder int    `json:"sort_order"`
}

// Skill is a volunteer skill with a stable code, optionally under a category.
type Skill struct {
	Code         string  `json:"code" gorm:"primaryKey"`
	NameZh       string  `json:"name_zh"`
	NameEn       string  `json:"name_en"`
	CategoryCode *string `json:"category_code"`
	SortOrder    int     `json:"sort_order"`
}

// Need tiers and their response promises: 小事不过夜、大事不过天、难事不过周.
const (
	TierMinor = "minor"
	TierMajor = "major"
	TierHard  = "hard"
)

// NeedTiers lists the tiers, smallest first.
var NeedTiers = []string{TierMinor, TierMajor, TierHard}

// Need privacy: whether a need's description is public.
const (
	NeedPublic  = "public"
	NeedPrivate = "private"
)

// Need statuses.
const (
	NeedOpen       = "open"
	NeedInProgress = "in_progress"
	NeedResolved   = "resolved"
	NeedClosed     = "closed"
	NeedWithdrawn  = "withdrawn"
)

// NeedStatuses lists every need status in lifecycle order.
var NeedStatuses = []string{NeedOpen, NeedInProgress, NeedResolved, NeedClosed, NeedWithdrawn}

// Escalation levels: 小事不出网格、大事不出社区、难事不出街道.
const (
	LevelGrid      = "grid"
	LevelCommunity = "community"
	LevelStreet    = "street"
)

// Need is a resident's request for help, filed in a grid.
type Need struct {
	ID            int64      `json:"id" gorm:"primaryKey"`
	CommunityID   int64      `json:"community_id"`
	GridID        int64      `json:"grid_id"`
	RequesterID   *int64     `json:"requester_id"`
	FiledByID     int64      `json:"filed_by_id"`
	OnBehalfName  string     `json:"on_behalf_name"`
	OnBehalfPhone string     `json:"on_behalf_phone"`
	ConsentMethod string     `json:"consent_method"`
	ConsentAt     *time.Time `json:"consent_at"`
	Category      string     `json:"category"`
	Tier          string     `json:"tier"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Address       string     `json:"address"`
	Privacy       string     `json:"privacy"`
	// Sensitive marks health, disability and minors' needs (PIPL art. 28): never in search,
	// private to the resident and those answering for it, out of exports by default.
	Sensitive bool `json:"sensitive"`
	// PrivatePurgedAt is when retention erased the private details of the resolved need.
	PrivatePurgedAt *time.Time `json:"private_purged_at,omitempty"`
	WindowStart     *time.Time `json:"window_start"`
	WindowEnd       *time.Time `json:"window_end"`
	Status          string     `json:"status"`
	// EscalationLevel is who answers for the need now: the grid, then the community, then the street.
	EscalationLevel string `json:"escalation_level"`
	// DueAt is the promise made to the resident; escalation never moves it.
	DueAt time.Time `json:"due_at"`
	// EscalateAt is when the need moves up a level if still unresolved; nil at the street.
	EscalateAt  *time.Time `json:"escalate_at"`
	EscalatedAt *time.Time `json:"escalated_at"`
	AssigneeID  *int64     `json:"assignee_id"`
	Resolution  string     `json:"resolution"`
	ResolvedAt  *time.Time `json:"resolved_at"`
	ClosedAt    *time.Time `json:"closed_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Overdue reports whether the need is still unanswered past its due time.
func (n *Need) Overdue(now time.Time) bool {
	return (n.Status == NeedOpen || n.Status == NeedInProgress) && now.After(n.DueAt)
}

// Organization is a social organization, merchant, unit or foundation.
type Organization struct {
	ID                 int64      `json:"id" gorm:"primaryKey"`
	Name               string     `json:"name"`
	Kind               string     `json:"kind"`
	RegistrationNumber string     `json:"registration_number"`
	StreetID           *int64     `json:"street_id"`
	CommunityID        *int64     `json:"community_id"`
	Address            string     `json:"address"`
	Lat                *float64   `json:"lat"`
	Lng                *float64   `json:"lng"`
	ContactName        string     `json:"contact_name"`
	ContactPhone       string     `json:"contact_phone"`
	Description        string     `json:"description"`
	Verified           bool       `json:"verified"`
	VerifiedAt         *time.Time `json:"verified_at"`
	VerifiedBy         *int64     `json:"verified_by"`
	CreatedBy          *int64     `json:"created_by"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	// Categories and AreaCommunityIDs live in join tables; stores load them in batches.
	Categories       []string `json:"categories" gorm:"-"`
	AreaCommunityIDs []int64  `json:"area_community_ids" gorm:"-"`
}

// SocialWorker is a (usually certified) social worker, typically employed by an organization.
type SocialWorker struct {
	ID                 int64     `json:"id" gorm:"primaryKey"`
	OrganizationID     *int64    `json:"organization_id"`
	UserID             *int64    `json:"user_id"`
	Name               string    `json:"name"`
	CertificationLevel string    `json:"certification_level"`
	CertificateNumber  string    `json:"certificate_number"`
	SupervisorID       *int64    `json:"supervisor_id"`
	CommunityID        *int64    `json:"community_id"`
	Mobile             string    `json:"mobile"`
	YearsExperience    int       `json:"years_experience"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Categories         []string  `json:"categories" gorm:"-"`
}

// Volunteer is a community volunteer's profile.
type Volunteer struct {
	ID              int64     `json:"id" gorm:"primaryKey"`
	UserID          *int64    `json:"user_id"`
	Name            string    `json:"name"`
	Mobile          string    `json:"mobile"`
	CommunityID     int64     `json:"community_id"`
	GridID          *int64    `json:"grid_id"`
	OrganizationID  *int64    `json:"organization_id"`
	Lat             *float64  `json:"lat"`
	Lng             *float64  `json:"lng"`
	Availability    Week      `json:"availability"`
	MaxHoursPerWeek int       `json:"max_hours_per_week"`
	Bio             string    `json:"bio"`
	Active          bool      `json:"active"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Skills          []string  `json:"skills" gorm:"-"`
	// BirthDate is optional (imports, issue 14); under-18s are sensitive data (PIPL art. 28).
	BirthDate *time.Time `json:"birth_date,omitempty"`
}

// Donor is someone who gives money, goods or venues: a resident, merchant, unit or foundation.
type Donor struct {
	ID               int64     `json:"id" gorm:"primaryKey"`
	UserID           *int64    `json:"user_id"`
	Kind             string    `json:"kind"`
	Name             string    `json:"name"`
	OrganizationID   *int64    `json:"organization_id"`
	CommunityID      *int64    `json:"community_id"`
	Mobile           string    `json:"mobile"`
	AnonymousDefault bool      `json:"anonymous_default"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	Interests        []string  `json:"interests" gorm:"-"`
}

// Project is a resident-proposed micro-project (微项目). Budget is in minor units (fen).
type Project struct {
	ID             int64      `json:"id" gorm:"primaryKey"`
	CommunityID    int64      `json:"community_id"`
	GridID         *int64     `json:"grid_id"`
	ProposerID     int64      `json:"proposer_id"`
	OrganizationID *int64     `json:"organization_id"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	Category       string     `json:"category"`
	Budget         int64      `json:"budget"`
	Currency       string     `json:"currency"`
	Beneficiaries  int        `json:"beneficiaries"`
	Status         string     `json:"status"`
	DecisionNote   string     `json:"decision_note"`
	DecidedBy      *int64     `json:"decided_by"`
	DecidedAt      *time.Time `json:"decided_at"`
	SubmittedAt    *time.Time `json:"submitted_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// ProjectDeliberation holds the fields of steps 1–3 (app/projects_deliberation.go).
	ProjectDeliberation `gorm:"embedded"`
}

// AuditEvent is an append-only record of something that happened and who did it.
type AuditEvent struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	OccurredAt  time.Time `json:"occurred_at"`
	ActorID     *int64    `json:"actor_id"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   int64     `json:"subject_id"`
	CommunityID *int64    `json:"community_id"`
	Data        string    `json:"data"`
	IP          string    `json:"ip" gorm:"column:ip"`
}

// APIToken is a bearer token for API clients; only its SHA-256 hash is stored.
type APIToken struct {
	ID         int64      `json:"id" gorm:"primaryKey"`
	UserID     int64      `json:"user_id"`
	TokenHash  string     `json:"-"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
}
