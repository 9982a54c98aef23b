package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/sheet"
)

// cmdExport writes a department export (docs/exports.md): the same use case as
// GET /api/v1/exports/{name}, streamed from the database to a file or stdout.
//
//	wushe export NAME --community ID|--street ID [--from DATE] [--to DATE] [--format csv|xlsx] [-o FILE] [--as LOGIN] [--lang en]
//
// Without --as it acts as the first administrator account; with --as, as that account, so
// its scope decides what may be exported. Without -o the file goes to stdout. Exit status 2
// for bad flags or input, 1 when the export is refused.
func cmdExport(ctx context.Context, env *Env, args []string) error {
	var as, lang, format, out, from, to string
	var community, street int64
	pos, flags := splitPositional(args, map[string]bool{"community": true, "street": true, "from": true, "to": true, "format": true,
		"o": true, "as": true, "lang": true, "data-dir": true, "database-url": true, "log-level": true})
	cfg, err := parseConfig(env, "export", flags, func(fs *flag.FlagSet, c *Config) {
		fs.Int64Var(&community, "community", 0, "the community to export")
		fs.Int64Var(&street, "street", 0, "the street to export (every community of it)")
		fs.StringVar(&from, "from", "", "first local date, 2006-01-02 (default: this month)")
		fs.StringVar(&to, "to", "", "last local date, inclusive")
		fs.StringVar(&format, "format", "csv", "csv or xlsx")
		fs.StringVar(&out, "o", "", "output file (default: stdout)")
		fs.StringVar(&as, "as", "", "email or mobile of the account to act as (default: the first administrator)")
		fs.StringVar(&lang, "lang", "zh-CN", "language of the headers and values: zh-CN or en")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: wushe export NAME --community ID|--street ID [--from DATE --to DATE] [--format csv|xlsx] [-o FILE]: NAME is one of %s",
			strings.Join(app.ExportNames(), ", "))
	}
	if format != "csv" && format != "xlsx" {
		return usagef("--format must be csv or xlsx")
	}
	texts, err := web.Translator()
	if err != nil {
		return err
	}
	t := speaker{texts: texts, lang: lang}
	m, ctx, err := openAs(ctx, env, cfg, as)
	if err != nil {
		return err
	}
	defer m.Close()
	req := app.ExportRequest{Name: pos[0], From: from, To: to}
	if community != 0 {
		req.CommunityID = strconv.FormatInt(community, 10)
	}
	if street != 0 {
		req.StreetID = strconv.FormatInt(street, 10)
	}
	plan, err := m.App.PlanExport(ctx, req)
	if err != nil {
		return translated(t, err)
	}
	var dst io.Writer = env.Stdout
	var file *os.File
	if out != "" {
		// Written beside the target and renamed at the end, so a failed export leaves no half file.
		file, err = os.CreateTemp(filepath.Dir(out), ".export-*")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(file.Name())
		defer file.Close()
		dst = file
	}
	cols := app.ExportColumns(plan.Template, texts, lang)
	var w sheet.Writer
	if format == "xlsx" {
		w, err = sheet.NewXLSX(dst, t.T("export.sheet"), cols)
	} else {
		w, err = sheet.NewCSV(dst, cols)
	}
	if err != nil {
		return err
	}
	n, err := m.App.Stream(ctx, plan, w, texts, lang)
	if err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(file.Name(), out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(env.Stderr, "%s: %d rows\n", out, n)
	}
	return nil
}
