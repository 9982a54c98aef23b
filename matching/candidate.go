package matching

import (
	"fmt"
	"math"
)

// CandidateKind says which of the three parties a ranked candidate is.
type CandidateKind uint8

// The three kinds of candidate the ranker scores.
const (
	KindVolunteer CandidateKind = iota
	KindOrganization
	KindDonor
	numKinds
)

var kindNames = [numKinds]string{"volunteer", "organization", "donor"}

// String returns the kind's stable code.
func (k CandidateKind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText encodes the kind as its code ("volunteer", "organization", "donor").
func (k CandidateKind) MarshalText() ([]byte, error) {
	if k >= numKinds {
		return nil, fmt.Errorf("matching: unknown candidate kind %d", uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// CommunityKind is one of the four community kinds; each has its own default ranking profile.
type CommunityKind string

// The community kinds and the "long board" (strength) their default profile leans on.
const (
	Urban        CommunityKind = "urban"         // charity resources: donors weigh more
	Rural        CommunityKind = "rural"         // resident mobilisation: locality, same-grid volunteers
	Merged       CommunityKind = "merged"        // merged large community: social organizations
	UrbanVillage CommunityKind = "urban_village" // urban village, suburban, resettlement: volunteers
)

// DonorKind is who gives: a resident, a merchant, a unit (employer, agency) or a foundation.
type DonorKind string

// The donor kinds, matching the application's registry.
const (
	DonorResident   DonorKind = "resident"
	DonorMerchant   DonorKind = "merchant"
	DonorUnit       DonorKind = "unit"
	DonorFoundation DonorKind = "foundation"
)

// Evaluations summarises resident satisfaction ratings on the 1–5 star scale.
type Evaluations struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"` // ignored when Count is 0
}

// Volunteer is a volunteer as the ranker sees it.
type Volunteer struct {
	ID           int64    `json:"id"`
	Skills       []string `json:"skills"`
	Availability Week     `json:"-"`
	Home         *LatLng  `json:"home,omitempty"` // nil: not shared (residents may keep it private)
	GridID       int64    `json:"grid_id"`        // 0: unknown
	CommunityID  int64    `json:"community_id"`   // 0: unknown
	// Load is the work already held and MaxLoad the most the volunteer takes, in the same unit
	// (the application uses hours this week). MaxLoad ≤ 0 means no cap, and then no load discount.
	Load        float64     `json:"load"`
	MaxLoad     float64     `json:"max_load"`
	Shows       int         `json:"shows"`    // shifts attended
	NoShows     int         `json:"no_shows"` // shifts missed without notice
	Evaluations Evaluations `json:"evaluations"`
}

// Organization is a social organization (or merchant, unit, foundation offering services).
type Organization struct {
	ID          int64    `json:"id"`
	Categories  []string `json:"categories"`
	ServiceArea []int64  `json:"service_area"` // community ids the organization serves
	Location    *LatLng  `json:"location,omitempty"`
	Verified    bool     `json:"verified"`
	// Load is the number of projects in hand and Capacity the most it takes; Capacity ≤ 0 means
	// no cap (and no load discount).
	Load        float64     `json:"load"`
	Capacity    float64     `json:"capacity"`
	Evaluations Evaluations `json:"evaluations"`
}

// Donor is a giver of money, goods or venues.
type Donor struct {
	ID          int64     `json:"id"`
	Kind        DonorKind `json:"kind"`
	Categories  []string  `json:"categories"`  // categories the donor cares about
	Communities []int64   `json:"communities"` // communities the donor cares about
	Gifts       int       `json:"gifts"`       // past gifts on the platform
	GivenMinor  int64     `json:"given_minor"` // total given, in minor units (fen); shown, not scored
	Location    *LatLng   `json:"location,omitempty"`
}

// Target is what candidates are ranked for: a need, a project or a task.
type Target struct {
	Category string   `json:"category"`
	Skills   []string `json:"skills"` // skills the work needs; volunteers' fit is the share they hold
	// MinSkills is a hard filter: volunteers must hold at least this many of Skills
	// (more than len(Skills) means all of them). 0 keeps volunteers without the skills.
	MinSkills int `json:"min_skills"`
	// RequireCategory is a hard filter: organizations must list Category.
	RequireCategory bool    `json:"require_category"`
	Location        *LatLng `json:"location,omitempty"`
	GridID          int64   `json:"grid_id"`
	CommunityID     int64   `json:"community_id"`
	// Window is when the work happens; volunteers must be available in at least one of its hours.
	// The zero Week means any time.
	Window Week `json:"window"`
	// RadiusMeters is a hard filter on volunteers and organizations (an organization whose service
	// area includes CommunityID passes wherever its office is); 0 means no limit. Donors are never
	// filtered by distance: money travels.
	RadiusMeters float64 `json:"radius_meters"`
	// Paid work goes only to verified organizations.
	Paid          bool          `json:"paid"`
	CommunityKind CommunityKind `json:"community_kind"`
}

// validate checks the target before a query runs.
func (t *Target) validate() error {
	if t.Location != nil && !t.Location.valid() {
		return &FieldError{Field: "target.location", Message: fmt.Sprintf("%v,%v is not a position", t.Location.Lat, t.Location.Lng)}
	}
	if math.IsNaN(t.RadiusMeters) || math.IsInf(t.RadiusMeters, 0) || t.RadiusMeters < 0 {
		return &FieldError{Field: "target.radius_meters", Message: fmt.Sprintf("%v must be a finite number ≥ 0", t.RadiusMeters)}
	}
	if t.RadiusMeters > 0 && t.Location == nil {
		return &FieldError{Field: "target.radius_meters", Message: "a radius needs target.location"}
	}
	if t.MinSkills < 0 {
		return &FieldError{Field: "target.min_skills", Message: fmt.Sprintf("%d is negative", t.MinSkills)}
	}
	if t.RequireCategory && t.Category == "" {
		return &FieldError{Field: "target.require_category", Message: "needs target.category"}
	}
	if !t.Window.valid() {
		return &FieldError{Field: "target.window", Message: "has bits beyond hour 167"}
	}
	return nil
}

// FieldError reports one invalid input; Field is a dotted path such as "weights.distance" or
// "volunteers[12].max_load", so the web layer can attach the message to a form field.
type FieldError struct {
	Field   string
	Message string
}

// Error formats the fault as "field: message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErrorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validateVolunteer checks one volunteer record; i is its position for the error message.
func validateVolunteer(i int, v *Volunteer) error {
	f := func(name string) string { return fmt.Sprintf("volunteers[%d] (id %d).%s", i, v.ID, name) }
	switch {
	case v.Home != nil && !v.Home.valid():
		return fieldErrorf(f("home"), "%v,%v is not a position", v.Home.Lat, v.Home.Lng)
	case !finite(v.Load) || v.Load < 0:
		return fieldErrorf(f("load"), "%v must be a finite number ≥ 0", v.Load)
	case !finite(v.MaxLoad):
		return fieldErrorf(f("max_load"), "%v is not finite", v.MaxLoad)
	case v.Shows < 0:
		return fieldErrorf(f("shows"), "%d is negative", v.Shows)
	case v.NoShows < 0:
		return fieldErrorf(f("no_shows"), "%d is negative", v.NoShows)
	case !v.Availability.valid():
		return fieldErrorf(f("availability"), "has bits beyond hour 167")
	}
	if name, msg := checkEvaluations(v.Evaluations); name != "" {
		return fieldErrorf(f(name), "%s", msg)
	}
	return nil
}

func validateOrganization(i int, o *Organization) error {
	f := func(name string) string { return fmt.Sprintf("organizations[%d] (id %d).%s", i, o.ID, name) }
	switch {
	case o.Location != nil && !o.Location.valid():
		return fieldErrorf(f("location"), "%v,%v is not a position", o.Location.Lat, o.Location.Lng)
	case !finite(o.Load) || o.Load < 0:
		return fieldErrorf(f("load"), "%v must be a finite number ≥ 0", o.Load)
	case !finite(o.Capacity):
		return fieldErrorf(f("capacity"), "%v is not finite", o.Capacity)
	}
	if name, msg := checkEvaluations(o.Evaluations); name != "" {
		return fieldErrorf(f(name), "%s", msg)
	}
	return nil
}

func validateDonor(i int, d *Donor) error {
	f := func(name string) string { return fmt.Sprintf("donors[%d] (id %d).%s", i, d.ID, name) }
	switch {
	case d.Location != nil && !d.Location.valid():
		return fieldErrorf(f("location"), "%v,%v is not a position", d.Location.Lat, d.Location.Lng)
	case d.Gifts < 0:
		return fieldErrorf(f("gifts"), "%d is negative", d.Gifts)
	}
	return nil
}

// checkEvaluations returns the faulty field and why, or "" — no error value (and no message
// formatting) for the million valid records of a city.
func checkEvaluations(e Evaluations) (field, msg string) {
	if e.Count < 0 {
		return "evaluations.count", fmt.Sprintf("%d is negative", e.Count)
	}
	if e.Count > 0 && (!finite(e.Mean) || e.Mean < 1 || e.Mean > 5) {
		return "evaluations.mean", fmt.Sprintf("%v is outside 1–5 stars", e.Mean)
	}
	return "", ""
}
