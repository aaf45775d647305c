package oauth

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// inbound is what the fake Jira saw of a signed request.
type inbound struct {
	oauth url.Values // Authorization parameters
	base  string     // the base string the server computed itself
	sigOK bool
	body  []byte
}

// fakeJira is an httptest server that checks signatures independently of
// Signer (its own encoder and sort) and answers through handle.
func fakeJira(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, in inbound)) (*Client, *bytes.Buffer) {
	t.Helper()
	key := testKey()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in := inbound{body: body}
		if p, ok := parseAuthParams(r.Header.Get("Authorization")); ok {
			in.oauth = p
			in.base = serverBase(r, "http://"+r.Host, p, body)
			sig, err := base64.StdEncoding.DecodeString(p.Get("oauth_signature"))
			digest := sha1.Sum([]byte(in.base))
			in.sigOK = err == nil && rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA1, digest[:], sig) == nil
		}
		handle(w, r, in)
	}))
	t.Cleanup(srv.Close)
	home, err := url.Parse(srv.URL + "/jira")
	if err != nil {
		t.Fatal(err)
	}
	var trace bytes.Buffer
	c := &Client{
		JiraHome: home,
		Signer:   fixedSigner(key, "jira-cli", clientNow.Unix(), "nonce1"),
		HTTP:     &http.Client{Timeout: 10 * time.Second},
		Trace:    &trace,
	}
	return c, &trace
}

// clientNow is the client's clock in client tests.
var clientNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// serverBase builds a base string the way a provider would, with its own
// encoder, for baseURL (scheme://host[:port] as the server believes it is).
func serverBase(r *http.Request, baseURL string, oauth url.Values, body []byte) string {
	type kv struct{ k, v string }
	var ps []kv
	add := func(vals url.Values) {
		for k, vs := range vals {
			for _, v := range vs {
				ps = append(ps, kv{enc(k), enc(v)})
			}
		}
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	add(q)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		f, _ := url.ParseQuery(string(body))
		add(f)
	}
	for k, vs := range oauth {
		if k != "oauth_signature" && k != "realm" {
			add(url.Values{k: vs})
		}
	}
	slices.SortFunc(ps, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var pairs []string
	for _, p := range ps {
		pairs = append(pairs, p.k+"="+p.v)
	}
	return r.Method + "&" + enc(baseURL+r.URL.EscapedPath()) + "&" + enc(strings.Join(pairs, "&"))
}

// enc is RFC 3986 percent-encoding, written independently of oauth1.
func enc(s string) string {
	var sb strings.Builder
	for _, b := range []byte(s) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-._~", b) >= 0 {
			sb.WriteByte(b)
		} else {
			fmt.Fprintf(&sb, "%%%02X", b)
		}
	}
	return sb.String()
}

// problemHeader formats a Jira-style WWW-Authenticate challenge.
func problemHeader(r *http.Request, fields ...string) string {
	parts := []string{fmt.Sprintf("realm=%q", enc("http://"+r.Host))}
	for i := 0; i+1 < len(fields); i += 2 {
		parts = append(parts, fmt.Sprintf("%s=%q", fields[i], enc(fields[i+1])))
	}
	return "OAuth " + strings.Join(parts, ", ")
}
