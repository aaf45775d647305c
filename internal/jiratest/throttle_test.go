package jiratest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	p := New(Options{})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.Throttle(2, http.StatusServiceUnavailable, "1")
	want := []struct {
		status     int
		retryAfter string
	}{{503, "1"}, {503, "1"}, {404, ""}}
	for i, w := range want {
		resp, err := http.Get(srv.URL + "/nothing-here")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != w.status || resp.Header.Get("Retry-After") != w.retryAfter {
			t.Errorf("request %d: %d, Retry-After %q; want %d, %q", i+1, resp.StatusCode, resp.Header.Get("Retry-After"), w.status, w.retryAfter)
		}
	}
	if left, answered := p.Throttled(); left != 0 || answered != 2 {
		t.Errorf("Throttled() = %d, %d; want 0, 2", left, answered)
	}
	// Another provider is not throttled.
	if left, answered := New(Options{}).Throttled(); left != 0 || answered != 0 {
		t.Errorf("a new provider: Throttled() = %d, %d", left, answered)
	}
}
