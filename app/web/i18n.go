package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/templates"
)

// Languages Wushe speaks, the default first.
var languages = []string{"zh-CN", "en"}

// catalog translates message ids into the user's language.
type catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	matcher    language.Matcher
}

func loadCatalog() (*catalog, error) {
	b := i18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalog{bundle: b, localizers: map[string]*i18n.Localizer{}}
	var tags []language.Tag
	for _, l := range languages {
		// Each feature keeps its messages in its own files (locales/<feature>.<lang>.json)
		// beside the core catalog (locales/<lang>.json).
		files, err := fs.Glob(templates.FS(), "locales/*"+l+".json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("load locale %s: no catalog", l)
		}
		for _, f := range files {
			if _, err := b.LoadMessageFileFS(templates.FS(), f); err != nil {
				return nil, fmt.Errorf("load locale %s: %w", f, err)
			}
		}
		c.localizers[l] = i18n.NewLocalizer(b, l)
		tags = append(tags, language.MustParse(l))
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Translator loads the message catalogs for the application's e-mail (app.Translator).
func Translator() (app.Translator, error) { return loadCatalog() }

// T translates a message id with alternating key/value arguments. An unknown id comes back
// as itself so a missing translation is visible rather than blank.
func (c *catalog) T(lang, id string, kv ...any) string {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[languages[0]]
	}
	var data map[string]any
	if len(kv) > 1 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Msg translates a domain message.
func (c *catalog) Msg(lang string, m app.Message) string {
	kv := make([]any, 0, 2*len(m.Args))
	for k, v := range m.Args {
		if k == "kind" {
			v = c.T(lang, "kind."+fmt.Sprint(v))
		}
		kv = append(kv, k, v)
	}
	return c.T(lang, m.ID, kv...)
}

// Has reports whether a message id exists in the given language.
func (c *catalog) Has(lang, id string) bool {
	_, err := c.localizers[lang].Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// pick chooses the language for a request: an explicit ?lang=, then the lang cookie, then
// Accept-Language, then Chinese.
func (c *catalog) pick(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		if norm := normLang(l); norm != "" {
			return norm
		}
	}
	if ck, err := r.Cookie("lang"); err == nil {
		if norm := normLang(ck.Value); norm != "" {
			return norm
		}
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := c.matcher.Match(tags...)
			if conf != language.No {
				return languages[i]
			}
		}
	}
	return languages[0]
}

func normLang(l string) string {
	switch strings.ToLower(l) {
	case "zh", "zh-cn", "zh-hans", "zh_cn":
		return "zh-CN"
	case "en", "en-us", "en-gb":
		return "en"
	}
	return ""
}
