package meili

import (
	"testing"
	"time"

	"github.com/wushe/wushe/search"
)

func TestFilterString(t *testing.T) {
	t.Parallel()
	ts := time.UnixMilli(1740816000000)
	cases := []struct {
		name string
		in   search.Filter
		want string
	}{
		{"all", search.All(), ``},
		{"eq string", search.Eq(search.FieldCategory, "elderly_care"), `category = "elderly_care"`},
		{"eq int", search.Eq(search.FieldCommunity, 3), `community_id = 3`},
		{"in", search.In(search.FieldStatus, "open", "matched"), `status IN ["open", "matched"]`},
		{"range", search.Range(search.FieldAmount, 100, 200), `(amount >= 100 AND amount <= 200)`},
		{"exclusive", search.Gt(search.FieldAmount, 5), `(amount > 5)`},
		{"time", search.Lt(search.FieldCreatedAt, ts), `(created_at < 1740816000000)`},
		{"and or not", search.And(search.Eq(search.FieldType, "need"),
			search.Or(search.Eq(search.FieldKind, "a"), search.Not(search.Eq(search.FieldKind, "b")))),
			`(type = "need" AND (kind = "a" OR NOT (kind = "b")))`},
		{"radius", search.Near(30.55, 114.34, 1000.5), `_geoRadius(30.55, 114.34, 1000.5)`},
		{"box: north-east corner first", search.InBox(30, 114, 31, 115.5), `_geoBoundingBox([31, 115.5], [30, 114])`},
		{"quotes and Chinese punctuation", search.Eq(search.FieldCategory, `"老人"·关爱（试点）`), `category = "\"老人\"·关爱（试点）"`},
		{"backslashes doubled", search.Eq(search.FieldCategory, `养老\助餐\`), `category = "养老\\助餐\\"`},
		{"single quotes as is", search.Eq(search.FieldCategory, `O'Brien`), `category = "O'Brien"`},
		{"keywords are values", search.Eq(search.FieldStatus, "AND OR NOT"), `status = "AND OR NOT"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n, err := c.in.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			got, err := filterString(n)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("filterString = %s\n           want %s", got, c.want)
			}
		})
	}
}
