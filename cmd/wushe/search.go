package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/meili"
)

// searchPath is the embedded search index, next to the SQLite database in the data directory
// (also with PostgreSQL when no Meilisearch is configured).
func (c *Config) searchPath() string { return filepath.Join(c.DataDir, "search.db") }

// openSearch opens the configured engine: Meilisearch when WUSHE_MEILI_URL is set, else the
// embedded engine in the data directory. Neither contacts anything yet that could fail
// because a server is down: the sync worker ensures the index and retries.
// timeout bounds each Meilisearch request: short for serve, so searches fall back quickly;
// longer for reindex, whose requests carry thousands of documents.
func openSearch(cfg *Config, timeout time.Duration) (search.Index, string, error) {
	if cfg.MeiliURL != "" {
		e, err := meili.New(meili.Config{URL: cfg.MeiliURL, Key: cfg.MeiliKey, IndexPrefix: cfg.MeiliIndex, Timeout: timeout})
		if err != nil {
			return nil, "", err
		}
		return e, "meilisearch " + e.IndexUID(), nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, "", fmt.Errorf("search index directory: %w", err)
	}
	e, err := embedded.Open(embedded.Config{Path: cfg.searchPath()})
	if err != nil {
		return nil, "", err
	}
	return e, "embedded " + cfg.searchPath(), nil
}

// cmdReindex rebuilds the search index from the database.
func cmdReindex(ctx context.Context, env *Env, args []string) error {
	var typ string
	var reset bool
	cfg, err := parseConfig(env, "reindex", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&typ, "type", "", "only this record type: "+strings.Join(typeNames(), ", "))
		fs.BoolVar(&reset, "reset", false, "empty the index first: faster, but searches miss records until it is done")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var types []search.Type
	if typ != "" {
		t, err := search.ParseType("type", typ)
		if err != nil || app.SearchSourceFor(t) == nil {
			return usagef("--type %q: want one of %s", typ, strings.Join(typeNames(), ", "))
		}
		types = []search.Type{t}
	}
	if reset && typ != "" {
		return usagef("--reset rebuilds every type: leave out --type")
	}
	m := NewMain(cfg, env)
	defer m.Close()
	m.SearchTimeout = time.Minute
	if err := m.openStore(ctx); err != nil {
		return err
	}
	a, err := m.newApp()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reindexing into %s\n", m.searchWhere)
	start := time.Now()
	p := newProgress(env.Stdout, time.Now)
	st, err := a.Reindex(ctx, app.ReindexOptions{Types: types, Reset: reset, Progress: p.update})
	p.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reindexed %d records into %d documents (%d stale removed) in %s\n",
		st.Records, st.Documents, st.Removed, time.Since(start).Round(time.Millisecond))
	return nil
}

func typeNames() []string {
	var out []string
	for _, t := range app.SearchTypes() {
		out = append(out, string(t))
	}
	return out
}

// progress draws a bar on a terminal and prints a line every few seconds (and at the end of
// each type) otherwise, so logs of a cron job stay readable.
type progress struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	last  time.Time
	cur   app.SearchProgress
	drawn bool
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, tty: isTerminal(w), now: now}
}

// isTerminal reports whether w is a character device (a terminal), by its file mode.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(sp app.SearchProgress) {
	if p.cur.Type != "" && sp.Type != p.cur.Type {
		p.flushType()
	}
	p.cur = sp
	now := p.now()
	if p.tty {
		if now.Sub(p.last) >= 100*time.Millisecond || sp.Done == sp.Total {
			p.last = now
			p.draw()
		}
		return
	}
	if now.Sub(p.last) >= 5*time.Second && sp.Done > 0 && sp.Done < sp.Total {
		p.last = now
		fmt.Fprintf(p.w, "%-12s %d/%d (%d%%)\n", sp.Type, sp.Done, sp.Total, percent(sp))
	}
}

func (p *progress) draw() {
	const width = 30
	fill := width * percent(p.cur) / 100
	fmt.Fprintf(p.w, "\r%-12s [%s%s] %d/%d %3d%%", p.cur.Type, strings.Repeat("#", fill), strings.Repeat(".", width-fill),
		p.cur.Done, p.cur.Total, percent(p.cur))
	p.drawn = true
}

// flushType ends the current type's line.
func (p *progress) flushType() {
	if p.cur.Type == "" {
		return
	}
	if p.tty {
		if p.cur.Done != p.cur.Total || !p.drawn {
			p.draw()
		}
		fmt.Fprintln(p.w)
	} else {
		fmt.Fprintf(p.w, "%-12s %d/%d done\n", p.cur.Type, p.cur.Done, p.cur.Total)
	}
	p.drawn = false
}

func (p *progress) finish() { p.flushType(); p.cur = app.SearchProgress{} }

func percent(sp app.SearchProgress) int {
	if sp.Total <= 0 {
		return 100
	}
	return min(100, sp.Done*100/sp.Total)
}
