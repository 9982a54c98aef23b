//go:build measure

// Known-item recall of citizen messages typed four ways (docs/search.md, "Recall"):
//
//	go test -tags measure -run TestRecall -count=1 -v ./search/searchtest/
//	WUSHE_RECALL_NEWEST=1 go test -tags measure -run TestRecall -count=1 -v ./search/searchtest/
//
// Each of the 40 messages in testdata/citizen_messages.tsv (written in the style of 12345
// hotline messages, none taken from the fixtures or the synonym file) is indexed as a need
// among WUSHE_RECALL_DOCS (default 20,000) documents of PerfCorpus, and searched for with two
// of its words typed as simplified characters, traditional characters (OpenCC s2t), full
// pinyin and initials (go-pinyin's default reading, polyphones corrected by hand). A message
// is recalled when it is among the first 10 hits. Two placements of the messages: among the
// corpus's dates (ties between equal matches fall anywhere), and newest (as when residents
// have just posted them, which the newest-first tie-break favours). Uses only the Index
// interface, so the same file measures older versions of the engines.
package searchtest_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
	"github.com/wushe/wushe/search/meili"
	"github.com/wushe/wushe/search/searchtest"
)

func TestRecall(t *testing.T) {
	n := 20_000
	if s := os.Getenv("WUSHE_RECALL_DOCS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	f, err := os.Open(filepath.Join("testdata", "citizen_messages.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type message struct {
		doc     search.Document
		queries [4]string
	}
	var msgs []message
	// PerfCorpus dates run from 2024-01-01 over 500 days.
	start := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	if os.Getenv("WUSHE_RECALL_NEWEST") != "" {
		start = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 {
			t.Fatalf("bad line %q", sc.Text())
		}
		id := int64(900_000 + len(msgs))
		msgs = append(msgs, message{
			doc: search.Document{Type: search.TypeNeed, ID: id, Title: c[0], Body: c[1], CommunityID: 1,
				Status: "open", CreatedAt: start.Add(time.Duration(len(msgs)) * time.Hour)},
			queries: [4]string{c[2], c[3], c[4], c[5]},
		})
	}
	headlines, _ := searchtest.LoadHeadlines(filepath.Join("..", "..", searchtest.SharedHeadlinesPath))
	run := func(t *testing.T, idx search.Index) {
		ctx := context.Background()
		if _, err := idx.EnsureIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if err := searchtest.PerfCorpus(n, 2000, headlines, func(d []search.Document) error { return idx.Upsert(ctx, d) }); err != nil {
			t.Fatal(err)
		}
		var docs []search.Document
		for _, m := range msgs {
			docs = append(docs, m.doc)
		}
		if err := idx.Upsert(ctx, docs); err != nil {
			t.Fatal(err)
		}
		if err := idx.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		names := [4]string{"simplified", "traditional", "full pinyin", "initials"}
		for form, name := range names {
			found := 0
			var missed []string
			for _, m := range msgs {
				res, err := idx.Search(ctx, search.Query{Text: m.queries[form], PageSize: 10})
				if err != nil {
					t.Fatalf("%q: %v", m.queries[form], err)
				}
				hit := false
				for _, h := range res.Hits {
					hit = hit || h.Doc.Ref() == m.doc.Ref()
				}
				if hit {
					found++
				} else {
					missed = append(missed, fmt.Sprintf("%s (%d hits)", m.queries[form], res.Total))
				}
			}
			t.Logf("recall@10 %-12s %.2f (%d/%d); missed: %s", name, float64(found)/float64(len(msgs)), found, len(msgs), strings.Join(missed, ", "))
		}
	}
	t.Run("embedded", func(t *testing.T) {
		e, err := embedded.Open(embedded.Config{Path: filepath.Join(t.TempDir(), "search.db")})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		run(t, e)
	})
	t.Run("meili", func(t *testing.T) {
		url, key := os.Getenv("WUSHE_TEST_MEILI_URL"), os.Getenv("WUSHE_TEST_MEILI_KEY")
		if url == "" {
			t.Skip("WUSHE_TEST_MEILI_URL is not set")
		}
		e, err := meili.New(meili.Config{URL: url, Key: key, IndexPrefix: fmt.Sprintf("recall_%d", time.Now().UnixNano()), Timeout: 60 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = e.DeleteIndex(context.Background()) }()
		run(t, e)
	})
}
