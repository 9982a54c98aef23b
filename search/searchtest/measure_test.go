//go:build measure

// The speed and memory measurement of docs/perf/search.md, one engine per process so each
// resident-memory figure is that engine's alone:
//
//	go test -tags measure -run 'TestMeasure/embedded' -count=1 -v ./search/searchtest/
//	go test -tags measure -run 'TestMeasure/meili' -count=1 -v ./search/searchtest/
//
// WUSHE_MEASURE_DOCS sets the corpus size (default 100000); the Meilisearch run needs
// WUSHE_TEST_MEILI_URL/KEY and reads the server's memory through WUSHE_TEST_MEILI_PID.
package searchtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/meili"
	"github.com/wushe/wushe/search/searchtest"
)

func TestMeasure(t *testing.T) {
	n := 100_000
	if s := os.Getenv("WUSHE_MEASURE_DOCS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	headlines, source := searchtest.LoadHeadlines(filepath.Join("..", "..", searchtest.SharedHeadlinesPath))
	t.Logf("corpus: %d documents, %d headlines from %s; %s, %d CPUs", n, len(headlines), source, runtime.Version(), runtime.NumCPU())

	t.Run("embedded", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "search.db")
		e, err := embedded.Open(embedded.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		measure(t, e, n, 1000, headlines, func() string {
			return fmt.Sprintf("process (Go test binary + SQLite) %s; index files %s",
				procMemory("self"), dirSize(dir))
		})
		// Start-up on an existing file: EnsureIndex loads the in-memory columns.
		again, err := embedded.Open(embedded.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		start := time.Now()
		if _, err := again.EnsureIndex(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Logf("opening the existing index (loading the columns): %.2f s", time.Since(start).Seconds())
	})

	t.Run("meili", func(t *testing.T) {
		url, key := os.Getenv("WUSHE_TEST_MEILI_URL"), os.Getenv("WUSHE_TEST_MEILI_KEY")
		if url == "" {
			t.Skip("WUSHE_TEST_MEILI_URL is not set")
		}
		e, err := meili.New(meili.Config{URL: url, Key: key, IndexPrefix: fmt.Sprintf("measure_%d", time.Now().UnixNano()),
			Timeout: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := e.DeleteIndex(context.Background()); err != nil {
				t.Log(err)
			}
		}()
		client := meilisearch.New(url, meilisearch.WithAPIKey(key))
		pid := os.Getenv("WUSHE_TEST_MEILI_PID")
		measure(t, e, n, 5000, headlines, func() string {
			var size string
			if st, err := client.GetStats(nil); err == nil {
				if b, ok := st.DatabaseSize.(float64); ok { // the whole server's database
					size = fmt.Sprintf("%.0f MB", b/1e6)
				}
			}
			server := "unknown (set WUSHE_TEST_MEILI_PID)"
			if pid != "" {
				server = procMemory(pid)
			}
			return fmt.Sprintf("Meilisearch server %s, %s CPU so far; database %s; Go client process %s", server, procCPU(pid), size, procMemory("self"))
		})
	})
}

func measure(t *testing.T, idx search.Index, n, batch int, headlines []string, memory func() string) {
	ctx := context.Background()
	if _, err := idx.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	var indexing time.Duration
	cpu0 := cpuTime()
	start := time.Now()
	err := searchtest.PerfCorpus(n, batch, headlines, func(docs []search.Document) error {
		s := time.Now()
		err := idx.Upsert(ctx, docs)
		indexing += time.Since(s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := time.Now()
	if err := idx.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	indexing += time.Since(s)
	t.Logf("indexing: %d documents in %.2f s (batches of %d; %.2f s wall with generation; %.2f s CPU in this process)",
		n, indexing.Seconds(), batch, time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds())
	runtime.GC()
	debug.FreeOSMemory()
	t.Logf("memory after indexing: %s", memory())

	queries := searchtest.PerfQueries()
	for _, q := range queries { // warm up caches once
		if _, err := idx.Search(ctx, q.Q); err != nil {
			t.Fatalf("%s: %v", q.Name, err)
		}
	}
	const rounds = 20
	var all, textOnly []time.Duration
	var lines []string
	for _, q := range queries {
		var ds []time.Duration
		var total int
		for range rounds {
			s := time.Now()
			res, err := idx.Search(ctx, q.Q)
			ds = append(ds, time.Since(s))
			if err != nil {
				t.Fatalf("%s: %v", q.Name, err)
			}
			total = res.Total
		}
		all = append(all, ds...)
		if q.Q.Text != "" && q.Q.Filter.Op == search.OpAll && q.Q.Sort.IsRelevance() {
			textOnly = append(textOnly, ds...)
		}
		slices.Sort(ds)
		lines = append(lines, fmt.Sprintf("| %s | %d | %.2f | %.2f |", q.Name, total, ms(pct(ds, 50)), ms(ds[len(ds)-1])))
	}
	slices.Sort(all)
	t.Logf("queries: %d (%d kinds × %d rounds): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms",
		len(all), len(queries), rounds, ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)), ms(all[len(all)-1]))
	slices.Sort(textOnly)
	t.Logf("text-only queries (no filter, relevance; the subset the bleve comparison ran): p50 %.2f ms, p95 %.2f ms",
		ms(pct(textOnly, 50)), ms(pct(textOnly, 95)))
	t.Logf("memory after queries: %s", memory())
	t.Logf("per query (ms):\n| query | total hits | median | max |\n|---|---:|---:|---:|\n%s", strings.Join(lines, "\n"))
}

// cpuTime is the CPU time (user + system) this process has used: less sensitive than wall time
// to other work on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procMemory reads resident memory from /proc/<pid>/status: now, peak, and now split into
// anonymous memory (heap) and file pages (Meilisearch maps its LMDB files, which the kernel can
// drop and reread).
func procMemory(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "unavailable: " + err.Error()
	}
	v := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, rest, ok := strings.Cut(line, ":"); ok {
			v[k] = kbToMB(rest)
		}
	}
	return fmt.Sprintf("RSS %s (peak %s; anonymous %s, file %s)", v["VmRSS"], v["VmHWM"], v["RssAnon"], v["RssFile"])
}

// procCPU reads the CPU time (user + system) a process has used from /proc/<pid>/stat.
func procCPU(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil || pid == "" {
		return "unknown"
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from the 3rd (state) on
	if len(f) < 13 {
		return "unknown"
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return fmt.Sprintf("%.1f s", (utime+stime)/100) // clock ticks: 100 per second on Linux
}

func kbToMB(v string) string {
	kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
	return fmt.Sprintf("%.0f MB", float64(kb)/1024)
}

func dirSize(dir string) string {
	var total int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
	}
	return fmt.Sprintf("%.0f MB", float64(total)/1e6)
}
