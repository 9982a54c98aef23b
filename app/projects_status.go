package app

// Project statuses of the first three steps of 友邻六事法: propose (提事), deliberate (议事),
// decide (定事). The later steps (do, publish, evaluate) add theirs in their own file and
// list them in ProjectStatuses and projectSteps; the database CHECK already accepts all nine.
const (
	ProjectDraft        = "draft"        // 提事: the proposer is still writing it
	ProjectDeliberating = "deliberating" // 议事: open for supports and comments until deliberation_ends_at
	ProjectVoting       = "voting"       // 定事: residents vote until vote_ends_at or a worker closes it
	ProjectApproved     = "approved"     // 定事: decided yes, by vote or meeting resolution
	ProjectRejected     = "rejected"     // 定事: decided no
	ProjectLapsed       = "lapsed"       // 议事: short of the support threshold when deliberation ended
)

// ProjectStatuses lists every project status in lifecycle order.
var ProjectStatuses = []string{ProjectDraft, ProjectDeliberating, ProjectVoting, ProjectApproved, ProjectRejected, ProjectLapsed}

// ProjectSteps are the six steps of 友邻六事法, in order; a page's stepper shows them.
var ProjectSteps = []string{"propose", "deliberate", "decide", "do", "publish", "evaluate"}

// projectSteps says which step (index into ProjectSteps) each status belongs to.
var projectSteps = map[string]int{
	ProjectDraft: 0, ProjectDeliberating: 1, ProjectLapsed: 1, ProjectVoting: 2, ProjectApproved: 2, ProjectRejected: 2,
}

// ProjectStep returns the index in ProjectSteps of the step a status belongs to.
func ProjectStep(status string) int { return projectSteps[status] }

// projectPublicStatuses are the statuses anyone may see: all but drafts.
func projectPublicStatuses() []string {
	out := make([]string, 0, len(ProjectStatuses))
	for _, s := range ProjectStatuses {
		if s != ProjectDraft {
			out = append(out, s)
		}
	}
	return out
}
