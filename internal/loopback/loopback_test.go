package loopback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func get(t *testing.T, rawURL string) (int, string) {
	t.Helper()
	resp, err := http.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func listen(t *testing.T) (*Receiver, *[]string) {
	t.Helper()
	r, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var mu sync.Mutex
	ignored := &[]string{}
	r.Ignored = func(reason string) {
		mu.Lock()
		defer mu.Unlock()
		*ignored = append(*ignored, reason)
	}
	return r, ignored
}

// callback is what Jira redirects to: the callback URL plus the token and
// verifier.
func callback(r *Receiver, token, verifier string) string {
	return r.CallbackURL() + "&oauth_token=" + url.QueryEscape(token) + "&oauth_verifier=" + url.QueryEscape(verifier)
}

func TestCallbackURLIsLoopback(t *testing.T) {
	t.Parallel()
	r, _ := listen(t)
	u, err := url.Parse(r.CallbackURL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" || u.Path != CallbackPath {
		t.Errorf("callback URL %s; want http://127.0.0.1:<port>/callback", u)
	}
	if len(u.Query().Get("state")) != 32 {
		t.Errorf("callback URL %s: want a 32-hex-digit state", u)
	}
	other, _ := listen(t)
	if other.CallbackURL() == r.CallbackURL() {
		t.Error("two receivers share a callback URL; want a fresh port and state each")
	}
}

func TestWaitReturnsTheVerifier(t *testing.T) {
	t.Parallel()
	r, ignored := listen(t)
	r.Expect("rt1")
	status, body := get(t, callback(r, "rt1", "v 1"))
	if status != http.StatusOK || !strings.Contains(body, "close this tab") {
		t.Errorf("callback page: %d %q; want 200 and 'close this tab'", status, body)
	}
	v, err := r.Wait(context.Background())
	if err != nil || v != "v 1" {
		t.Fatalf("Wait: %q, %v; want \"v 1\"", v, err)
	}
	if status, _ := get(t, callback(r, "rt1", "v2")); status != http.StatusConflict {
		t.Errorf("a second callback: status %d; want 409", status)
	}
	if len(*ignored) != 0 {
		t.Errorf("ignored %q; want nothing", *ignored)
	}
}

func TestWrongCallbacksAreIgnored(t *testing.T) {
	t.Parallel()
	r, ignored := listen(t)
	r.Expect("rt1")
	u, _ := url.Parse(r.CallbackURL())
	wrongState := "http://" + u.Host + CallbackPath + "?state=0123&oauth_token=rt1&oauth_verifier=v"
	for _, bad := range []string{
		wrongState,
		callback(r, "rt2", "v"),
		callback(r, "rt1", ""),
	} {
		if status, _ := get(t, bad); status != http.StatusBadRequest {
			t.Errorf("GET %s: status %d; want 400", bad, status)
		}
	}
	if status, _ := get(t, "http://"+u.Host+"/favicon.ico"); status != http.StatusNotFound {
		t.Errorf("favicon: status %d; want 404", status)
	}
	want := []string{"wrong state parameter", "another request token", "without oauth_verifier"}
	if len(*ignored) != len(want) {
		t.Fatalf("ignored %q; want %d reasons", *ignored, len(want))
	}
	for i, w := range want {
		if !strings.Contains((*ignored)[i], w) {
			t.Errorf("reason %d: %q; want it to mention %q", i, (*ignored)[i], w)
		}
	}
	// Still waiting: the right callback completes the login.
	get(t, callback(r, "rt1", "good"))
	if v, err := r.Wait(context.Background()); err != nil || v != "good" {
		t.Errorf("Wait: %q, %v; want \"good\"", v, err)
	}
}

func TestDenied(t *testing.T) {
	t.Parallel()
	r, _ := listen(t)
	r.Expect("rt1")
	status, body := get(t, callback(r, "rt1", "denied"))
	if status != http.StatusOK || !strings.Contains(body, "denied") {
		t.Errorf("denied page: %d %q", status, body)
	}
	if _, err := r.Wait(context.Background()); !errors.Is(err, ErrDenied) {
		t.Errorf("Wait: %v; want ErrDenied", err)
	}
}

func TestWaitGivesUpWithTheContext(t *testing.T) {
	t.Parallel()
	r, _ := listen(t)
	r.Expect("rt1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait: %v; want DeadlineExceeded", err)
	}
}

func TestNoCallbackBeforeExpect(t *testing.T) {
	t.Parallel()
	r, ignored := listen(t)
	if status, _ := get(t, callback(r, "", "v")); status != http.StatusBadRequest {
		t.Errorf("callback before Expect: status %d; want 400", status)
	}
	if len(*ignored) != 1 {
		t.Errorf("ignored %q; want one reason", *ignored)
	}
}
