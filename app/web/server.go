// Package web is Wushe's HTTP interface: HTML pages for people and a JSON API under /api/v1,
// both thin layers over app's use cases. It is the only package that imports Echo.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
)

// Config tunes the web layer.
type Config struct {
	// SecureCookies marks session and CSRF cookies Secure (on for HTTPS deployments).
	SecureCookies bool
	// SessionLifetime is how long a signed-in session lasts without activity.
	SessionLifetime time.Duration
	// BodyLimit bounds request bodies, e.g. "1M"; larger bodies get 413.
	BodyLimit string
	// Version is reported by /healthz and in asset URLs.
	Version string
	// LoginPerMinute bounds login attempts per client address and per account.
	LoginPerMinute int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client. With
	// none, the client is the socket's address and the header is ignored.
	TrustedProxies []*net.IPNet
	Logger         *slog.Logger
}

// SessionStore persists sessions (the database store implements it).
type SessionStore interface {
	scs.CtxStore
}

// Deps are what the web layer talks to.
type Deps struct {
	App      *app.App
	Sessions SessionStore
	// Ready reports whether the service can take traffic (database reachable).
	Ready func(ctx context.Context) error
	// Checks are the dependencies /readyz reports one by one; empty means Ready alone,
	// as "database".
	Checks []ReadyCheck
	// Registry receives the HTTP metrics; nil makes a private one.
	Registry *prometheus.Registry
}

// Server is the HTTP server's handler and its routes.
type Server struct {
	e        *echo.Echo
	app      *app.App
	cfg      Config
	log      *slog.Logger
	sessions *scs.SessionManager
	render   *renderer
	i18n     *catalog
	ready    func(ctx context.Context) error
	checks   []ReadyCheck
	draining atomic.Bool
	metrics  *metrics
	registry *prometheus.Registry
	// apiRoutes describe the JSON API for the OpenAPI document.
	apiRoutes []apiRoute
	// apiAuth says, by "METHOD path", which JSON operations need a signed-in caller.
	apiAuth map[string]bool
	// routeSet holds every registered "METHOD path", to tell a matched route from a 404.
	routeSet map[string]bool
	// pages lists every page template the routes use; New parses them all at start-up.
	pages []string

	openAPIMu   sync.Mutex
	openAPIBody []byte

	// webhookRejects throttles the log of refused payment webhooks.
	webhookRejects throttle
}

// throttle lets an event through at most once per interval and counts the ones it held
// back, so a flood (forged webhooks) cannot flood the log; the requests themselves are
// still counted by wushe_http_requests_total.
type throttle struct {
	mu      sync.Mutex
	last    time.Time
	skipped int
}

// allow reports whether to log now, and how many were held back since the last one logged.
func (t *throttle) allow(now time.Time, every time.Duration) (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.last.IsZero() && now.Sub(t.last) < every {
		t.skipped++
		return false, 0
	}
	n := t.skipped
	t.last, t.skipped = now, 0
	return true, n
}

// New builds the server: parses every template (a missing one fails here, not at request
// time), loads the catalogs, and registers every route.
func New(cfg Config, d Deps) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = 7 * 24 * time.Hour
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.LoginPerMinute <= 0 {
		cfg.LoginPerMinute = 10
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	s := &Server{
		e:        echo.New(),
		app:      d.App,
		cfg:      cfg,
		log:      cfg.Logger,
		i18n:     cat,
		ready:    d.Ready,
		checks:   d.Checks,
		metrics:  newMetrics(d.Registry),
		registry: d.Registry,
		apiAuth:  map[string]bool{},
		routeSet: map[string]bool{},
	}
	s.sessions = scs.New()
	s.sessions.Store = d.Sessions
	s.sessions.Lifetime = 30 * 24 * time.Hour
	s.sessions.IdleTimeout = cfg.SessionLifetime
	s.sessions.Cookie.Name = "wushe_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SecureCookies
	s.sessions.Cookie.Persist = true

	s.e.IPExtractor = clientIP(cfg.TrustedProxies)
	s.e.HideBanner = true
	s.e.HidePort = true
	s.e.HTTPErrorHandler = s.handleError
	s.e.Renderer = nil
	s.middleware(d.Registry)
	s.routes()
	for _, r := range s.e.Routes() {
		s.routeSet[r.Method+" "+r.Path] = true
	}
	s.render, err = newRenderer(s, s.pages)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// clientIP decides where a request's client address comes from (the login rate limit and
// the audit log use it): the socket, or behind trusted proxies the nearest address in
// X-Forwarded-For that is not a trusted proxy. Echo trusts private and loopback addresses by
// default; only the configured ranges are trusted here.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// ServeHTTP lets the server be used as an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Routes lists every registered route as "METHOD path", for tests and docs.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.e.Routes() {
		out = append(out, fmt.Sprintf("%s %s", r.Method, r.Path))
	}
	return out
}
