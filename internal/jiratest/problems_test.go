package jiratest

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	rtPath := "/plugins/servlet/oauth/request-token"
	tests := []struct {
		name    string
		call    call
		status  int
		problem string
		extra   map[string]string // expected extra parameters in the body
	}{
		{
			name:    "no callback",
			call:    call{method: "POST", url: rtPath},
			status:  400,
			problem: "parameter_absent",
			extra:   map[string]string{"oauth_parameters_absent": "oauth_callback"},
		},
		{
			name:    "no nonce nor callback",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_nonce": ""}},
			status:  400,
			problem: "parameter_absent",
			extra:   map[string]string{"oauth_parameters_absent": "oauth_nonce&oauth_callback"},
		},
		{
			name:    "HMAC-SHA1",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob", "oauth_signature_method": "HMAC-SHA1"}},
			status:  400,
			problem: "signature_method_rejected",
			extra:   map[string]string{"oauth_acceptable_signature_methods": "RSA-SHA1"},
		},
		{
			name:    "version 2.0",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob", "oauth_version": "2.0"}},
			status:  400,
			problem: "version_rejected",
			extra:   map[string]string{"oauth_acceptable_versions": "1.0-1.0"},
		},
		{
			name:    "unknown consumer",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob", "oauth_consumer_key": "nobody"}},
			status:  401,
			problem: "consumer_key_unknown",
		},
		{
			name:    "timestamp far off",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob", "oauth_timestamp": "1000"}},
			status:  400,
			problem: "timestamp_refused",
			extra:   map[string]string{"oauth_acceptable_timestamps": strconv.FormatInt(t0.Unix()-300, 10) + "-" + strconv.FormatInt(t0.Unix()+300, 10)},
		},
		{
			name:    "garbage signature",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob", "oauth_signature": "bm90IGEgc2lnbmF0dXJl"}},
			status:  401,
			problem: "signature_invalid",
			extra:   map[string]string{"oauth_signature": "bm90IGEgc2lnbmF0dXJl", "oauth_signature_method": "RSA-SHA1"},
		},
		{
			name:    "unknown request token",
			call:    call{method: "POST", url: "/plugins/servlet/oauth/access-token", oauth: map[string]string{"oauth_token": "nope", "oauth_verifier": "x"}},
			status:  401,
			problem: "token_rejected",
		},
		{
			name:    "duplicate oauth_nonce",
			call:    call{method: "POST", url: rtPath + "?oauth_nonce=again", oauth: map[string]string{"oauth_callback": "oob"}},
			status:  400,
			problem: "parameter_rejected",
			extra:   map[string]string{"oauth_parameters_rejected": "oauth_nonce"},
		},
		{
			name:    "bad callback",
			call:    call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "not a url"}},
			status:  400,
			problem: "parameter_rejected",
			extra:   map[string]string{"oauth_parameters_rejected": "oauth_callback"},
		},
		{
			name: "malformed Authorization header",
			call: call{method: "POST", url: rtPath, oauth: map[string]string{"oauth_callback": "oob"},
				tamper: func(r *http.Request) {
					r.Header.Set("Authorization", r.Header.Get("Authorization")+`, x="unterminated`)
				}},
			status:  400,
			problem: "parameter_rejected",
		},
		{
			name:    "unknown access token on REST",
			call:    call{method: "GET", url: "/rest/api/2/myself", oauth: map[string]string{"oauth_token": "nope"}},
			status:  401,
			problem: "token_rejected",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			tt.call.url = e.url(tt.call.url)
			res := e.call(tt.call)
			f := wantProblem(t, res, tt.status, tt.problem)
			for k, want := range tt.extra {
				if got := f.Get(k); got != want {
					t.Errorf("got %s=%q; want %q", k, got, want)
				}
				// net.oauth puts every oauth_ parameter, percent-encoded, in the header too.
				if wa := res.header.Get("WWW-Authenticate"); !strings.Contains(wa, k+`="`+enc(want)+`"`) {
					t.Errorf("got WWW-Authenticate %q; want %s=%q", wa, k, enc(want))
				}
			}
			if wa := res.header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, `OAuth realm="`+enc(e.srv.URL)+`", oauth_problem=`) {
				t.Errorf("got WWW-Authenticate %q; want realm %q first", wa, enc(e.srv.URL))
			}
		})
	}
}

