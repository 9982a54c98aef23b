package passwd

import "testing"

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h := Hasher{P: Fast}
	enc, err := h.Hash("正确的密码 horse")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		password string
		want     bool
	}{
		{"正确的密码 horse", true},
		{"正确的密码 horse ", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, err := h.Verify(enc, tt.password)
		if err != nil || ok != tt.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tt.password, ok, err, tt.want)
		}
	}
	// A hash made with other parameters still verifies.
	ok, err := Hasher{P: Params{Memory: 128, Time: 2, Threads: 1}}.Verify(enc, "正确的密码 horse")
	if !ok || err != nil {
		t.Errorf("cross-parameter verify = %v, %v", ok, err)
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if _, err := h.Verify(bad, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", bad)
		}
	}
}
