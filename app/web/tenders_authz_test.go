package web_test

import (
	"fmt"
	"net/url"
)

func init() { authCaseSets = append(authCaseSets, tenderAuthCases) }

// tenderAuthCases covers every tender route: the publishing office manages (street officers,
// the community's workers, admins); org members bid for their organization wherever the
// tender is; workers, committee members and officers over the tender's place evaluate.
func tenderAuthCases() map[string]authCase {
	evaluators := deciders
	bidders := []string{"org_member"}
	path := func(state, suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) { return "/tenders/" + id(h.tender(s, state).ID) + suffix, nil }
	}
	apiPath := func(state, suffix string) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return "/api/v1/tenders/" + id(h.tender(s, state).ID) + suffix, nil
		}
	}
	scoreForm := func(h *harness, s side) (string, any) {
		t := h.tender(s, "closed")
		h.declareAll(t)
		f := url.Values{"bid_id": {id(h.firstBid(t).ID)}}
		for _, c := range t.Criteria {
			f.Set(fmt.Sprintf("score_%d", c.ID), "75")
		}
		return "/tenders/" + id(t.ID) + "/scores", f
	}
	scoreJSON := func(h *harness, s side) (string, any) {
		t := h.tender(s, "closed")
		h.declareAll(t)
		var scores []map[string]any
		for _, c := range t.Criteria {
			scores = append(scores, map[string]any{"criterion_id": c.ID, "score": 75})
		}
		return "/api/v1/tenders/" + id(t.ID) + "/scores", map[string]any{"bid_id": h.firstBid(t).ID, "scores": scores}
	}
	return map[string]authCase{
		"GET /tenders":                  {allow: anyone, build: fixed("/tenders")},
		"GET /tenders/:id":              {allow: anyone, build: path("published", "")},
		"GET /tenders/:id/award":        {allow: anyone, build: path("awarded", "/award")},
		"GET /api/v1/tenders":           {allow: anyone, build: fixed("/api/v1/tenders")},
		"GET /api/v1/tenders/:id":       {allow: anyone, build: apiPath("published", "")},
		"GET /api/v1/tenders/:id/bids":  {allow: anyone, build: apiPath("awarded", "/bids")},
		"GET /api/v1/tenders/:id/award": {allow: anyone, build: apiPath("awarded", "/award")},
		"GET /tenders/new":              {allow: managers, anyPlace: true, build: fixed("/tenders/new")},
		"POST /tenders":                 {allow: managers, build: func(h *harness, s side) (string, any) { return "/tenders", tenderForm(s) }},
		"POST /api/v1/tenders":          {allow: managers, build: func(h *harness, s side) (string, any) { return "/api/v1/tenders", tenderJSON(s) }},
		"GET /tenders/:id/edit":         {allow: managers, build: path("draft", "/edit")},
		"POST /tenders/:id":             {allow: managers, build: func(h *harness, s side) (string, any) { p, _ := path("draft", "")(h, s); return p, tenderForm(s) }},
		"PUT /api/v1/tenders/:id":       {allow: managers, build: func(h *harness, s side) (string, any) { p, _ := apiPath("draft", "")(h, s); return p, tenderJSON(s) }},
		"POST /tenders/:id/publish": {allow: managers, build: func(h *harness, s side) (string, any) {
			p, _ := path("draft", "/publish")(h, s)
			return p, url.Values{}
		}},
		"POST /api/v1/tenders/:id/publication": {allow: managers, build: apiPath("draft", "/publication")},
		"POST /tenders/:id/cancel": {allow: managers, build: func(h *harness, s side) (string, any) {
			p, _ := path("published", "/cancel")(h, s)
			return p, url.Values{"reason": {"需求变化"}}
		}},
		"POST /api/v1/tenders/:id/cancellation": {allow: managers, build: func(h *harness, s side) (string, any) {
			p, _ := apiPath("published", "/cancellation")(h, s)
			return p, map[string]any{"reason": "需求变化"}
		}},
		"POST /tenders/:id/award":        {allow: managers, build: func(h *harness, s side) (string, any) { p, _ := path("scored", "/award")(h, s); return p, url.Values{} }},
		"POST /api/v1/tenders/:id/award": {allow: managers, build: apiPath("scored", "/award")},
		"POST /tenders/awards": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/tenders/awards", url.Values{"tender_ids": {id(h.tender(s, "scored").ID), id(h.tender(s, "scored").ID)}}
		}},
		"POST /api/v1/tenders/awards": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/tenders/awards", map[string]any{"tender_ids": []int64{h.tender(s, "scored").ID, h.tender(s, "scored").ID}}
		}},
		"GET /tenders/:id/bid": {allow: []string{"user"}, build: path("published", "/bid")}, // non-members see how to register
		"POST /tenders/:id/bids": {allow: bidders, anyPlace: true, build: func(h *harness, s side) (string, any) {
			o, team := h.memberOrg()
			p, _ := path("published", "/bids")(h, s)
			return p, url.Values{"organization_id": {id(o.ID)}, "price": {"1,500.00"}, "plan": {"每周上门"}, "team": {id(team[0])}, "capacity": {"1"}}
		}},
		"POST /api/v1/tenders/:id/bids": {allow: bidders, anyPlace: true, build: func(h *harness, s side) (string, any) {
			o, team := h.memberOrg()
			p, _ := apiPath("published", "/bids")(h, s)
			return p, map[string]any{"organization_id": o.ID, "price": 150000, "plan": "每周上门", "team": team}
		}},
		"GET /tenders/:id/evaluate": {allow: evaluators, build: path("closed", "/evaluate")},
		"POST /tenders/:id/declarations": {allow: evaluators, build: func(h *harness, s side) (string, any) {
			p, _ := path("closed", "/declarations")(h, s)
			return p, url.Values{"affirm": {"true"}}
		}},
		"POST /api/v1/tenders/:id/declarations": {allow: evaluators, build: func(h *harness, s side) (string, any) {
			p, _ := apiPath("closed", "/declarations")(h, s)
			return p, map[string]any{"affirm": true}
		}},
		"POST /tenders/:id/scores":        {allow: evaluators, build: scoreForm},
		"POST /api/v1/tenders/:id/scores": {allow: evaluators, build: scoreJSON},
	}
}
