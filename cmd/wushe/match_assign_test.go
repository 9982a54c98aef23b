package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wushe/wushe/app/apptest"
)

func TestMatchAssign(t *testing.T) {
	t.Parallel()
	if apptest.DatabaseURL() != "" {
		t.Skip("runs on the embedded database in its own directory")
	}
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			switch k {
			case "WUSHE_DATA_DIR":
				return dir
			case "WUSHE_ADMIN_PASSWORD":
				return "demo-password-1"
			}
			return ""
		}}
		code := Run(context.Background(), args, env)
		return code, out.String(), errOut.String()
	}
	if code, out, errOut := run("demo"); code != 0 {
		t.Fatalf("demo = %d %s %s", code, out, errOut)
	}
	for _, bad := range [][]string{
		{"match", "assign", "--community", "1"},
		{"match", "assign", "--as", "worker@wushe.local"},
		{"match", "assign", "--as", "worker@wushe.local", "--community", "1", "--all"},
		{"match", "assign", "--as", "nobody@wushe.local", "--community", "1"},
		{"match", "assign", "--as", "worker@wushe.local", "--community", "1", "--days", "40"},
		{"match", "assign", "--as", "worker@wushe.local", "--community", "1", "--from", "next week"},
		{"match", "assign", "--as", "worker@wushe.local", "--all", "--workers", "0"},
	} {
		if code, _, errOut := run(bad...); code != 2 {
			t.Errorf("wushe %v = %d (%s), want 2", bad, code, errOut)
		}
	}
	code, out, errOut := run("match", "assign", "--as", "worker@wushe.local", "--community", "1")
	if code != 0 || !strings.Contains(errOut, "nothing saved") {
		t.Fatalf("proposal = %d %s %s", code, out, errOut)
	}
	var p struct {
		Assigned int  `json:"assigned"`
		Optimal  bool `json:"optimal"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &p); err != nil || p.Assigned == 0 || !p.Optimal {
		t.Fatalf("proposal output %q: %v", out, err)
	}
	// The street's civil-affairs officer runs every community they may: only 东湖社区 here.
	code, out, _ = run("match", "assign", "--as", "officer@wushe.local", "--all", "--workers", "3")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("--all as the street officer = %d, %d lines, want one community", code, strings.Count(out, "\n"))
	}
	code, _, errOut = run("match", "assign", "--as", "worker@wushe.local", "--community", "1", "--confirm")
	if code != 0 || !strings.Contains(errOut, "signed up") {
		t.Fatalf("confirm = %d %s", code, errOut)
	}
	code, out, _ = run("match", "assign", "--as", "worker@wushe.local", "--community", "1")
	var again struct {
		Assigned int `json:"assigned"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &again); code != 0 || err != nil || again.Assigned != 0 {
		t.Errorf("after confirming, a new proposal assigns %d (%v)", again.Assigned, err)
	}
}
