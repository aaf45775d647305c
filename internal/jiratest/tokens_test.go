package jiratest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAccessTokenStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, e *env, rt string) (verifier string)
		status  int
		problem string
	}{
		{"not yet approved", func(*testing.T, *env, string) string { return "whatever" }, 401, "permission_unknown"},
		{"denied", func(t *testing.T, e *env, rt string) string {
			if err := e.p.Deny(rt); err != nil {
				t.Fatal(err)
			}
			return "denied"
		}, 401, "permission_denied"},
		{"wrong verifier", func(t *testing.T, e *env, rt string) string {
			return e.approve(t, rt) + "x"
		}, 401, "token_rejected"},
		{"expired", approveThen(func(e *env) { e.p.Advance(10*time.Minute + time.Second) }), 401, "token_expired"},
		{"aged without clock skew", approveThen(func(e *env) { e.p.AgeTokens(10*time.Minute + time.Second) }), 401, "token_expired"},
		{"aged just in time", approveThen(func(e *env) { e.p.AgeTokens(10 * time.Minute) }), 200, ""},
		{"just in time", approveThen(func(e *env) { e.p.Advance(10 * time.Minute) }), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			rt := e.requestToken(t, "oob")
			v := tt.prepare(t, e, rt)
			res := e.accessTokenCall(rt, v)
			if tt.status == 200 {
				if res.status != 200 {
					t.Errorf("got %d %q; want 200", res.status, res.body)
				}
				return
			}
			wantProblem(t, res, tt.status, tt.problem)
		})
	}
}

// approveThen approves the request token, then lets time pass with after.
func approveThen(after func(e *env)) func(t *testing.T, e *env, rt string) string {
	return func(t *testing.T, e *env, rt string) string {
		v := e.approve(t, rt)
		after(e)
		return v
	}
}

func TestOneTimeExchange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	rt := e.requestToken(t, "oob")
	v := e.approve(t, rt)
	if res := e.accessTokenCall(rt, v); res.status != http.StatusOK {
		t.Fatalf("first exchange: got %d %q; want 200", res.status, res.body)
	}
	wantProblem(t, e.accessTokenCall(rt, v), http.StatusUnauthorized, "token_rejected")
	if _, err := e.p.Approve(rt); err == nil {
		t.Error("Approve after exchange: got nil error; want one")
	}
}

func TestApproveDenyErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	if _, err := e.p.Approve("unknown"); err == nil {
		t.Error("Approve(unknown): got nil error; want one")
	}
	rt := e.requestToken(t, "oob")
	if _, err := e.p.Approve(rt); err != nil {
		t.Fatal(err)
	}
	if err := e.p.Deny(rt); err == nil {
		t.Error("Deny after Approve: got nil error; want one")
	}
	rt2 := e.requestToken(t, "oob")
	e.p.Advance(11 * time.Minute)
	if _, err := e.p.Approve(rt2); err == nil {
		t.Error("Approve after 11 minutes: got nil error; want one")
	}
}

func TestTokensAreBoundToTheirConsumer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	rt := e.requestToken(t, "oob")
	v := e.approve(t, rt)
	at := e.accessToken(t)
	other := loadKey(t, "other.pem")
	e.p.AddConsumer("other", "Other", &other.PublicKey)
	e.c = &client{t: t, key: other, consumerKey: "other", now: e.p.now}
	wantProblem(t, e.accessTokenCall(rt, v), http.StatusUnauthorized, "token_rejected")
	wantProblem(t, e.call(call{method: "GET", url: e.url("/rest/api/2/myself"), oauth: map[string]string{"oauth_token": at}}),
		http.StatusUnauthorized, "token_rejected")
}

