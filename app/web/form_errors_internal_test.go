package web

import (
	"slices"
	"testing"
)

// TestReadFormLayout reads field order and labels from the kinds of markup the forms use: the
// field partials (label for=, required marker hidden from assistive technology), a fieldset
// with a legend, a label wrapping its checkbox, and a field whose label comes after it.
func TestReadFormLayout(t *testing.T) {
	t.Parallel()
	page := `<div id="error-summary"><ul><li><a href="#f-zeta">x</a></li></ul></div>
<form>
<div class="field"><label for="f-zeta">姓名 <span class="req" aria-hidden="true">*</span></label><input id="f-zeta" name="zeta"></div>
<fieldset class="field" id="f-alpha"><legend>紧急程度 <span class="req" aria-hidden="true">*</span></legend><input type="radio" name="alpha"></fieldset>
<div class="field"><label class="check"><input type="checkbox" id="f-mid" name="mid"> 匿名</label></div>
<input id="f-late" name="late"><label for="f-late">Later label</label>
</form>`
	l := readFormLayout([]byte(page))
	var order []string
	for f := range l.order {
		order = append(order, f)
	}
	slices.SortFunc(order, func(a, b string) int { return l.order[a] - l.order[b] })
	if want := []string{"zeta", "alpha", "mid", "late"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	for f, want := range map[string]string{"zeta": "姓名", "alpha": "紧急程度", "mid": "匿名", "late": "Later label"} {
		if l.labels[f] != want {
			t.Errorf("label of %s = %q, want %q", f, l.labels[f], want)
		}
	}
	msgs, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	v := &View{Lang: "zh-CN", Errors: map[string]string{"alpha": "必填", "zeta": "必填", "unknown": "x", "late": "y"}, form: l, msgs: msgs}
	got := v.ErrorList()
	var fields []string
	for _, it := range got {
		fields = append(fields, it.Field)
	}
	if want := []string{"zeta", "alpha", "late", "unknown"}; !slices.Equal(fields, want) {
		t.Errorf("summary order %v, want %v", fields, want)
	}
}
