package app

import (
	"testing"
	"time"
)

func TestNormalizeMobile(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want, err string }{
		{"13800138000", "13800138000", ""},
		{"138 0013 8000", "13800138000", ""},
		{"138-0013-8000", "13800138000", ""},
		{"+86 138 0013 8000", "13800138000", ""},
		{"1.38001380000E10", "13800138000", ""},
		{"138****8000", "", phoneMasked},
		{"0571-88886666", "", phoneLandline},
		{"88886666", "", phoneLandline},
		{"1380013800", "", phoneInvalid},
		{"", "", ""},
	}
	for _, c := range cases {
		got, err := normalizeMobile(c.in)
		if got != c.want || err != c.err {
			t.Errorf("normalizeMobile(%q) = %q, %q; want %q, %q", c.in, got, err, c.want, c.err)
		}
	}
}

func TestParseImportDate(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "45356", "2024-03-05 00:00:00"} {
		got, ok := parseImportDate(s, time.UTC)
		if !ok || !got.Equal(want) {
			t.Errorf("parseImportDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"1990-04-31", "2023-02-29", "2024-13-01", "昨天", "3/5/2024"} {
		if got, ok := parseImportDate(s, time.UTC); ok {
			t.Errorf("parseImportDate(%q) = %v, want an error", s, got)
		}
	}
}

func TestNormHeaderAndHours(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"服务技能（顿号分隔）": "服务技能", "时长(小时)": "时长", " Name ": "name", "手机号*": "手机号", "【网格】所属网格": "所属网格"} {
		if got := normHeader(in); got != want {
			t.Errorf("normHeader(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]int{"1.5": 90, "2": 120, "0.25": 15, "3小时": 180} {
		if got, ok := parseHoursMinutes(in); !ok || got != want {
			t.Errorf("parseHoursMinutes(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"abc", "1.333", "-1"} {
		if got, ok := parseHoursMinutes(in); ok {
			t.Errorf("parseHoursMinutes(%q) = %d, want an error", in, got)
		}
	}
}