func TestAccessTokenLifetime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	myself := call{method: "GET", url: e.url("/rest/api/2/myself")}
	e.p.Advance(157680000 * time.Second)
	if res := e.call(myself); res.status != http.StatusOK {
		t.Fatalf("at 5 years: got %d %q; want 200", res.status, res.body)
	}
	e.p.Advance(time.Second)
	wantProblem(t, e.call(myself), http.StatusUnauthorized, "token_expired")
}

func TestAuthorizeCallbackRedirect(t *testing.T) {
	t.Parallel()
	const callback = "https://app.example/cb?state=a%2Bb&x=1#frag"
	e := newEnv(t, Options{AutoApprove: true})
	rt := e.requestToken(t, callback)
	res := do(t, nil, mustRequest(t, "GET", e.url("/plugins/servlet/oauth/authorize?oauth_token="+url.QueryEscape(rt)), ""))
	if res.status != http.StatusFound {
		t.Fatalf("got %d %q; want 302", res.status, res.body)
	}
	loc := res.header.Get("Location")
	prefix := "https://app.example/cb?state=a%2Bb&x=1&oauth_token=" + url.QueryEscape(rt) + "&oauth_verifier="
	if !strings.HasPrefix(loc, prefix) || !strings.HasSuffix(loc, "#frag") {
		t.Fatalf("got Location %q; want %q...#frag", loc, prefix)
	}
	v := strings.TrimSuffix(strings.TrimPrefix(loc, prefix), "#frag")
	if res := e.accessTokenCall(rt, v); res.status != http.StatusOK {
		t.Errorf("exchange with redirected verifier: got %d %q; want 200", res.status, res.body)
	}
}

func TestAuthorizeDeny(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	deny := func(rt string) response {
		r := mustRequest(t, "POST", e.url("/plugins/servlet/oauth/authorize"), url.Values{"oauth_token": {rt}, "deny": {"Deny"}}.Encode())
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return do(t, nil, r)
	}
	rt := e.requestToken(t, "http://localhost:9/cb")
	res := deny(rt)
	if loc := res.header.Get("Location"); res.status != http.StatusFound || loc != "http://localhost:9/cb?oauth_token="+url.QueryEscape(rt)+"&oauth_verifier=denied" {
		t.Errorf("deny with callback: got %d Location %q; want 302 with oauth_verifier=denied", res.status, loc)
	}
	wantProblem(t, e.accessTokenCall(rt, "denied"), http.StatusUnauthorized, "permission_denied")

	rt = e.requestToken(t, "oob")
	res = deny(rt)
	if res.status != http.StatusOK || !strings.Contains(res.body, "You have denied Test App access") || strings.Contains(res.body, "oauth-verifier") {
		t.Errorf("deny oob: got %d %q; want a denied page without a verifier", res.status, res.body)
	}
}

func TestAuthorizePageErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	get := func(q string) response {
		return do(t, nil, mustRequest(t, "GET", e.url("/plugins/servlet/oauth/authorize"+q), ""))
	}
	if res := get(""); res.status != http.StatusBadRequest {
		t.Errorf("no token: got %d; want 400", res.status)
	}
	if res := get("?oauth_token=unknown"); res.status != http.StatusUnauthorized {
		t.Errorf("unknown token: got %d; want 401", res.status)
	}
	rt := e.requestToken(t, "oob")
	e.p.Advance(10*time.Minute + time.Second)
	if res := get("?oauth_token=" + url.QueryEscape(rt)); res.status != http.StatusUnauthorized || !strings.Contains(res.body, "expired") {
		t.Errorf("expired token: got %d %q; want 401 saying expired", res.status, res.body)
	}
}

func TestDateHeaderFollowsProviderClock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	get := func() string {
		return do(t, nil, mustRequest(t, "GET", e.url("/rest/api/2/serverInfo"), "")).header.Get("Date")
	}
	if got, want := get(), "Fri, 14 Mar 2025 15:09:26 GMT"; got != want {
		t.Errorf("got Date %q; want %q", got, want)
	}
	e.p.Advance(-time.Hour)
	if got, want := get(), "Fri, 14 Mar 2025 14:09:26 GMT"; got != want {
		t.Errorf("after Advance(-1h): got Date %q; want %q", got, want)
	}
}

