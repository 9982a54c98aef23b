package web_test

import (
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, exportAuthCases) }

// certificateCode issues a certificate for the side's volunteer as the admin, for the
// public verification routes.
func (h *harness) certificateCode(s side) string {
	ctx := h.world.As(h.t, h.app, "admin")
	p, err := h.app.ParsePeriod("2026-01-01", "2026-12-31")
	h.must(err)
	c, err := h.app.Certificate(ctx, h.volunteer(s).ID, p)
	h.must(err)
	return c.Code
}

// exportAuthCases: civil-affairs and volunteering exports for the community's managers; the
// street's needs and the money also for the committee; the certificate for the volunteer and
// their community's front desk; verification for anyone. Each export request carries a bad
// period, so an allowed caller gets 422 (checked after authorization) and no file.
func exportAuthCases() map[string]authCase {
	export := func(prefix, name string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return prefix + name + "?community_id=" + id(s.place.Community.ID) + "&from=2026-13-01", nil
		}
	}
	cert := func(prefix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return prefix + id(h.volunteer(s).ID) + "/certificate?from=2026-01-01&to=2026-12-31", nil
		}
	}
	verify := func(prefix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) { return prefix + url.QueryEscape(h.certificateCode(s)), nil }
	}
	return map[string]authCase{
		"GET /api/v1/exports":                    {allow: deciders, anyPlace: true, build: fixed("/api/v1/exports")},
		"GET /exports":                           {allow: deciders, anyPlace: true, build: fixed("/exports")},
		"GET /api/v1/exports/:name":              {allow: managers, build: export("/api/v1/exports/", app.ExportCivilVolunteerHours)},
		"GET /exports/:name":                     {allow: deciders, build: export("/exports/", app.ExportFinanceLedger)},
		"GET /api/v1/volunteers/:id/certificate": {allow: plus(frontDesk, "owner"), build: cert("/api/v1/volunteers/")},
		"GET /volunteers/:id/certificate":        {allow: plus(frontDesk, "owner"), build: cert("/volunteers/")},
		"GET /api/v1/certificates/verify":        {allow: anyone, build: verify("/api/v1/certificates/verify?code=")},
		"GET /certificates/verify":               {allow: anyone, build: verify("/certificates/verify?code=")},
		"GET /me/donations":                      {allow: []string{"user"}, build: fixed("/me/donations")},
		"GET /api/v1/me/donations":               {allow: []string{"user"}, build: fixed("/api/v1/me/donations")},
		"GET /me/data.xlsx":                      {allow: []string{"user"}, build: fixed("/me/data.xlsx")},
	}
}
