package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestProjectsEvaluateCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "WUSHE_DATA_DIR" {
			return dir
		}
		return ""
	}}
	if code := Run(context.Background(), []string{"projects", "evaluate"}, env); code != 0 || !strings.Contains(out.String(), "evaluated 0 projects") {
		t.Errorf("projects evaluate = %d %s", code, out.String())
	}
}
