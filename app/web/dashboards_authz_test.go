package web_test

func init() { authCaseSets = append(authCaseSets, dashboardAuthCases) }

// dashboardAuthCases: the people who answer for a community (its workers, committee and the
// civil-affairs officers over it) read its dashboard and its street's; the city roll-up is
// for civil-affairs officers and admins (each sees the communities of their scope).
func dashboardAuthCases() map[string]authCase {
	readers := []string{"grid_worker", "community_worker", "committee_member", "civil_affairs_officer", "admin"}
	return map[string]authCase{
		"GET /api/v1/dashboards/communities/:id": {allow: readers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/dashboards/communities/" + id(s.place.Community.ID) + "?from=2026-11-01&to=2026-11-30", nil
		}},
		"GET /api/v1/dashboards/streets/:id": {allow: []string{"civil_affairs_officer", "admin"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/dashboards/streets/" + id(s.place.Street.ID), nil
		}},
		"GET /api/v1/dashboards/city": {allow: []string{"civil_affairs_officer", "admin"}, anyPlace: true, build: fixed("/api/v1/dashboards/city")},
	}
}
