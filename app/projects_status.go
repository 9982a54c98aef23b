package app

// Project statuses of 友邻六事法: propose (提事), deliberate (议事), decide (定事), then
// do (办事), publish (晒事) and evaluate (评事) (app/projects_delivery.go has their rules).
const (
	ProjectDraft        = "draft"        // 提事: the proposer is still writing it
	ProjectDeliberating = "deliberating" // 议事: open for supports and comments until deliberation_ends_at
	ProjectVoting       = "voting"       // 定事: residents vote until vote_ends_at or a worker closes it
	ProjectApproved     = "approved"     // 定事: decided yes, by vote or meeting resolution
	ProjectRejected     = "rejected"     // 定事: decided no
	ProjectLapsed       = "lapsed"       // 议事: short of the support threshold when deliberation ended
	ProjectInProgress   = "in_progress"  // 办事: work linked or the first update posted
	ProjectCompleted    = "completed"    // 晒事: the completion report is public; residents rate
	ProjectEvaluated    = "evaluated"    // 评事: the rating window closed; the ratings are final
)

// ProjectStatuses lists every project status in lifecycle order.
var ProjectStatuses = []string{ProjectDraft, ProjectDeliberating, ProjectVoting, ProjectApproved, ProjectRejected, ProjectLapsed,
	ProjectInProgress, ProjectCompleted, ProjectEvaluated}

// ProjectSteps are the six steps of 友邻六事法, in order; a page's stepper shows them.
var ProjectSteps = []string{"propose", "deliberate", "decide", "do", "publish", "evaluate"}

// projectSteps says which step (index into ProjectSteps) each status belongs to.
var projectSteps = map[string]int{
	ProjectDraft: 0, ProjectDeliberating: 1, ProjectLapsed: 1, ProjectVoting: 2, ProjectApproved: 2, ProjectRejected: 2,
	// A completed project is published (晒事) and open for ratings; evaluated closes 评事.
	ProjectInProgress: 3, ProjectCompleted: 4, ProjectEvaluated: 5,
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
