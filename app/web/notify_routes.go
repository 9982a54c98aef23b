package web

// Routes of notifications: the inbox, preferences and unsubscribe links, pages and JSON API.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) notifyRoutes() {
	s.usePages("notifications", "notification_settings", "unsubscribe")
	e := s.e
	e.GET("/notifications", s.notificationsPage)
	e.POST("/notifications/read", s.notificationsRead)
	e.GET("/notifications/settings", s.notificationSettingsPage)
	e.POST("/notifications/settings", s.notificationSettingsSave)
	e.GET("/unsubscribe", s.unsubscribePage)
	e.POST("/unsubscribe", s.unsubscribeForm)

	pageQ := []queryParam{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/notifications", Op: "listMyNotifications", Tag: "notifications", Auth: true,
		Summary: "My notifications, newest first, with the number unread",
		Query:   append([]queryParam{{Name: "unread", Type: "boolean", Desc: "only unread ones"}}, pageQ...),
		Resp:    notificationList{}, H: s.apiNotifications})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/me/notifications/read", Op: "markNotificationsRead", Tag: "notifications", Auth: true,
		Summary: `Mark my notifications read: {"ids": [...]}, or {} for all`, Body: app.MarkReadInput{}, Resp: markReadOut{}, H: s.apiNotificationsRead})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/notification-preferences", Op: "getMyNotificationPreferences", Tag: "notifications", Auth: true,
		Summary: "My notification preferences: e-mail and digest per kind, quiet hours", Resp: app.NotificationPrefs{}, H: s.apiNotificationPrefs})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/me/notification-preferences", Op: "setMyNotificationPreferences", Tag: "notifications", Auth: true,
		Summary: "Set my notification preferences (kinds not listed keep theirs)", Body: app.NotificationPrefsInput{}, Resp: app.NotificationPrefs{}, H: s.apiNotificationPrefsSave})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/unsubscribe", Op: "unsubscribe", Tag: "notifications",
		Summary: "Turn e-mail off with the signed token of an e-mail's unsubscribe link (no sign-in)", Body: unsubscribeIn{}, Resp: app.Unsubscription{}, H: s.apiUnsubscribe})
}
