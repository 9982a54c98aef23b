// Command loadgen measures Wushe's HTTP latency under concurrent load: it runs C clients for a
// duration against a mix of list and detail endpoints and prints throughput and percentiles.
//
//	go run ./scripts/loadgen -url http://127.0.0.1:8080 -c 200 -d 30s
//
// By default each client sends its next request as soon as the last one is answered (closed
// loop: it finds the saturation throughput). With -rate R the clients share a fixed schedule of R
// requests per second (open loop) and latency is measured from each request's scheduled time,
// so a slow server cannot hide its queueing delay by slowing the load down.
//
// With -scenario giving-day it runs the giving-day peak instead (docs/perf.md): it prepares a
// fund, a 1:1 pool, 100 campaigns and pending card gifts through the store named by
// DATABASE_URL (or the embedded SQLite in -data-dir), sends one signed Stripe payment event
// per gift (STRIPE_WEBHOOK_SECRET) for -d, checks the invariants in the database and prints
//
//	giving-day: N gifts, X gifts/s, p50 A ms, p99 B ms, invariants ok
//
// last; it exits 1 when an invariant fails.
//
//	go run ./scripts/loadgen -scenario giving-day -url http://127.0.0.1:8080 -c 50 -d 60s [-pool-dry]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "Wushe base URL")
	clients := flag.Int("c", 200, "concurrent clients")
	dur := flag.Duration("d", 30*time.Second, "duration")
	warm := flag.Duration("warmup", 3*time.Second, "warm-up not counted")
	rate := flag.Float64("rate", 0, "requests per second in total on a fixed schedule (0: closed loop)")
	paths := flag.String("paths", strings.Join(defaultPaths, ","), "comma-separated paths; {n} becomes a random id 1..-ids")
	maxID := flag.Int("ids", 50, "the largest id {n} draws (the city of `wushe demo --scale city` has 300,000 needs and 60,000 volunteers)")
	scenario := flag.String("scenario", "", "giving-day: the matched-gifts peak (default: the list and detail mix)")
	var gd givingDayFlags
	gd.register()
	flag.Parse()
	if *scenario == "giving-day" {
		os.Exit(runGivingDay(*base, *clients, *dur, gd))
	} else if *scenario != "" {
		fmt.Fprintf(os.Stderr, "loadgen: unknown scenario %q (want giving-day)\n", *scenario)
		os.Exit(2)
	}

	tr := &http.Transport{MaxIdleConns: *clients * 2, MaxIdleConnsPerHost: *clients * 2, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	list := strings.Split(*paths, ",")

	ctx, cancel := context.WithTimeout(context.Background(), *warm+*dur)
	defer cancel()
	start := time.Now().Add(*warm)
	type sample struct {
		path string
		d    time.Duration
		ok   bool
	}
	results := make([][]sample, *clients)
	// ticks hands out scheduled send times in open-loop mode.
	var ticks chan time.Time
	if *rate > 0 {
		ticks = make(chan time.Time, *clients)
		go func() {
			defer close(ticks)
			interval := time.Duration(float64(time.Second) / *rate)
			for t := time.Now(); ctx.Err() == nil; t = t.Add(interval) {
				time.Sleep(time.Until(t))
				select {
				case ticks <- t:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for i := 0; i < *clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for ctx.Err() == nil {
				p := list[r.IntN(len(list))]
				p = strings.ReplaceAll(p, "{n}", fmt.Sprint(1+r.IntN(*maxID)))
				t0 := time.Now()
				if ticks != nil {
					t, ok := <-ticks
					if !ok {
						return
					}
					t0 = t
				}
				resp, err := client.Get(*base + p)
				ok := err == nil && resp.StatusCode < 500 // a draft project is a 404, which is still an answer
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if t0.After(start) && ctx.Err() == nil {
					results[i] = append(results[i], sample{p, time.Since(t0), ok})
				}
			}
		}(i)
	}
	wg.Wait()
	var all []time.Duration
	byRoute := map[string][]time.Duration{}
	failed := 0
	for _, rs := range results {
		for _, s := range rs {
			if !s.ok {
				failed++
				continue
			}
			all = append(all, s.d)
			route := s.path
			if i := strings.IndexByte(route, '?'); i >= 0 {
				route = route[:i]
			}
			parts := strings.Split(route, "/")
			if last := parts[len(parts)-1]; last != "" && last[0] >= '0' && last[0] <= '9' {
				parts[len(parts)-1] = ":id"
			}
			route = strings.Join(parts, "/")
			byRoute[route] = append(byRoute[route], s.d)
		}
	}
	mode := "closed loop"
	if *rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f/s", *rate)
	}
	fmt.Printf("%s, clients %d, duration %s, requests %d (%.0f/s), failed %d\n", mode, *clients, *dur, len(all), float64(len(all))/dur.Seconds(), failed)
	fmt.Printf("%-34s %8s %8s %8s %8s %8s\n", "route", "n", "p50", "p95", "p99", "max")
	routes := make([]string, 0, len(byRoute))
	for r := range byRoute {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		printRow(r, byRoute[r])
	}
	printRow("ALL", all)
	if failed > 0 {
		os.Exit(1)
	}
}

var defaultPaths = []string{
	"/api/v1/needs", "/api/v1/needs?community_id=1&status=open", "/api/v1/needs/{n}",
	"/api/v1/communities", "/api/v1/communities/1", "/api/v1/grids?community_id=1", "/api/v1/grids/{n}",
	"/api/v1/organizations", "/api/v1/organizations/{n}", "/api/v1/volunteers", "/api/v1/volunteers/{n}",
	"/api/v1/social-workers", "/api/v1/social-workers/{n}", "/api/v1/donors", "/api/v1/donors/{n}",
	"/api/v1/projects", "/api/v1/projects/{n}", "/api/v1/categories",
}

func printRow(name string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	fmt.Printf("%-34s %8d %8s %8s %8s %8s\n", name, len(ds), ms(q(.50)), ms(q(.95)), ms(q(.99)), ms(ds[len(ds)-1]))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
