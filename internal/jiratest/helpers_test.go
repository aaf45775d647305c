package jiratest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// This file holds an independent, deliberately minimal OAuth 1.0a RSA-SHA1
// signer for the tests. It shares no code with the provider: it encodes with
// net/url (QueryEscape with %20 for spaces) and decodes query/body with
// url.ParseQuery.

// t0 is the fixed provider clock of the tests.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

const testConsumer = "jira-oauth-test"

func loadKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("testdata/%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func enc(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// testBaseString computes an RSA-SHA1 base string the simple way.
func testBaseString(method, rawURL, body string, oauth [][2]string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	type kv struct{ k, v string }
	var pairs []kv
	add := func(k, v string) { pairs = append(pairs, kv{enc(k), enc(v)}) }
	for _, p := range oauth {
		add(p[0], p[1])
	}
	for _, src := range []string{u.RawQuery, body} {
		q, err := url.ParseQuery(src)
		if err != nil {
			panic(err)
		}
		for k, vs := range q {
			for _, v := range vs {
				add(k, v)
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var norm []string
	for _, p := range pairs {
		norm = append(norm, p.k+"="+p.v)
	}
	uri := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
	return method + "&" + enc(uri) + "&" + enc(strings.Join(norm, "&"))
}

func rsaSign(t testing.TB, key *rsa.PrivateKey, base string) string {
	t.Helper()
	sig, err := sign(key, base)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// sign is rsaSign for goroutines other than the test's: it returns the error.
func sign(key *rsa.PrivateKey, base string) (string, error) {
	sum := sha1.Sum([]byte(base))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA1, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// client signs requests for one consumer against one server.
type client struct {
	t           testing.TB
	key         *rsa.PrivateKey
	consumerKey string
	signURL     string // replaces the server URL in the base string when set
	token       string // oauth_token added to every request unless overridden
	now         func() time.Time
	nonces      atomic.Int64
}

// call is one OAuth request to make.
type call struct {
	method, url string
	body        string            // form body (Content-Type form) unless ctype is set
	ctype       string            // Content-Type for the body
	oauth       map[string]string // extra or overriding oauth_ params ("" value deletes)
	tamper      func(r *http.Request)
}

func (c *client) request(cl call) (*http.Request, string) {
	c.t.Helper()
	r, base, err := c.newRequest(cl)
	if err != nil {
		c.t.Fatal(err)
	}
	return r, base
}

// newRequest is request for goroutines other than the test's: it returns
// the error instead of calling t.Fatal.
func (c *client) newRequest(cl call) (*http.Request, string, error) {
	params := map[string]string{
		"oauth_consumer_key":     c.consumerKey,
		"oauth_nonce":            "n" + strconv.FormatInt(c.nonces.Add(1), 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		"oauth_signature_method": "RSA-SHA1",
		"oauth_timestamp":        strconv.FormatInt(c.now().Unix(), 10),
		"oauth_version":          "1.0",
	}
	if c.token != "" {
		params["oauth_token"] = c.token
	}
	for k, v := range cl.oauth {
		if v == "" {
			delete(params, k)
		} else {
			params[k] = v
		}
	}
	var list [][2]string
	for k, v := range params {
		if k != "oauth_signature" {
			list = append(list, [2]string{k, v})
		}
	}
	u, err := url.Parse(cl.url) // before testBaseString, which panics on a bad URL
	if err != nil {
		return nil, "", err
	}
	signURL := cl.url
	if c.signURL != "" {
		signURL = c.signURL + u.RequestURI()
	}
	formBody := ""
	if cl.ctype == "" || cl.ctype == "application/x-www-form-urlencoded" {
		formBody = cl.body
	}
	base := testBaseString(cl.method, signURL, formBody, list)
	if _, ok := params["oauth_signature"]; !ok {
		sig, err := sign(c.key, base)
		if err != nil {
			return nil, "", err
		}
		params["oauth_signature"] = sig
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	h := `OAuth realm=""`
	for _, k := range names {
		h += ", " + enc(k) + `="` + enc(params[k]) + `"`
	}
	var body io.Reader
	if cl.body != "" {
		body = strings.NewReader(cl.body)
	}
	r, err := http.NewRequest(cl.method, cl.url, body)
	if err != nil {
		return nil, "", err
	}
	r.Header.Set("Authorization", h)
	if cl.body != "" {
		ct := cl.ctype
		if ct == "" {
			ct = "application/x-www-form-urlencoded"
		}
		r.Header.Set("Content-Type", ct)
	}
	if cl.tamper != nil {
		cl.tamper(r)
	}
	return r, base, nil
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) form(t testing.TB) url.Values {
	t.Helper()
	v, err := url.ParseQuery(r.body)
	if err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return v
}

func do(t testing.TB, hc *http.Client, r *http.Request) response {
	t.Helper()
	res, err := doErr(hc, r)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// doErr is do for goroutines other than the test's: it returns the error.
func doErr(hc *http.Client, r *http.Request) (response, error) {
	if hc == nil {
		hc = noRedirect
	}
	resp, err := hc.Do(r)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{resp.StatusCode, resp.Header, string(b)}, nil
}

var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       30 * time.Second,
}

// env is a provider behind an httptest server, with one registered consumer.
type env struct {
	p   *Provider
	srv *httptest.Server
	c   *client
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0 }
	}
	p := New(opts)
	key := loadKey(t, "consumer.pem")
	p.AddConsumer(testConsumer, "Test App", &key.PublicKey)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &env{p: p, srv: srv, c: &client{t: t, key: key, consumerKey: testConsumer, now: p.now}}
}

func (e *env) url(path string) string { return e.srv.URL + path }

// login runs the dance and makes the client sign with the access token.
func (e *env) login(t testing.TB) {
	t.Helper()
	e.c.token = e.accessToken(t)
}

func (e *env) call(cl call) response {
	e.c.t.Helper()
	r, _ := e.c.request(cl)
	return do(e.c.t, nil, r)
}

// tryCall is call for goroutines other than the test's, where t.Fatal must
// not be called: it returns the error instead.
func (e *env) tryCall(cl call) (response, error) {
	r, _, err := e.c.newRequest(cl)
	if err != nil {
		return response{}, err
	}
	return doErr(nil, r)
}

// requestToken runs request-token and returns the token.
func (e *env) requestToken(t testing.TB, callback string) string {
	t.Helper()
	res := e.call(call{method: "POST", url: e.url("/plugins/servlet/oauth/request-token"),
		oauth: map[string]string{"oauth_callback": callback}})
	if res.status != http.StatusOK {
		t.Fatalf("request-token: got status %d (%s); want 200", res.status, res.body)
	}
	f := res.form(t)
	if f.Get("oauth_token") == "" || f.Get("oauth_token_secret") == "" || f.Get("oauth_callback_confirmed") != "true" {
		t.Fatalf("request-token: got %q; want token, secret, oauth_callback_confirmed=true", res.body)
	}
	return f.Get("oauth_token")
}

func (e *env) accessTokenCall(token, verifier string) response {
	e.c.t.Helper()
	return e.call(e.accessTokenReq(token, verifier))
}

// accessTokenReq is the access-token exchange of token for verifier.
func (e *env) accessTokenReq(token, verifier string) call {
	return call{method: "POST", url: e.url("/plugins/servlet/oauth/access-token"),
		oauth: map[string]string{"oauth_token": token, "oauth_verifier": verifier}}
}

// approve approves the request token rt as the user in the browser and
// returns the verifier.
func (e *env) approve(t testing.TB, rt string) string {
	t.Helper()
	v, err := e.p.Approve(rt)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// accessToken runs the whole dance with Approve and returns the access token.
func (e *env) accessToken(t testing.TB) string {
	t.Helper()
	rt := e.requestToken(t, "oob")
	v := e.approve(t, rt)
	res := e.accessTokenCall(rt, v)
	if res.status != http.StatusOK {
		t.Fatalf("access-token: got status %d (%s); want 200", res.status, res.body)
	}
	return res.form(t).Get("oauth_token")
}

// wantProblem checks net.oauth's refusal format.
func wantProblem(t testing.TB, res response, status int, problem string) url.Values {
	t.Helper()
	if res.status != status {
		t.Errorf("got status %d; want %d (body %q)", res.status, status, res.body)
	}
	f, err := url.ParseQuery(res.body)
	if err != nil {
		t.Fatalf("body %q is not form-encoded: %v", res.body, err)
	}
	if got := f.Get("oauth_problem"); got != problem {
		t.Errorf("got oauth_problem %q; want %q (body %q)", got, problem, res.body)
	}
	wa := res.header.Get("WWW-Authenticate")
	if !strings.HasPrefix(wa, `OAuth realm="`) || !strings.Contains(wa, `, oauth_problem="`+problem+`"`) {
		t.Errorf("got WWW-Authenticate %q; want OAuth realm=\"...\", oauth_problem=%q", wa, problem)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		t.Errorf("got Content-Type %q; want application/x-www-form-urlencoded", ct)
	}
	return f
}
