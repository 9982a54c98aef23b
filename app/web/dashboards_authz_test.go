package web_test

func init() { authCaseSets = append(authCaseSets, dashboardAuthCases) }

// dashboardAuthCases: the people who answer for a community (its workers, committee and the
// civil-affairs officers over it) read its dashboard, as a page, an export or JSON; a street's
// and the city roll-up are for civil-affairs officers and admins (each sees the communities
// of their scope). The index lists what one may open, for anyone holding a reading role.
func dashboardAuthCases() map[string]authCase {
	readers := []string{"grid_worker", "community_worker", "committee_member", "civil_affairs_officer", "admin"}
	officers := []string{"civil_affairs_officer", "admin"}
	community := func(suffix string) func(h *harness, s side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return "/dashboards/communities/" + id(s.place.Community.ID) + suffix + "?from=2026-11-01&to=2026-11-30", nil
		}
	}
	street := func(suffix string) func(h *harness, s side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return "/dashboards/streets/" + id(s.place.Street.ID) + suffix, nil
		}
	}
	cases := map[string]authCase{
		"GET /dashboards": {allow: readers, anyPlace: true, build: fixed("/dashboards")},
		"GET /dashboard":  {allow: anyone, build: fixed("/dashboard")}, // a redirect to /dashboards
		"GET /api/v1/dashboards/communities/:id": {allow: readers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/dashboards/communities/" + id(s.place.Community.ID) + "?from=2026-11-01&to=2026-11-30", nil
		}},
		"GET /api/v1/dashboards/streets/:id": {allow: officers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/dashboards/streets/" + id(s.place.Street.ID), nil
		}},
		"GET /api/v1/dashboards/city": {allow: officers, anyPlace: true, build: fixed("/api/v1/dashboards/city")},
	}
	for _, suffix := range []string{"", "/export.csv", "/export.xlsx"} {
		cases["GET /dashboards/communities/:id"+suffix] = authCase{allow: readers, build: community(suffix)}
		cases["GET /dashboards/streets/:id"+suffix] = authCase{allow: officers, build: street(suffix)}
		cases["GET /dashboards/city"+suffix] = authCase{allow: officers, anyPlace: true, build: fixed("/dashboards/city" + suffix)}
	}
	return cases
}

func init() {
	authCaseSets = append(authCaseSets, func() map[string]authCase {
		return map[string]authCase{"GET /communities/:id/summary": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/summary", nil
		}}, "GET /api/v1/communities/:id/summary": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/summary", nil
		}}}
	})
}
