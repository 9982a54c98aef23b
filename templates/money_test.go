package templates

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"testing"
)

// moneyBeside matches a currency sign written before a placeholder in a catalog:
// "¥{{.amount}}". The placeholder is filled with an amount already formatted
// by the shared formatter (funds.Money.String: "¥186,000.00"), so a sign of the catalog's own
// either doubles it ("¥¥186,000.00") or hides a raw number formatted elsewhere ("¥186000.00").
var moneyBeside = regexp.MustCompile(`[¥￥$]\s*\{\{`)

// TestCatalogsLeaveMoneyToTheFormatter keeps every amount in messages going through one formatter.
func TestCatalogsLeaveMoneyToTheFormatter(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(FS(), "locales/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("catalogs: %v %v", names, err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(FS(), n)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for k, v := range msgs {
			if moneyBeside.MatchString(v) {
				t.Errorf("%s: %s = %q writes a currency sign beside a placeholder; pass an amount formatted by yuan/yuanText instead", n, k, v)
			}
		}
	}
}
