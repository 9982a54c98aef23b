package web

// Routes of project delivery and evaluation (issue 11, steps 4–6) and need ratings.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) projectDeliveryRoutes() {
	s.usePages("project_accountability", "community_project_ratings")
	e := s.e
	e.GET("/projects/:id/accountability", s.projectAccountabilityPage)
	e.POST("/projects/:id/milestones", s.projectMilestoneAdd)
	e.POST("/projects/:id/updates", s.projectUpdatePost)
	e.POST("/projects/:id/complete", s.projectCompletePost)
	e.POST("/projects/:id/ratings", s.projectRatePost)
	e.POST("/needs/:id/rating", s.needRatePost)
	e.GET("/communities/:id/project-ratings", s.communityRatingsPage)

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/milestones", Op: "listProjectMilestones", Tag: "projects",
		Summary: "A project's delivery plan: milestones by due date", Resp: list[*app.ProjectMilestone]{}, H: s.apiProjectMilestones})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/milestones", Op: "addProjectMilestone", Tag: "projects", Auth: true,
		Summary: "Add a milestone (members of the delivering organization, workers of the place); due_on is a date or RFC 3339 time",
		Body:    app.MilestoneInput{}, Resp: app.ProjectMilestone{}, Status: http.StatusCreated, H: s.apiProjectMilestoneAdd})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/updates", Op: "listProjectUpdates", Tag: "projects",
		Summary: "A project's timeline of updates and its completion report, newest first", Resp: list[*app.ProjectUpdate]{}, H: s.apiProjectUpdates})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/updates", Op: "postProjectUpdate", Tag: "projects", Auth: true,
		Summary: "Post a progress update (text, photo links, milestone reached, percent done); the first one starts an approved project",
		Body:    app.ProjectUpdateInput{}, Resp: app.ProjectUpdate{}, Status: http.StatusCreated, H: s.apiProjectUpdatePost})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/completion", Op: "completeProject", Tag: "projects", Auth: true,
		Summary: "Complete the project with a report and evidence links; residents may rate it for 30 days",
		Body:    app.CompletionInput{}, Resp: projectOut{}, H: s.apiProjectComplete})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/ratings", Op: "rateProject", Tag: "projects", Auth: true,
		Summary: "Rate a completed project of your community, 1–5 per criterion (201; 200 when it replaces your earlier rating)",
		Body:    app.ProjectRatingInput{}, Resp: app.ProjectRating{}, Status: http.StatusCreated, H: s.apiProjectRate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/accountability", Op: "getProjectAccountability", Tag: "projects",
		Summary: "A project's money trail from the ledger: raised by source, matched, spent per paid disbursement with evidence, left (fen)",
		Resp:    accountabilityOut{}, H: s.apiProjectAccountability})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/needs/:id/rating", Op: "rateNeed", Tag: "needs", Auth: true,
		Summary: "The requester rates their resolved need 1–5; 2 or less reopens it for the community worker",
		Body:    app.NeedRatingInput{}, Resp: app.NeedRating{}, Status: http.StatusCreated, H: s.apiNeedRate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/project-ratings", Op: "getCommunityProjectRatings", Tag: "projects",
		Summary: "A community's roll-up of project ratings (public)", Resp: app.CommunityRatings{}, H: s.apiCommunityRatings})
}