// TestTampering: one changed byte anywhere that is signed is refused, and the
// provider reports the base string it computed for the bytes it received.
func TestTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		body     string
		tamper   func(r *http.Request)
		sentURL  func(e *env) string // URL of the bytes actually sent, for the expected base string
		sentBody string
	}{
		{
			name:   "signature byte",
			path:   "/plugins/servlet/oauth/request-token",
			tamper: flipSignatureByte,
		},
		{
			name: "path",
			path: "/rest/api/2/serverInfo",
			tamper: func(r *http.Request) {
				r.URL.Path = "/rest/api/2/serverInfO"
			},
			sentURL: func(e *env) string { return e.url("/rest/api/2/serverInfO") },
		},
		{
			name:    "host",
			path:    "/rest/api/2/serverInfo",
			tamper:  func(r *http.Request) { r.Host = "localhost.localdomain" },
			sentURL: func(e *env) string { return "http://localhost.localdomain/rest/api/2/serverInfo" },
		},
		{
			name:    "query value",
			path:    "/rest/api/2/serverInfo?expand=a",
			tamper:  func(r *http.Request) { r.URL.RawQuery = "expand=b" },
			sentURL: func(e *env) string { return e.url("/rest/api/2/serverInfo?expand=b") },
		},
		{
			name:    "dropped duplicate query param",
			path:    "/rest/api/2/serverInfo?a=1",
			tamper:  func(r *http.Request) { r.URL.RawQuery = "a=1&a=1" },
			sentURL: func(e *env) string { return e.url("/rest/api/2/serverInfo?a=1&a=1") },
		},
		{
			name: "form body",
			path: "/plugins/servlet/oauth/request-token",
			body: "x=1",
			tamper: func(r *http.Request) {
				r.Body = io.NopCloser(strings.NewReader("x=2"))
			},
			sentBody: "x=2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			cl := call{method: "GET", url: e.url(tt.path), body: tt.body}
			if strings.HasPrefix(tt.path, "/rest/") {
				e.login(t)
			}
			if strings.Contains(tt.path, "request-token") {
				cl.method = "POST"
				cl.oauth = map[string]string{"oauth_callback": "oob"}
			}
			// Untampered, the same call is accepted.
			if res := e.call(cl); res.status != http.StatusOK {
				t.Fatalf("untampered: got %d %q; want 200", res.status, res.body)
			}
			cl.tamper = tt.tamper
			r, sentBase := e.c.request(cl)
			if tt.sentURL != nil || tt.sentBody != "" {
				oauth := oauthParamsOf(t, r)
				u := cl.url
				if tt.sentURL != nil {
					u = tt.sentURL(e)
				}
				sentBase = testBaseString(cl.method, u, tt.sentBody, oauth)
			}
			res := do(t, nil, r)
			f := wantProblem(t, res, http.StatusUnauthorized, "signature_invalid")
			if got := f.Get("oauth_signature_base_string"); got != sentBase {
				t.Errorf("got reported base string\n%s\nwant\n%s", got, sentBase)
			}
		})
	}
}