func TestLogNeverContainsSecrets(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var log strings.Builder
	e := newEnv(t, Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&log, format+"\n", args...)
	}})
	rt := e.requestToken(t, "oob")
	v := e.approve(t, rt)
	res := e.accessTokenCall(rt, v)
	wantProblem(t, e.accessTokenCall(rt, v), http.StatusUnauthorized, "token_rejected")
	mu.Lock()
	defer mu.Unlock()
	got := log.String()
	if n := strings.Count(got, "\n"); n != 3 {
		t.Errorf("got %d log lines; want 3:\n%s", n, got)
	}
	if !strings.Contains(got, "POST /plugins/servlet/oauth/access-token -> 401 oauth_problem=token_rejected") &&
		!strings.Contains(got, "POST /plugins/servlet/oauth/access-token oauth_problem=token_rejected -> 401") {
		t.Errorf("log lacks the refused exchange:\n%s", got)
	}
	for _, secret := range []string{v, res.form(t).Get("oauth_token_secret")} {
		if strings.Contains(got, secret) {
			t.Errorf("log contains a secret:\n%s", got)
		}
	}
}

// TestConcurrentDances runs complete dances and comments in parallel; run
// with -race. Every request must succeed and every comment must be kept.
func TestConcurrentDances(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const workers, rounds = 8, 3
	var wg sync.WaitGroup
	errs := make(chan string, 2*workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				// No t.Fatal off the test goroutine: the try* helpers
				// return errors, which go to errs.
				rt, err := e.tryCall(call{method: "POST", url: e.url("/plugins/servlet/oauth/request-token"),
					oauth: map[string]string{"oauth_callback": "oob"}})
				if err != nil {
					errs <- fmt.Sprintf("request-token: %v", err)
					continue
				}
				f, _ := url.ParseQuery(rt.body)
				v, err := e.p.Approve(f.Get("oauth_token"))
				if err != nil {
					errs <- fmt.Sprintf("request-token %d %q, approve: %v", rt.status, rt.body, err)
					continue
				}
				ex, err := e.tryCall(e.accessTokenReq(f.Get("oauth_token"), v))
				if err != nil {
					errs <- fmt.Sprintf("access-token: %v", err)
					continue
				}
				f, _ = url.ParseQuery(ex.body)
				at := f.Get("oauth_token")
				if ex.status != http.StatusOK || at == "" {
					errs <- fmt.Sprintf("access-token: got %d %q; want 200", ex.status, ex.body)
					continue
				}
				res, err := e.tryCall(call{method: "POST", url: e.url("/rest/api/2/issue/DEMO-2/comment"), ctype: "application/json",
					body: fmt.Sprintf(`{"body":"worker %d round %d"}`, w, i), oauth: map[string]string{"oauth_token": at}})
				if err != nil {
					errs <- fmt.Sprintf("comment: %v", err)
					continue
				}
				if res.status != http.StatusCreated {
					errs <- fmt.Sprintf("comment: got %d %q; want 201", res.status, res.body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(e.p.Comments("DEMO-2")); got != workers*rounds {
		t.Errorf("got %d comments; want %d", got, workers*rounds)
	}
}

// TestTryCallReturnsErrors: the helpers the worker goroutines use must
// report a failure as an error, never through t.Fatal (which must only be
// called from the test goroutine).
func TestTryCallReturnsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.srv.Close()
	if _, err := e.tryCall(call{method: "GET", url: e.url("/rest/api/2/myself")}); err == nil {
		t.Errorf("tryCall to a closed server: got no error; want one")
	}
	if _, err := e.tryCall(call{method: "GET", url: "://bad"}); err == nil {
		t.Errorf("tryCall with a bad URL: got no error; want one")
	}
}
