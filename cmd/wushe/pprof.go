package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves Go's runtime profiles (/debug/pprof/) on addr, on a mux of its own so
// that they never reach the application's port, until the returned server is closed. It is
// for measuring (docs/perf/city-lists.md): `go tool pprof http://ADDR/debug/pprof/profile`.
func startPprof(addr string, log *slog.Logger) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	// No /debug/pprof/cmdline: the command line may carry --database-url with its password.
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("WUSHE_PPROF_ADDR %s: %w", addr, err)
	}
	// Profiles show memory and code paths and have no sign-in: never on a public interface.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("WUSHE_PPROF_ADDR %s: serve profiles on a loopback address only, such as 127.0.0.1:6060", addr)
	}
	// A CPU profile or trace streams for as long as its ?seconds= asks: no write timeout.
	srv := &http.Server{Addr: ln.Addr().String(), Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof listener", "err", err)
		}
	}()
	log.Warn("serving Go profiles without authentication (WUSHE_PPROF_ADDR)", "addr", srv.Addr)
	return srv, nil
}
