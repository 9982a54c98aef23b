package web_test

import (
	"context"
	"net/url"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, notifyAuthCases) }

// unsubscribeToken signs a link for the side's resident.
func (h *harness) unsubscribeToken(s side) string {
	tok, err := h.app.UnsubscribeToken(context.Background(), h.ownerID(s), app.KindNeedResolved)
	h.must(err)
	return tok
}

// notifyAuthCases: every signed-in user has their own inbox and preferences; an unsubscribe
// link works for anyone holding it (its signature is the authority).
func notifyAuthCases() map[string]authCase {
	user := []string{"user"}
	return map[string]authCase{
		"GET /notifications":          {allow: user, build: fixed("/notifications")},
		"POST /notifications/read":    {allow: user, build: func(*harness, side) (string, any) { return "/notifications/read", url.Values{} }},
		"GET /notifications/settings": {allow: user, build: fixed("/notifications/settings")},
		"POST /notifications/settings": {allow: user, build: func(*harness, side) (string, any) {
			return "/notifications/settings", url.Values{"quiet_start": {"22:00"}, "quiet_end": {"07:00"}}
		}},
		"GET /api/v1/me/notifications":            {allow: user, build: fixed("/api/v1/me/notifications")},
		"POST /api/v1/me/notifications/read":      {allow: user, build: func(*harness, side) (string, any) { return "/api/v1/me/notifications/read", map[string]any{} }},
		"GET /api/v1/me/notification-preferences": {allow: user, build: fixed("/api/v1/me/notification-preferences")},
		"PUT /api/v1/me/notification-preferences": {allow: user, build: func(*harness, side) (string, any) {
			return "/api/v1/me/notification-preferences", map[string]any{"quiet_start": "", "quiet_end": ""}
		}},
		"GET /unsubscribe": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/unsubscribe?token=" + url.QueryEscape(h.unsubscribeToken(s)), nil
		}},
		"POST /unsubscribe": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/unsubscribe", url.Values{"token": {h.unsubscribeToken(s)}}
		}},
		"POST /api/v1/unsubscribe": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/unsubscribe", map[string]any{"token": h.unsubscribeToken(s)}
		}},
	}
}
