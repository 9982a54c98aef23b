package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wushe/wushe/app"
)

const (
	ctxLang      = "lang"
	ctxPrincipal = "principal"
)

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

// machinePath reports paths that need no session, language or CSRF handling.
func machinePath(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/static/") ||
		path == "/healthz" || path == "/readyz" || path == "/metrics"
}

func (s *Server) middleware(reg *prometheus.Registry) {
	e := s.e
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true, LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRoutePath: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), level, "http",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	}))
	e.Use(s.metrics.middleware)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
	}))
	e.Use(s.bodyLimits())
	e.Use(s.language)
	e.Use(s.withSessions)
	e.Use(s.authenticate)
	e.Use(s.requireSignIn)
	e.Use(csrfRefusals(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        func(c echo.Context) bool { return machinePath(c.Request().URL.Path) },
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     "wushe_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.cfg.SecureCookies,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   86400,
	})))
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// csrfError is a request the CSRF middleware refused: a token missing or wrong, or a
// cross-site form. It is told apart by where it came from, not by Echo's message text.
type csrfError struct{ err error }

func (e *csrfError) Error() string { return "csrf: " + e.err.Error() }
func (e *csrfError) Unwrap() error { return e.err }

const ctxCSRFPassed = "csrf_passed"

// csrfRefusals marks every error the CSRF middleware itself returns as a csrfError; errors
// from the handlers after it pass through unchanged.
func csrfRefusals(mw echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := mw(func(c echo.Context) error {
			c.Set(ctxCSRFPassed, true)
			return next(c)
		})
		return func(c echo.Context) error {
			err := h(c)
			if err != nil && c.Get(ctxCSRFPassed) == nil {
				return &csrfError{err: err}
			}
			return err
		}
	}
}

// language picks the request's language and remembers an explicit choice in a cookie.
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l := s.i18n.pick(c.Request())
		c.Set(ctxLang, l)
		if q := c.QueryParam("lang"); q != "" && normLang(q) != "" && !isAPI(c) {
			c.SetCookie(&http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 86400,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
		}
		return next(c)
	}
}

// withSessions loads and saves the server-side session for page requests.
func (s *Server) withSessions(next echo.HandlerFunc) echo.HandlerFunc {
	wrapped := echo.WrapMiddleware(s.sessions.LoadAndSave)(next)
	return func(c echo.Context) error {
		if machinePath(c.Request().URL.Path) {
			return next(c)
		}
		return wrapped(c)
	}
}

// authenticate finds who is calling: a bearer token on the API, the session on pages.
// Invalid bearer tokens are rejected; missing identity is anonymous.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p := &app.Principal{}
		path := c.Request().URL.Path
		switch {
		case strings.HasPrefix(path, "/api/"):
			if h := c.Request().Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					return app.Errorf(app.EUNAUTHORIZED, "error.bad_token")
				}
				var err error
				if p, err = s.app.PrincipalForToken(ctx, strings.TrimSpace(token)); err != nil {
					return err
				}
			}
		case !machinePath(path):
			if id := s.sessions.GetInt64(ctx, "user_id"); id != 0 {
				loaded, err := s.app.Principal(ctx, id)
				switch {
				case app.IsCode(err, app.ENOTFOUND):
					_ = s.sessions.Destroy(ctx)
				case err != nil:
					return err
				case loaded.User.Disabled, s.sessions.GetString(ctx, sessionStamp) != passwordStamp(loaded.User):
					// Disabled, or the password changed since this session signed in.
					_ = s.sessions.Destroy(ctx)
				default:
					p = loaded
				}
			}
		}
		c.Set(ctxPrincipal, p)
		ctx = app.WithPrincipal(ctx, p)
		ctx = app.WithRequestMeta(ctx, app.RequestMeta{IP: c.RealIP()})
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

func principal(c echo.Context) *app.Principal {
	if p, ok := c.Get(ctxPrincipal).(*app.Principal); ok && p != nil {
		return p
	}
	return &app.Principal{}
}

func lang(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return languages[0]
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	return t
}

// metrics counts and times requests by route pattern (never by raw path, to bound cardinality).
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wushe_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wushe_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			if he, ok := err.(*echo.HTTPError); ok {
				status = he.Code
			} else {
				status = statusOf(err)
			}
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// bodyLimits bounds request bodies: the server's limit, except on the routes that take files
// (uploadBodyLimits), which have their own. Middleware added with Use runs after routing, so
// the route's path is known here.
func (s *Server) bodyLimits() echo.MiddlewareFunc {
	def := middleware.BodyLimit(s.cfg.BodyLimit)
	per := map[string]echo.MiddlewareFunc{}
	for route, limit := range uploadBodyLimits {
		per[route] = middleware.BodyLimit(limit)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		dn := def(next)
		pn := make(map[string]echo.HandlerFunc, len(per))
		for route, mw := range per {
			pn[route] = mw(next)
		}
		return func(c echo.Context) error {
			if h, ok := pn[c.Request().Method+" "+c.Path()]; ok {
				return h(c)
			}
			return dn(c)
		}
	}
}
