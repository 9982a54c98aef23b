package web_test

func init() { authCaseSets = append(authCaseSets, workbenchAuthCases) }

// workbenchAuthCases: the workbench is for anyone holding a role some staff page admits,
// wherever; residents, volunteers, donors and organization members get a 403.
func workbenchAuthCases() map[string]authCase {
	staff := []string{"grid_worker", "community_worker", "committee_member", "civil_affairs_officer", "admin"}
	return map[string]authCase{
		"GET /workbench": {allow: staff, anyPlace: true, build: fixed("/workbench")},
	}
}
