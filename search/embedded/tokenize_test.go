package embedded

import (
	"testing"
)

func TestIndexText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, main, ends string
	}{
		{"居家养老服务", "居家 家养 养老 老服 服务", "务"},
		{"独居老人、助餐", "独居 居老 老人 助餐", "人 餐"},
		{"老", "", "老"},
		{"3号楼 Volunteer", "3 号楼 volunteer", "楼"},
		{"ＡＢＣ３号", "abc3", "号"}, // full-width folds; a lone CJK character is only in ends
		{"e-mail, O'Brien", "e mail o brien", ""},
		{"café Ünïcode", "café ünïcode", ""},
		{"", "", ""},
		{"！？。", "", ""},
	}
	for _, c := range cases {
		main, ends := indexText(c.in)
		if main != c.main || ends != c.ends {
			t.Errorf("indexText(%q) = %q, %q; want %q, %q", c.in, main, ends, c.main, c.ends)
		}
	}
}

func TestMatchExpr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{"养老", `"养老"`},
		{"独居老人", `"独居 居老 老人"`},
		{"老", `"老" *`},
		{"老人 送餐", `"老人" AND "送餐"`},
		{"独居老人，送餐", `"独居 居老 老人" AND "送餐"`},
		{"3号楼", `"3 号楼"`},
		{"3号", `("3" AND "号" *)`},
		{"VOLUNTEER", `"volunteer"`},
		{"ＶＯＬＵＮＴＥＥＲ", `"volunteer"`},
		{`" OR x*`, `"or" AND "x"`}, // FTS5 syntax in the query is plain text
		{"！！", ``},
	}
	for _, c := range cases {
		if got := matchExpr(parseTerms(c.in)); got != c.want {
			t.Errorf("matchExpr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, query, want string
	}{
		{"独居老人助餐送餐", "独居老人", "[独居老人]助餐送餐"},
		{"独居老人助餐送餐", "老人 送餐", "独居[老人助餐送餐]"}, // 助餐 is a synonym of 送餐; touching marks merge
		{"独居老人，长者", "老人", "独居[老人]，[长者]"},
		{"建築工地", "建筑", "[建築]工地"}, // the record's own characters are marked
		{"西湖建筑工地", "xihu", "[西湖]建筑工地"},
		{"西湖建筑工地", "xh jz", "[西湖建筑]工地"},
		{"西湖建筑工地", "XĪ HÚ", "[西湖]建筑工地"},
		{"居家养老服务", "老", "居家养[老]服务"},
		{"Volunteer volunteering", "volunteer", "[Volunteer] volunteering"},
		{"ＡＢＣ队", "abc", "[ＡＢＣ]队"},
		{"养老养老", "养老", "[养老养老]"}, // touching matches merge
		{"没有匹配", "养老", "没有匹配"},
	}
	for _, c := range cases {
		if got := highlightTitle(c.text, compileTerms(parseTerms(c.query)), "[", "]"); got != c.want {
			t.Errorf("highlight %q in %q = %q, want %q", c.query, c.text, got, c.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	body := "一二三四五六七八九十一二三四五六七八九十独居老人一二三四五六七八九十一二三四五六七八九十"
	cases := []struct {
		query string
		n     int
		want  string
	}{
		{"独居老人", 20, "…六七八九十[独居老人]一二三四五六七八九十一…"},
		{"独居老人", 1000, "一二三四五六七八九十一二三四五六七八九十[独居老人]一二三四五六七八九十一二三四五六七八九十"},
		{"没有", 10, "一二三四五六七八九十…"},
		{"九十", 12, "…六七八[九十]一二三四五六七…"}, // a quarter of the window before the match
	}
	for _, c := range cases {
		if got := snippet(body, compileTerms(parseTerms(c.query)), c.n, "[", "]"); got != c.want {
			t.Errorf("snippet(%q, %d) = %q, want %q", c.query, c.n, got, c.want)
		}
	}
}
