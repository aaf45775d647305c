package proxy

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// testKey is one 2048-bit key shared by the tests of this package.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := keys.Generate(2048)
	if err != nil {
		panic(err)
	}
	return k
})

// link is a jiratest provider with an approved access token.
type link struct {
	jira     *httptest.Server
	provider *jiratest.Provider
	signer   *oauth.Signer
	token    string
	requests atomic.Int64 // requests that reached the provider
}

func newLink(tb testing.TB) *link {
	tb.Helper()
	l := &link{provider: jiratest.New(jiratest.Options{})}
	l.jira = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.requests.Add(1)
		l.provider.ServeHTTP(w, r)
	}))
	tb.Cleanup(l.jira.Close)
	key := testKey()
	l.provider.AddConsumer("ci-bot", "ci", &key.PublicKey)
	l.signer = &oauth.Signer{ConsumerKey: "ci-bot", Key: key}
	home, _ := url.Parse(l.jira.URL)
	c := &oauth.Client{JiraHome: home, Signer: l.signer}
	ctx := context.Background()
	rt, err := c.RequestToken(ctx, "")
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := l.provider.Approve(rt.Token)
	if err != nil {
		tb.Fatal(err)
	}
	at, err := c.AccessToken(ctx, rt.Token, rt.Secret, verifier)
	if err != nil {
		tb.Fatal(err)
	}
	l.token = at.Token
	l.requests.Store(0)
	return l
}

// proxyTo returns a running proxy in front of target (jira_home) and its token.
func (l *link) proxyTo(tb testing.TB, target string, base http.RoundTripper, logf func(string)) *httptest.Server {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	h := &Handler{
		Target: u,
		Token:  "the-proxy-token",
		Transport: &oauth.Transport{Signer: l.signer, AccessToken: l.token, Base: base,
			Retry: &oauth.RetryPolicy{Max: 3, Backoff: time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }}},
		Timeout: time.Minute,
		Log:     logf,
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAuthorisation(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	var logs []string
	var mu sync.Mutex
	p := l.proxyTo(t, l.jira.URL, nil, func(s string) { mu.Lock(); logs = append(logs, s); mu.Unlock() })
	for _, tt := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer the-proxy-token", http.StatusOK},
		{"bearer the-proxy-token", http.StatusOK},
		{"Basic " + basic("anyone", "the-proxy-token"), http.StatusOK},
		{"Basic " + basic("the-proxy-token", ""), http.StatusUnauthorized},
		{"OAuth oauth_token=\"x\"", http.StatusUnauthorized},
	} {
		before := l.requests.Load()
		got, body := get(t, p.URL+"/rest/api/2/myself", tt.auth)
		if got != tt.want {
			t.Errorf("Authorization %q: %d %s; want %d", tt.auth, got, body, tt.want)
		}
		reached := l.requests.Load() != before
		if reached != (tt.want == http.StatusOK) {
			t.Errorf("Authorization %q: reached Jira = %v", tt.auth, reached)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, line := range logs {
		if strings.Contains(line, "the-proxy-token") {
			t.Errorf("log line %q holds the token", line)
		}
	}
	if len(logs) != 7 || !strings.HasPrefix(logs[2], "GET /rest/api/2/myself 200 ") {
		t.Errorf("logs = %q; want one line per request", logs)
	}
}

func basic(user, pass string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// TestForwarded: the caller's Authorization is not forwarded, the path
// and query are kept under jira_home's context path, and each request
// is signed afresh.
func TestForwarded(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	var mu sync.Mutex
	var seen []*http.Request
	recorder := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: r}, nil
	})
	p := l.proxyTo(t, "https://jira.example.com/jira", recorder, nil)
	for i := 0; i < 2; i++ {
		if code, _ := get(t, p.URL+"/rest/api/2/search?jql=project%3DDEMO&fields=a&fields=b", "Bearer the-proxy-token"); code != 200 {
			t.Fatalf("code %d", code)
		}
	}
	if len(seen) != 2 {
		t.Fatalf("%d requests forwarded; want 2", len(seen))
	}
	var nonces []string
	for _, r := range seen {
		if got, want := r.URL.String(), "https://jira.example.com/jira/rest/api/2/search?jql=project%3DDEMO&fields=a&fields=b"; got != want {
			t.Errorf("forwarded to %s; want %s", got, want)
		}
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "OAuth ") || strings.Contains(auth, "the-proxy-token") {
			t.Errorf("Authorization %q; want only the OAuth signature", auth)
		}
		_, after, _ := strings.Cut(auth, `oauth_nonce="`)
		nonce, _, _ := strings.Cut(after, `"`)
		nonces = append(nonces, nonce)
	}
	if nonces[0] == nonces[1] || nonces[0] == "" {
		t.Errorf("nonces %q; want a fresh one per request", nonces)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRefused: what could leave jira_home never reaches it.
func TestRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, requestURI string
		want             int
	}{
		{"absolute form", "http://evil.example.com/rest/api/2/myself", http.StatusBadRequest},
		{"dot dot", "/jira/../admin", http.StatusBadRequest},
		{"encoded dot dot", "/rest/%2e%2E/x", http.StatusBadRequest},
		{"dot", "/./rest", http.StatusBadRequest},
		{"backslash", `/rest/..%5cadmin`, http.StatusBadRequest},
		{"asterisk", "*", http.StatusBadRequest},
		{"connect", "jira.example.com:443", http.StatusMethodNotAllowed},
	} {
		h := &Handler{Target: &url.URL{Scheme: "https", Host: "jira.example.com", Path: "/jira"}, Token: "t",
			Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				t.Errorf("%s: forwarded to %s", tt.name, r.URL)
				return nil, fmt.Errorf("no")
			})}
		method := http.MethodGet
		if tt.name == "connect" {
			method = http.MethodConnect
		}
		r := httptest.NewRequest(method, "/", nil)
		r.RequestURI = tt.requestURI
		u, err := url.ParseRequestURI(tt.requestURI)
		if err != nil {
			u = &url.URL{Host: tt.requestURI}
		}
		r.URL = u
		r.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("%s: %d %s; want %d", tt.name, w.Code, w.Body, tt.want)
		}
	}
}

