package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/web"
)

// cmdImport previews a spreadsheet and, with --commit, writes it: the same use cases as
// POST /api/v1/imports and POST /api/v1/imports/{id}/commit, so the report and the rules are
// the page's and the API's.
//
//	wushe import KIND FILE --community ID [--commit] [--valid-only] [--update] [--as LOGIN] [--lang en]
//
// KIND is volunteers, organizations or hours. Without --as it acts as the first administrator
// account (whoever runs the command holds the database anyway); with --as, as that account, so
// a community worker imports only into their community. The report goes to stdout, the
// progress bar of a commit to stderr. Exit status 2 for a file that cannot be read or bad
// flags, 1 when the commit is refused (--commit without --valid-only on a file with errors).
func cmdImport(ctx context.Context, env *Env, args []string) error {
	var as, lang string
	var community int64
	var commit, validOnly, update bool
	pos, flags := splitPositional(args, map[string]bool{"community": true, "as": true, "lang": true, "data-dir": true, "database-url": true, "log-level": true})
	cfg, err := parseConfig(env, "import", flags, func(fs *flag.FlagSet, c *Config) {
		fs.Int64Var(&community, "community", 0, "the community to import into (required)")
		fs.BoolVar(&commit, "commit", false, "write the rows (default: only preview)")
		fs.BoolVar(&validOnly, "valid-only", false, "with --commit: write the valid rows and skip the bad ones (default: all or nothing)")
		fs.BoolVar(&update, "update", false, "with --commit: update existing records a row duplicates (default: skip them)")
		fs.StringVar(&as, "as", "", "email or mobile of the account to act as (default: the first administrator)")
		fs.StringVar(&lang, "lang", "zh-CN", "language of the report: zh-CN or en")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("usage: wushe import KIND FILE --community ID [--commit]: KIND is one of %s", strings.Join(app.ImportKinds, ", "))
	}
	if community == 0 {
		return usagef("--community is required")
	}
	kind, file := pos[0], pos[1]
	data, err := readLimited(file, app.MaxImportBytes)
	if err != nil {
		return usagef("%s: %v", file, err)
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

	v, err := m.App.PreviewImport(ctx, app.ImportInput{Kind: kind, CommunityID: community, FileName: filepath.Base(file), Data: data})
	if err != nil {
		return translated(t, err)
	}
	printImportReport(env.Stdout, t, v)
	if !commit {
		fmt.Fprintf(env.Stdout, "%s\n", t.T("import.cli.preview_only"))
		return nil
	}
	in := app.ImportCommitInput{Mode: app.ImportModeAll, Duplicates: app.ImportDupSkip}
	if validOnly {
		in.Mode = app.ImportModeValidOnly
	}
	if update {
		in.Duplicates = app.ImportDupUpdate
	}
	bar := progressbar.NewOptions(v.Rows, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription(t.T("import.cli.committing")),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(0))
	in.Progress = func(done, total int) { _ = bar.Set(done) }
	c, err := m.App.CommitImport(ctx, v.ID, in)
	_ = bar.Finish()
	if err != nil {
		return translated(t, err)
	}
	fmt.Fprintln(env.Stdout, t.T("import.outcome", "created", c.Created, "updated", c.Updated, "skipped", c.Skipped))
	return nil
}

// splitPositional separates positional arguments from flags wherever they stand, since the
// flag package stops at the first positional one ("wushe import volunteers f.csv --commit").
func splitPositional(args []string, valued map[string]bool) (pos, flags []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), flags
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && valued[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return pos, flags
}

// readLimited reads a file of at most max bytes (one more tells the use case it is too large).
func readLimited(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(max)+1))
}

// openAs opens the app for a command that acts as an account (an import, an export): the
// one named by --as, or else the first administrator. Authorization then applies as on the web.
func openAs(ctx context.Context, env *Env, cfg *Config, as string) (*Main, context.Context, error) {
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return nil, ctx, err
	}
	u, err := commandActor(ctx, m, as)
	if err == nil {
		var p *app.Principal
		if p, err = m.App.Principal(ctx, u.ID); err == nil {
			return m, app.WithPrincipal(ctx, p), nil
		}
	}
	m.Close()
	return nil, ctx, err
}

// commandActor is the account a command acts as.
func commandActor(ctx context.Context, m *Main, as string) (*app.User, error) {
	if as != "" {
		u, err := m.Store.FindUserByLogin(ctx, as)
		if err != nil {
			return nil, usagef("--as %q: no such account", as)
		}
		return u, nil
	}
	role := app.RoleAdmin
	ms, _, err := m.Store.FindMemberships(ctx, app.MembershipFilter{Role: &role, Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, usagef("no administrator account: give --as")
	}
	return m.Store.FindUser(ctx, ms[0].UserID)
}

// speaker renders catalog messages in one language.
type speaker struct {
	texts app.Translator
	lang  string
}

// T renders message id with its arguments given as name, value pairs.
func (s speaker) T(id string, kv ...any) string {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return s.texts.Msg(s.lang, app.Message{ID: id, Args: args})
}

// Msg renders a domain message.
func (s speaker) Msg(m app.Message) string { return s.texts.Msg(s.lang, m) }

// translated turns a domain error into one whose text is in the report's language; bad
// input (the file, the flags) is a usage error.
func translated(t speaker, err error) error {
	var ae *app.Error
	if !errors.As(err, &ae) {
		return err
	}
	msg := t.Msg(ae.Message)
	fields := make([]string, 0, len(ae.Fields))
	for f, m := range ae.Fields {
		fields = append(fields, f+": "+t.Msg(m))
	}
	sort.Strings(fields)
	if len(fields) > 0 {
		msg = strings.Join(fields, "; ")
	}
	if ae.Code == app.EINVALID {
		return usagef("%s", msg)
	}
	return errors.New(msg)
}

func printImportReport(w io.Writer, t speaker, v *app.ImportView) {
	fmt.Fprintf(w, "import %d (%s, %s): %s %d · %s %d · %s %d · %s %d\n", v.ID, t.T("import.kind."+v.Kind), v.FileName,
		t.T("import.rows"), v.Rows, t.T("import.valid"), v.Valid, t.T("import.errors"), len(v.Report.Errors),
		t.T("import.duplicates"), v.Duplicates)
	fmt.Fprintln(w, t.T("import.header_row", "n", v.Report.HeaderRow))
	if v.Report.Converted {
		fmt.Fprintln(w, t.T("import.converted"))
	}
	if len(v.Report.Ignored) > 0 {
		fmt.Fprintf(w, "%s: %s\n", t.T("import.ignored"), strings.Join(v.Report.Ignored, ", "))
	}
	for _, e := range v.Report.Errors {
		fmt.Fprintf(w, "%s %d, %s (%s): %s\n", t.T("import.row"), e.Row, e.Column, e.Cell, t.Msg(e.Message))
	}
	for _, d := range v.Report.Duplicates {
		of := t.T("import.dup_existing")
		if d.Kind == app.DupInFile {
			of = t.T("import.dup_in_file", "row", d.OfRow)
		}
		fmt.Fprintf(w, "%s %d: %s %s (%s)\n", t.T("import.row"), d.Row, t.T("import.dup_kind"), of, d.Key)
	}
}
