package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestPprofListener checks that WUSHE_PPROF_ADDR is read (and empty by default), and that the
// debug listener serves the profiles' index on its own address until it is closed.
func TestPprofListener(t *testing.T) {
	t.Parallel()
	if c := defaultConfig(); c.PprofAddr != "" {
		t.Fatalf("default PprofAddr = %q", c.PprofAddr)
	}
	c := defaultConfig()
	if err := c.loadEnv(func(k string) string {
		if k == "WUSHE_PPROF_ADDR" {
			return "127.0.0.1:6060"
		}
		return ""
	}); err != nil || c.PprofAddr != "127.0.0.1:6060" {
		t.Fatalf("loadEnv: %q, %v", c.PprofAddr, err)
	}
	srv, err := startPprof("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + srv.Addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Errorf("index: %d %.200s", res.StatusCode, body)
	}
	if res, err := http.Get("http://" + srv.Addr + "/debug/pprof/cmdline"); err == nil {
		cmdline, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK && strings.Contains(string(cmdline), os.Args[0]) {
			t.Errorf("the command line (which may hold --database-url) is served: %.200s", cmdline)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + srv.Addr + "/debug/pprof/"); err == nil {
		t.Error("still serving after Close")
	}
	// Every interface, or a named one that is not loopback, is refused before serving.
	for _, addr := range []string{":0", "0.0.0.0:0"} {
		if srv, err := startPprof(addr, slog.New(slog.DiscardHandler)); err == nil {
			srv.Close()
			t.Errorf("startPprof(%q) served profiles beyond loopback", addr)
		}
	}
}