// TestRetries: a 503 to a GET is retried, re-signed, like request does.
func TestRetries(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	var calls atomic.Int64
	flaky := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return &http.Response{StatusCode: 503, Status: "503 Service Unavailable", Body: io.NopCloser(strings.NewReader("busy")), Header: http.Header{}, Request: r}, nil
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	p := l.proxyTo(t, l.jira.URL, flaky, nil)
	code, body := get(t, p.URL+"/rest/api/2/myself", "Bearer the-proxy-token")
	if code != 200 || !strings.Contains(body, "admin") || calls.Load() != 2 {
		t.Errorf("after a 503: %d %s, %d calls; want 200 after 2 calls", code, body, calls.Load())
	}
}

// TestConcurrent: 200 callers at once are all answered, each signed
// afresh (the provider refuses a reused nonce).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	p := l.proxyTo(t, l.jira.URL, nil, nil)
	const n = 200
	client := &http.Client{Timeout: 2 * time.Minute}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, p.URL+"/rest/api/2/myself", nil)
			req.Header.Set("Authorization", "Bearer the-proxy-token")
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("%s: %s", resp.Status, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestStreams: the answer reaches the caller as Jira sends it, before
// Jira has finished.
func TestStreams(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	release := make(chan struct{})
	jira := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "second\n")
	}))
	defer jira.Close()
	defer close(release)
	p := l.proxyTo(t, jira.URL, nil, nil)
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/stream", nil)
	req.Header.Set("Authorization", "Bearer the-proxy-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "first\n" {
		t.Fatalf("read %q, %v; want the first line before Jira finished", buf, err)
	}
}

// TestKeepAlive: sequential calls through the proxy reuse its connection
// to Jira instead of opening one each.
func TestKeepAlive(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	var conns atomic.Int64
	jira := httptest.NewUnstartedServer(l.provider)
	jira.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	jira.Start()
	defer jira.Close()
	p := l.proxyTo(t, jira.URL, &http.Transport{}, nil)
	for i := 0; i < 20; i++ {
		if code, body := get(t, p.URL+"/rest/api/2/myself", "Bearer the-proxy-token"); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 calls opened %d connections to Jira; want 1 kept alive", n)
	}
}

// TestTransportErrorLogged: a request Transport fails (a refresh of the
// token that failed) gets 502 saying why, and its log line says it too.
func TestTransportErrorLogged(t *testing.T) {
	t.Parallel()
	var lines []string
	h := &Handler{Target: &url.URL{Scheme: "https", Host: "jira.example.com"}, Token: "t",
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, &oauth.AuthorizeError{Err: errors.New("refresh: Jira issued a new token, but saving it failed\x1b[31m")}
		}),
		Log: func(line string) { lines = append(lines, line) }}
	r := httptest.NewRequest(http.MethodGet, "/rest/api/2/myself", nil)
	r.Header.Set("Authorization", "Bearer t")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "jira-oauth proxy: the request could not be authorised: refresh: Jira issued a new token") {
		t.Errorf("answer %d %q; want 502 with the refresh's error", w.Code, w.Body)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /rest/api/2/myself 502 ") || !strings.Contains(lines[0], "ms: refresh: Jira issued a new token, but saving it failed") || strings.Contains(lines[0], "\x1b") {
		t.Errorf("log %q; want one line with the refresh's error, escaped", lines)
	}
}

// TestFormTooLarge: a caller's form body over oauth.MaxFormBody, which
// the signer would have to read whole to sign, is refused with 413 and
// never sent; one within the limit is forwarded whole.
func TestFormTooLarge(t *testing.T) {
	t.Parallel()
	l := newLink(t)
	var sent atomic.Int64
	var gotLen atomic.Int64
	recorder := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		n, _ := io.Copy(io.Discard, r.Body)
		gotLen.Store(n)
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: r}, nil
	})
	p := l.proxyTo(t, "https://jira.example.com/jira", recorder, nil)
	post := func(size int) (int, string) {
		body := "a=" + strings.Repeat("x", size-2)
		req, _ := http.NewRequest(http.MethodPost, p.URL+"/rest/api/2/something", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer the-proxy-token")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(oauth.MaxFormBody + 1); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "over 32 MiB") {
		t.Errorf("form body of MaxFormBody+1 bytes: %d %q; want 413 saying the limit", code, body)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d requests reached Jira; want none", n)
	}
	if code, _ := post(1 << 20); code != 200 {
		t.Errorf("form body of 1 MiB: %d; want 200", code)
	}
	if n := gotLen.Load(); n != 1<<20 {
		t.Errorf("Jira got %d bytes of the 1 MiB form; want all of it", n)
	}
}