func flipSignatureByte(r *http.Request) {
	h := r.Header.Get("Authorization")
	i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`) + 10
	c := byte('A')
	if h[i] == 'A' {
		c = 'B'
	}
	r.Header.Set("Authorization", h[:i]+string(c)+h[i+1:])
}

// oauthParamsOf reads back the oauth_ parameters (without the signature) the
// test signer put in r's header.
func oauthParamsOf(t testing.TB, r *http.Request) [][2]string {
	t.Helper()
	h := strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth ")
	var out [][2]string
	for _, part := range strings.Split(h, ", ") {
		k, v, _ := strings.Cut(part, "=")
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Fatal(err)
		}
		if k != "realm" && k != "oauth_signature" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func TestDuplicateQueryParamsAreSigned(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	cl := call{method: "GET", url: e.url("/rest/api/2/serverInfo?a=1&a=1&b=%20&b=+")}
	r, base := e.c.request(cl)
	if !strings.Contains(base, "a%3D1%26a%3D1%26b%3D%2520%26b%3D%2520") {
		t.Fatalf("test signer base string %q lacks the duplicates", base)
	}
	if res := do(t, nil, r); res.status != http.StatusOK {
		t.Errorf("got %d %q; want 200", res.status, res.body)
	}
}

func TestNonce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	cl := call{method: "GET", url: e.url("/rest/api/2/serverInfo"), oauth: map[string]string{"oauth_nonce": "fixed-nonce"}}

	// A badly signed request does not burn the nonce.
	bad := cl
	bad.tamper = flipSignatureByte
	wantProblem(t, e.call(bad), http.StatusUnauthorized, "signature_invalid")

	if res := e.call(cl); res.status != http.StatusOK {
		t.Fatalf("first use: got %d %q; want 200", res.status, res.body)
	}
	wantProblem(t, e.call(cl), http.StatusUnauthorized, "nonce_used")

	// The same nonce is free for another consumer.
	other := loadKey(t, "other.pem")
	e.p.AddConsumer("other", "Other", &other.PublicKey)
	oc := &client{t: t, key: other, consumerKey: "other", now: e.p.now}
	e.c = oc
	e.login(t)
	r, _ := oc.request(cl)
	if res := do(t, nil, r); res.status != http.StatusOK {
		t.Errorf("other consumer, same nonce: got %d %q; want 200", res.status, res.body)
	}
}

func TestTimestampWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		offset time.Duration
		ok     bool
	}{
		{-301 * time.Second, false},
		{-300 * time.Second, true},
		{-299 * time.Second, true},
		{0, true},
		{299 * time.Second, true},
		{300 * time.Second, true},
		{301 * time.Second, false},
	}
	e := newEnv(t, Options{})
	e.login(t)
	for _, tt := range tests {
		ts := strconv.FormatInt(t0.Add(tt.offset).Unix(), 10)
		res := e.call(call{method: "GET", url: e.url("/rest/api/2/serverInfo"), oauth: map[string]string{"oauth_timestamp": ts}})
		if tt.ok {
			if res.status != http.StatusOK {
				t.Errorf("offset %v: got %d %q; want 200", tt.offset, res.status, res.body)
			}
			continue
		}
		f := wantProblem(t, res, http.StatusBadRequest, "timestamp_refused")
		if got, want := f.Get("oauth_acceptable_timestamps"), "1741964666-1741965266"; got != want {
			t.Errorf("offset %v: got oauth_acceptable_timestamps %q; want %q", tt.offset, got, want)
		}
	}
}

func TestBaseURLMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{BaseURL: "https://Jira.Example.com:443/jira/"})
	cl := call{method: "GET", url: e.url("/rest/api/2/serverInfo")}

	// The token dance itself fails the same way until jira_home matches.
	wantProblem(t, e.call(call{method: "POST", url: e.url("/plugins/servlet/oauth/request-token"),
		oauth: map[string]string{"oauth_callback": "oob"}}), http.StatusUnauthorized, "signature_invalid")
	e.c.signURL = "https://jira.example.com/jira"
	e.login(t)
	e.c.signURL = ""

	// The client signs for the URL it connects to; Jira signs for its Base URL.
	f := wantProblem(t, e.call(cl), http.StatusUnauthorized, "signature_invalid")
	if got, want := f.Get("oauth_signature_base_string"), "GET&https%3A%2F%2Fjira.example.com%2Fjira%2Frest%2Fapi%2F2%2FserverInfo&"; !strings.HasPrefix(got, want) {
		t.Errorf("got base string %q; want prefix %q", got, want)
	}

	// A client whose jira_home matches the Base URL is accepted, whether the
	// proxy keeps the context path or strips it.
	e.c.signURL = "https://jira.example.com/jira"
	if res := e.call(cl); res.status != http.StatusOK || !strings.Contains(res.body, `"baseUrl":"https://jira.example.com/jira"`) {
		t.Errorf("stripped context path: got %d %q; want 200 with Jira's baseUrl", res.status, res.body)
	}
	e.c.signURL = "https://jira.example.com"
	cl.url = e.url("/jira/rest/api/2/serverInfo")
	if res := e.call(cl); res.status != http.StatusOK {
		t.Errorf("kept context path: got %d %q; want 200", res.status, res.body)
	}
}
