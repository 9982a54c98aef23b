package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

func TestWrongCheckinCodesAnswer429(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	_, sh, _ := h.signup(a, 10*time.Minute, false)
	path := fmt.Sprintf("/api/v1/shifts/%d/checkin?lang=en", sh.ID)
	for i := 0; i < app.CheckinMaxWrongByVolunteer; i++ {
		if status, out := h.api(http.MethodPost, path, "resident", map[string]any{"code": "654321"}); status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d = %d %v, want 422", i+1, status, out)
		}
	}
	status, out := h.api(http.MethodPost, path, "resident", map[string]any{"code": "123456"})
	e, _ := out["error"].(map[string]any)
	if status != http.StatusTooManyRequests || e["code"] != "rate_limited" || !strings.Contains(fmt.Sprint(e["message"]), "Too many wrong check-in codes") {
		t.Errorf("right code after %d wrong ones = %d %v, want 429 rate_limited with a message", app.CheckinMaxWrongByVolunteer, status, out)
	}
	// The wait it asks for is the limit's window, not a generic minute.
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(`{"code":"123456"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+h.token("resident"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.Header.Get("Retry-After"), fmt.Sprint(int(app.CheckinAttemptWindow.Seconds())); resp.StatusCode != http.StatusTooManyRequests || got != want {
		t.Errorf("limited check-in: %d with Retry-After %q, want 429 with %q", resp.StatusCode, got, want)
	}
	// The page answers 429 too, in Chinese.
	status, body, _ := h.browser("resident").post(fmt.Sprintf("/shifts/%d/checkin", sh.ID), url.Values{"code": {"123456"}})
	if status != http.StatusTooManyRequests || !strings.Contains(body, "签到码错误次数过多") {
		t.Errorf("page check-in when limited = %d, want 429 saying so", status)
	}
	h.clock.Advance(app.CheckinAttemptWindow + time.Second)
	if status, out := h.api(http.MethodPost, path, "resident", map[string]any{"code": "123456"}); status != http.StatusOK {
		t.Errorf("right code after the window = %d %v, want 200", status, out)
	}
}
