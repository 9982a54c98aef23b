package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// notificationOut is a notification as the API shows it: title and body in the caller's
// language, link the page's path.
type notificationOut struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// notificationList is a page of the inbox with the number unread.
type notificationList struct {
	Items   []notificationOut `json:"items"`
	Unread  int               `json:"unread"`
	Total   int               `json:"total"`
	Page    int               `json:"page"`
	PerPage int               `json:"per_page"`
}

type markReadOut struct {
	Marked int `json:"marked"`
	Unread int `json:"unread"`
}

type unsubscribeIn struct {
	Token string `json:"token" form:"token"`
}

func (s *Server) toNotificationOut(l string, n *app.Notification) notificationOut {
	return notificationOut{ID: n.ID, Kind: n.Kind, Title: s.i18n.Msg(l, n.Title()), Body: s.i18n.Msg(l, n.Body()),
		Link: n.Link, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
}

func notificationFilter(c echo.Context) (app.NotificationFilter, error) {
	p := params{c: c}
	f := app.NotificationFilter{Page: p.page()}
	if u := p.boolp("unread"); u != nil {
		f.Unread = *u
	}
	return f, p.err
}

// myNotifications reads the filter and runs the inbox use case, with the rows in the
// request's language.
func (s *Server) myNotifications(c echo.Context) (notificationList, error) {
	f, err := notificationFilter(c)
	if err != nil {
		return notificationList{}, err
	}
	l, err := s.app.MyNotifications(c.Request().Context(), f)
	if err != nil {
		return notificationList{}, err
	}
	pg := f.Page.Normalize()
	out := notificationList{Items: make([]notificationOut, len(l.Items)), Unread: l.Unread, Total: l.Total, Page: pg.Page, PerPage: pg.PerPage}
	for i, n := range l.Items {
		out.Items[i] = s.toNotificationOut(lang(c), n)
	}
	return out, nil
}

func (s *Server) apiNotifications(c echo.Context) error {
	out, err := s.myNotifications(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiNotificationsRead(c echo.Context) error {
	var in app.MarkReadInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	n, err := s.app.MarkNotificationsRead(ctx, in)
	if err != nil {
		return err
	}
	unread, err := s.app.UnreadNotifications(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, markReadOut{Marked: n, Unread: unread})
}

func (s *Server) apiNotificationPrefs(c echo.Context) error {
	out, err := s.app.MyNotificationPrefs(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiNotificationPrefsSave(c echo.Context) error {
	return apiNew(c, http.StatusOK, s.app.SaveMyNotificationPrefs)
}

func (s *Server) apiUnsubscribe(c echo.Context) error {
	var in unsubscribeIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := s.app.Unsubscribe(c.Request().Context(), in.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) notificationsPage(c echo.Context) error {
	out, err := s.myNotifications(c)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "notify.inbox.title"), "notifications")
	v.Data = out
	v.Pager = newPager(c, app.Page{Page: out.Page, PerPage: out.PerPage}, out.Total)
	return s.renderPage(c, http.StatusOK, "notifications", v)
}

// notificationsRead marks one notification (id) or all of them read and goes back, or
// follows the notification's link when asked to open it.
func (s *Server) notificationsRead(c echo.Context) error {
	var in app.MarkReadInput
	if id := c.FormValue("id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "id")
		}
		in.IDs = []int64{n}
	}
	_, err := s.app.MarkNotificationsRead(c.Request().Context(), in)
	to := "/notifications"
	if link := c.FormValue("open"); link != "" && len(link) > 1 && link[0] == '/' && link[1] != '/' {
		to = link // only a path of this site: never an open redirect
	}
	return s.after(c, to, err, "notify.inbox.marked")
}

func (s *Server) notificationSettingsPage(c echo.Context) error {
	prefs, err := s.app.MyNotificationPrefs(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "notify.settings.title"), "notifications")
	v.Data = prefs
	return s.renderPage(c, http.StatusOK, "notification_settings", v)
}

// notificationSettingsSave reads one e-mail and one digest checkbox per kind
// (email.<kind>, digest.<kind>) and the quiet hours.
func (s *Server) notificationSettingsSave(c echo.Context) error {
	in := app.NotificationPrefsInput{QuietStart: c.FormValue("quiet_start"), QuietEnd: c.FormValue("quiet_end")}
	for _, k := range app.NotificationKinds() {
		in.Kinds = append(in.Kinds, app.NotificationPrefLine{Kind: k, Email: c.FormValue("email."+k) == "on", Digest: c.FormValue("digest."+k) == "on"})
	}
	if _, err := s.app.SaveMyNotificationPrefs(c.Request().Context(), in); err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "notify.settings.title"), "notifications"), func(st int, v *View) error {
			cur, err := s.app.MyNotificationPrefs(c.Request().Context())
			if err != nil {
				return err
			}
			cur.QuietStart, cur.QuietEnd = in.QuietStart, in.QuietEnd
			v.Data = cur
			return s.renderPage(c, st, "notification_settings", v)
		})
	}
	return s.done(c, "/notifications/settings", "notify.settings.saved")
}

// unsubscribePage shows what the link turns off and a button to confirm: mail scanners open
// links, so a GET changes nothing.
func (s *Server) unsubscribePage(c echo.Context) error {
	tok := c.QueryParam("token")
	u, err := s.app.UnsubscribeInfo(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "notify.unsubscribe.title"), "")
	v.Data = map[string]any{"Token": tok, "Kind": u.Kind}
	return s.renderPage(c, http.StatusOK, "unsubscribe", v)
}

func (s *Server) unsubscribeForm(c echo.Context) error {
	u, err := s.app.Unsubscribe(c.Request().Context(), c.FormValue("token"))
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "notify.unsubscribe.title"), "")
	v.Data = map[string]any{"Done": true, "Kind": u.Kind}
	return s.renderPage(c, http.StatusOK, "unsubscribe", v)
}
