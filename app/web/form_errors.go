package web

// The error summary at the top of a form lists each field's error in the order the form
// shows its fields, named by the form's own label. Both come from the rendered page itself,
// so every form gets them without a per-form list that could drift from its template: a page
// with errors renders once to read its fields (the elements with id "f-<field>" and their
// labels, in document order), then again with the summary in that order.

import (
	"bytes"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// formLayout is what the first rendering of a page with errors found about its fields.
type formLayout struct {
	order  map[string]int    // field → position of its first element in the document
	labels map[string]string // field → the text of its <label> or fieldset <legend>
}

// ErrorItem is one line of the error summary.
type ErrorItem struct {
	Field   string // links to #f-<Field>
	Label   string // the field's label as the form shows it
	Message string
}

// ErrorList is the error summary: one item per field with an error, in the form's field order,
// each named by the label the form shows (a person's 姓名, an organization's 名称). Fields the
// page has no element for come last, by name, labelled from the catalog (field.<name>).
func (v *View) ErrorList() []ErrorItem {
	out := make([]ErrorItem, 0, len(v.Errors))
	for f, m := range v.Errors {
		label := v.form.labels[f]
		if label == "" {
			label = v.FieldLabel(f)
		}
		out = append(out, ErrorItem{Field: f, Label: label, Message: m})
	}
	slices.SortFunc(out, func(a, b ErrorItem) int {
		pa, oka := v.form.order[a.Field]
		pb, okb := v.form.order[b.Field]
		switch {
		case oka && okb && pa != pb:
			return pa - pb
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Field, b.Field)
	})
	return out
}

// readFormLayout reads the fields of a rendered page: elements whose id is "f-<field>", in
// document order, and the text of the label for each (<label for="f-…">, a <label> wrapping
// the field's input, or the <legend> of a fieldset with the id), without text hidden from
// assistive technology (the required marker "*").
func readFormLayout(page []byte) formLayout {
	l := formLayout{order: map[string]int{}, labels: map[string]string{}}
	z := html.NewTokenizer(bytes.NewReader(page))
	var (
		capturing  bool   // inside a <label> or a labelling <legend>
		captureTag string // "label" or "legend"
		target     string // the field the captured text names
		text       strings.Builder
		hiddenTag  string // tag of an aria-hidden element being skipped
		hiddenN    int
		legendFor  string // the last fieldset with a field id, whose legend is next
	)
	seen := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return l
		case html.TextToken:
			if capturing && hiddenN == 0 {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			var id, forAttr string
			hidden := false
			for hasAttr {
				var k, val []byte
				k, val, hasAttr = z.TagAttr()
				switch string(k) {
				case "id":
					id = string(val)
				case "for":
					forAttr = string(val)
				case "aria-hidden":
					hidden = string(val) == "true"
				}
			}
			if hiddenN > 0 && tag == hiddenTag && tt == html.StartTagToken {
				hiddenN++
			} else if hidden && hiddenN == 0 && tt == html.StartTagToken {
				hiddenTag, hiddenN = tag, 1
			}
			field, isField := strings.CutPrefix(id, "f-")
			if isField && field != "" {
				if _, ok := l.order[field]; !ok {
					l.order[field] = seen
					seen++
				}
				if capturing && captureTag == "label" && target == "" {
					target = field
				}
				if tag == "fieldset" {
					legendFor = field
				}
			}
			switch {
			case tag == "label" && tt == html.StartTagToken:
				capturing, captureTag, text = true, "label", strings.Builder{}
				target, _ = strings.CutPrefix(forAttr, "f-")
				if !strings.HasPrefix(forAttr, "f-") {
					target = ""
				}
			case tag == "legend" && tt == html.StartTagToken && legendFor != "":
				capturing, captureTag, text, target = true, "legend", strings.Builder{}, legendFor
				legendFor = ""
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if hiddenN > 0 && tag == hiddenTag {
				hiddenN--
			}
			if capturing && tag == captureTag {
				capturing = false
				if label := strings.Join(strings.Fields(text.String()), " "); target != "" && label != "" {
					if _, ok := l.labels[target]; !ok {
						l.labels[target] = label
					}
				}
			}
		}
	}
}
