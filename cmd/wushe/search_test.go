package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/meili"
)

// TestServeIndexesAndReindexes: serve builds the embedded index of the demo data in the
// background and answers searches from it; `wushe reindex` rebuilds it, printing progress
// lines when its output is not a terminal.
func TestServeIndexesAndReindexes(t *testing.T) {
	t.Parallel()
	w := startDemo(t, false, nil)
	var res struct {
		Total    int  `json:"total"`
		Fallback bool `json:"fallback"`
		Hits     []struct {
			Type, Title string
		} `json:"hits"`
	}
	// The worker rebuilds the new index after start; wait for it (not a speed assertion).
	if !poll(t, func() bool {
		res.Total, res.Fallback, res.Hits = 0, false, nil
		if code := getJSON(t, w.url+"/api/v1/search?q="+url.QueryEscape("独居老人"), &res); code != 200 {
			t.Fatalf("search = %d", code)
		}
		return !res.Fallback && res.Total > 0
	}) {
		t.Fatalf("the index was not built: %+v\n%s", res, w.logs)
	}
	if res.Hits[0].Type != "need" || !strings.Contains(res.Hits[0].Title, "独居老人") {
		t.Errorf("first hit %+v", res.Hits[0])
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	env := func(out *bytes.Buffer) *Env {
		return &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(k string) string {
			switch k {
			case "WUSHE_DATA_DIR":
				return w.Config.DataDir
			case "DATABASE_URL":
				return w.Config.DatabaseURL
			}
			return ""
		}}
	}
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"reindex"}, env(&out)); code != 0 {
		t.Fatalf("reindex = %d %s", code, out.String())
	}
	for _, want := range []string{"need ", "volunteer ", "/3663 done", "reindexed 42", "into 42"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("reindex output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("reindex drew a progress bar into a non-terminal")
	}
	out.Reset()
	if code := Run(context.Background(), []string{"reindex", "--type", "project"}, env(&out)); code != 0 || !strings.Contains(out.String(), "project ") || strings.Contains(out.String(), "need ") {
		t.Errorf("reindex --type project = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"reindex", "--type", "tenderz"}, env(&out)); code != 2 || !strings.Contains(out.String(), "want one of") {
		t.Errorf("reindex --type tenderz = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"reindex", "--reset", "--type", "need"}, env(&out)); code != 2 || !strings.Contains(out.String(), "--reset") {
		t.Errorf("reindex --reset --type need = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"reindex", "--reset"}, env(&out)); code != 0 || !strings.Contains(out.String(), "into 42") {
		t.Errorf("reindex --reset = %d %s", code, out.String())
	}
}

// TestProgressBar: on a terminal the bar redraws in place and ends each type with a newline.
func TestProgressBar(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := newProgress(&buf, func() time.Time { now = now.Add(time.Second); return now })
	p.tty = true
	for i := 0; i <= 4; i++ {
		p.update(searchProgress("need", i*25, 100))
	}
	p.update(searchProgress("project", 10, 10))
	p.finish()
	got := buf.String()
	if !strings.Contains(got, "\rneed         [##############################] 100/100 100%\n") || !strings.Contains(got, "\rproject ") || !strings.HasSuffix(got, "\n") {
		t.Errorf("bar output %q", got)
	}
}

func searchProgress(typ string, done, total int) app.SearchProgress {
	return app.SearchProgress{Type: search.Type(typ), Done: done, Total: total}
}

// TestServeWithMeilisearch: with WUSHE_MEILI_URL set, serve indexes into Meilisearch and
// answers from it (WUSHE_TEST_MEILI_URL; skipped without it unless services are required).
func TestServeWithMeilisearch(t *testing.T) {
	t.Parallel()
	u := os.Getenv("WUSHE_TEST_MEILI_URL")
	if u == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_MEILI_URL is not set and WUSHE_TEST_REQUIRE_SERVICES=1")
		}
		t.Skip("WUSHE_TEST_MEILI_URL is not set: skipping serve with Meilisearch")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "wushe_serve_" + hex.EncodeToString(b[:])
	w := startDemo(t, false, func(c *Config) {
		c.MeiliURL, c.MeiliKey, c.MeiliIndex = u, os.Getenv("WUSHE_TEST_MEILI_KEY"), prefix
	})
	t.Cleanup(func() {
		if e, err := meili.New(meili.Config{URL: u, Key: os.Getenv("WUSHE_TEST_MEILI_KEY"), IndexPrefix: prefix}); err == nil {
			_ = e.DeleteIndex(context.Background())
		}
	})
	if !strings.Contains(w.logs.String(), "meilisearch "+prefix) {
		t.Errorf("start-up log does not name the Meilisearch index:\n%s", w.logs)
	}
	var res struct {
		Total    int  `json:"total"`
		Fallback bool `json:"fallback"`
	}
	if !poll(t, func() bool {
		res.Total, res.Fallback = 0, false
		getJSON(t, w.url+"/api/v1/search?q="+url.QueryEscape("心理咨询"), &res)
		return !res.Fallback && res.Total > 0
	}) {
		t.Fatalf("Meilisearch index not built: %+v\n%s", res, w.logs)
	}
}
