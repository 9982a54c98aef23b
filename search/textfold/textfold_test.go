package textfold

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"建築":           "建筑",
		"養老院":          "养老院",
		"長者食堂":         "长者食堂",
		"獨居老人":         "独居老人",
		"臺灣":           "台湾",
		"裡面裏面":         "里面里面",
		"ｘｉｈｕ ＶＯＬ３":    "xihu vol3",
		"养老 Volunteer": "养老 volunteer",
		"3号楼":          "3号楼",
		"\u3000":       " ",
		"😀":            "😀",
	} {
		got := FoldString(in)
		if got != want {
			t.Errorf("FoldString(%q) = %q, want %q", in, got, want)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(in) {
			t.Errorf("FoldString(%q) changed the number of characters", in)
		}
	}
}

func TestFoldIsIdempotent(t *testing.T) {
	t.Parallel()
	for from, to := range t2s() {
		if Fold(to) != to {
			t.Errorf("%c → %c, but %c folds again to %c", from, to, to, Fold(to))
		}
	}
	if n := len(t2s()); n < 4000 {
		t.Errorf("only %d characters in the table", n)
	}
}

func TestReadings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		r        rune
		readings []string
		initials string
	}{
		{'行', []string{"xing", "hang"}, "xh"},
		{'重', []string{"zhong", "chong"}, "zc"},
		{'长', []string{"chang", "zhang"}, "cz"},
		{'西', []string{"xi"}, "x"},
		{'绿', []string{"lv", "lu"}, "l"},
		{'長', []string{"chang", "zhang"}, "cz"}, // traditional characters have their own entries
	}
	for _, c := range cases {
		got := Readings(c.r)
		for _, w := range c.readings {
			if !slices.Contains(got, w) {
				t.Errorf("Readings(%c) = %v, want %s among them", c.r, got, w)
			}
		}
		for _, i := range []byte(c.initials) {
			if !strings.ContainsRune(Initials(c.r), rune(i)) {
				t.Errorf("Initials(%c) = %s, want %c among them", c.r, Initials(c.r), i)
			}
		}
	}
	for _, r := range "a3，😀" {
		if Readings(r) != nil {
			t.Errorf("Readings(%q) = %v, want nil", r, Readings(r))
		}
	}
}

func TestSyllabify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string // each segmentation joined by spaces; the first ones, in order
	}{
		{"xihu", []string{"xi hu"}},
		{"jianzhu", []string{"jian zhu", "ji an zhu"}},
		{"xian", []string{"xian", "xi an"}},
		{"lvse", []string{"lv se"}},
		{"lue", []string{"lve"}},
		{"volunteer", nil},
		{"xh", nil},
		{"", nil},
		{"xi hu", nil}, // one word at a time
	}
	for _, c := range cases {
		var got []string
		for _, seg := range Syllabify(c.in, MaxSegmentations) {
			got = append(got, strings.Join(seg, " "))
		}
		if len(c.want) == 0 && len(got) != 0 || len(got) < len(c.want) || !slices.Equal(got[:len(c.want)], c.want) {
			t.Errorf("Syllabify(%q) = %q, want it to start with %q", c.in, got, c.want)
		}
	}
	long := strings.Repeat("zhong", 40) // 200 letters
	if got := Syllabify(long, MaxSegmentations); len(got) == 0 || len(got) > MaxSegmentations || len(got[0]) != 40 {
		t.Errorf("200 letters: %d segmentations, first of %d syllables", len(got), len(got[0]))
	}
	if got := Syllabify(strings.Repeat("xian", 50), 3); len(got) != 3 {
		t.Errorf("xian × 50: %d segmentations, want the limit 3", len(got))
	}
}

func TestStripTones(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Xī Hú":     "xi hu",
		"xi1hu2":    "xihu",
		"lǜsè":      "lvse",
		"lü4 se4":   "lv se",
		"3号楼":       "3号楼",
		"ZhongGuo5": "zhongguo",
	} {
		if got := StripTones(in); got != want {
			t.Errorf("StripTones(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMayBeInitials(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"xh": true, "xhjz": true, "x": false, "xu": false, "sqfwzx": true, strings.Repeat("x", 13): false, "x1": false} {
		if got := MayBeInitials(in); got != want {
			t.Errorf("MayBeInitials(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSynonymFile(t *testing.T) {
	t.Parallel()
	groups := SynonymGroups()
	if len(groups) < 100 {
		t.Fatalf("%d synonym groups, want at least 100", len(groups))
	}
	english := 0
	for _, g := range groups {
		if r, _ := utf8.DecodeRuneInString(g[0]); !IsHan(r) {
			t.Errorf("group %v: the first member must be the Chinese word records use", g)
		}
		for _, w := range g {
			r, _ := utf8.DecodeRuneInString(w)
			switch {
			case IsHan(r) && utf8.RuneCountInString(w) < 2:
				t.Errorf("group %v: %q is one character, which would match too much", g, w)
			case IsHan(r) && FoldString(w) != w:
				t.Errorf("group %v: %q is not simplified", g, w)
			case !IsHan(r):
				english++
				if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
					t.Errorf("group %v: %q must be one lower-case English word", g, w)
				}
			}
		}
	}
	if english < 100 {
		t.Errorf("%d English members, want both languages throughout", english)
	}
}

func TestSynonyms(t *testing.T) {
	t.Parallel()
	if got := Synonyms("長者"); !slices.Contains(got, "老人") || !slices.Contains(got, "elderly") {
		t.Errorf("Synonyms(長者) = %v, want 老人 and elderly among them", got)
	}
	if got := Synonyms("火箭"); got != nil {
		t.Errorf("Synonyms(火箭) = %v, want nil", got)
	}
	got := TermVariants("独居老人", MaxVariants)
	for _, w := range []string{"空巢老人", "独居长者", "空巢长者"} {
		if !slices.Contains(got, w) {
			t.Errorf("TermVariants(独居老人) = %v, want %s among them", got, w)
		}
	}
	if slices.Contains(got, "独居elderly") {
		t.Errorf("TermVariants(独居老人) = %v: English members replace whole terms only", got)
	}
	if got := TermVariants("老人", MaxVariants); !slices.Contains(got, "elderly") || slices.Contains(got, "老人") {
		t.Errorf("TermVariants(老人) = %v", got)
	}
	if got := TermVariants("独居老人助餐", 5); len(got) != 5 {
		t.Errorf("TermVariants with limit 5 = %d variants", len(got))
	}
}
