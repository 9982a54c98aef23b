package passwd_test

import (
	"strings"
	"testing"

	"github.com/wushe/wushe/app/passwd"
)

func TestPasswordProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		password string
		personal []string
		want     string
	}{
		{"12345678", nil, "security.error.password_weak"}, // the probe's three (issue 9, defect 5)
		{"password", nil, "security.error.password_weak"},
		{"aaaaaaaa", nil, "security.error.password_weak"},
		{"P@ssw0rd1", nil, "security.error.password_weak"},
		{"qwertyuiop", nil, "security.error.password_weak"},
		{"woaini1314", nil, "security.error.password_weak"}, // common in Chinese leaks
		{"Woaini1314!", nil, "security.error.password_weak"},
		{"1qaz2wsx", nil, "security.error.password_weak"},
		{"88888888", nil, "security.error.password_weak"},
		{"zhangsan1990", []string{"zhangsan@example.com"}, "security.error.password_personal"},
		{"13812345678", []string{"13812345678"}, "security.error.password_personal"},
		{"1234567", nil, "security.error.password_short"},
		{"春眠不觉晓", nil, "security.error.password_short"}, // five characters, whatever the bytes
		{strings.Repeat("长", 129), nil, "security.error.password_long"},
		{"Ginkgo-lantern-47", nil, ""},
		{"correct horse 电池", nil, ""},
		{"蓝色风筝飞过老槐树", nil, ""},
		{"长长长长长长长长长长", nil, "security.error.password_weak"},
		{"12121212", nil, "security.error.password_weak"},
		{strings.Repeat("a1b2", 32), nil, "security.error.password_weak"},
		{"tea kettle orbit", []string{"zhangsan@example.com"}, ""},
	}
	for _, tt := range tests {
		if got := passwd.Problem(tt.password, tt.personal...); got != tt.want {
			t.Errorf("Problem(%q) = %q, want %q", tt.password, got, tt.want)
		}
	}
}

// BenchmarkProblem measures the check on the longest password a form takes (its
// cost bounds what an anonymous registration can make the server spend; docs/security.md).
func BenchmarkProblem(b *testing.B) {
	long := string([]rune(strings.Repeat("Ab3$长风破浪会有时直挂云帆济沧海", 10))[:passwd.MaxPasswordLength])
	for b.Loop() {
		passwd.Problem(long, "张三", "zhangsan@example.com", "13812345678")
	}
}
