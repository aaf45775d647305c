package oauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is a 2048-bit key generated once per test binary.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// wikiKey loads the 1024-bit sample key of the OAuth wiki's TestCases page
// (section 9.3, RSA-SHA1).
func wikiKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile("testdata/oauth-wiki-rsa-sha1.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("testdata/oauth-wiki-rsa-sha1.pem: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

func fixedSigner(key *rsa.PrivateKey, consumerKey string, unix int64, nonce string) *Signer {
	return &Signer{
		ConsumerKey: consumerKey,
		Key:         key,
		Now:         func() time.Time { return time.Unix(unix, 0) },
		Nonce:       func() string { return nonce },
	}
}

func authParams(t testing.TB, req *http.Request) url.Values {
	t.Helper()
	h := req.Header.Get("Authorization")
	p, ok := parseAuthParams(h)
	if !ok {
		t.Fatalf("Authorization header %q is not OAuth", h)
	}
	return p
}

// TestSignOAuthWikiRSASHA1 is the known-answer test: the RSA-SHA1 case of
// the OAuth wiki's TestCases page (also used by liboauth, simple_oauth,
// signpost and others), driven through the whole Signer.
func TestSignOAuthWikiRSASHA1(t *testing.T) {
	t.Parallel()
	s := fixedSigner(wikiKey(t), "dpf43f3p2l4k3l03", 1196666512, "13917289812797014437")
	req, err := http.NewRequest("GET", "http://photos.example.net/photos?file=vacaction.jpg&size=original", nil)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Sign(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantBase := "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal"
	if base != wantBase {
		t.Errorf("base string:\ngot  %s\nwant %s", base, wantBase)
	}
	p := authParams(t, req)
	wantSig := "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE="
	if got := p.Get("oauth_signature"); got != wantSig {
		t.Errorf("oauth_signature: got %s; want %s", got, wantSig)
	}
	for name, want := range map[string]string{
		"oauth_consumer_key":     "dpf43f3p2l4k3l03",
		"oauth_nonce":            "13917289812797014437",
		"oauth_signature_method": "RSA-SHA1",
		"oauth_timestamp":        "1196666512",
		"oauth_version":          "1.0",
	} {
		if got := p.Get(name); got != want {
			t.Errorf("%s: got %q; want %q", name, got, want)
		}
	}
	if len(p) != 6 {
		t.Errorf("Authorization has %d parameters; want 6: %v", len(p), p)
	}
}

// TestSignatureBaseRFC5849 is the example of RFC 5849 section 3.4.1.1: query
// and form body parameters collected from a real request, with a repeated
// name, an empty value, "+" in the body and encoded characters in names and
// values.
func TestSignatureBaseRFC5849(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	params, err := requestParams(req)
	if err != nil {
		t.Fatal(err)
	}
	params = append(params,
		param{"oauth_consumer_key", "9djdj82h48djs9d2"},
		param{"oauth_token", "kkk9d7dh3k39sjv7"},
		param{"oauth_signature_method", "HMAC-SHA1"},
		param{"oauth_timestamp", "137131201"},
		param{"oauth_nonce", "7d8f3e4a"},
	)
	got := signatureBase(req.Method, baseStringURI(req.URL), params)
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	if got != want {
		t.Errorf("base string:\ngot  %s\nwant %s", got, want)
	}
	// The body must still be there for the transport.
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "c2&a3=2+q" {
		t.Errorf("body after signing: got %q; want %q", b, "c2&a3=2+q")
	}
}

func TestBaseStringURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// RFC 5849 section 3.4.1.2 examples.
		{"http://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"},
		{"https://www.example.net:8080/?q=1", "https://www.example.net:8080/"},
		{"https://jira.example.com:443/rest/api/2/myself", "https://jira.example.com/rest/api/2/myself"},
		{"HTTPS://Jira.Example.COM/Rest", "https://jira.example.com/Rest"},
		// A default port of the other scheme is not a default port.
		{"http://jira.example.com:443/x", "http://jira.example.com:443/x"},
		{"https://jira.example.com:80/x", "https://jira.example.com:80/x"},
		{"http://jira.example.com", "http://jira.example.com/"},
		{"http://[::1]:8080/jira/x", "http://[::1]:8080/jira/x"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"http://h/a%2Fb/c%3F", "http://h/a%2Fb/c%3F"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseStringURI(u); got != tt.want {
			t.Errorf("baseStringURI(%q): got %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizedParams(t *testing.T) {
	t.Parallel()
	tests := []struct{ form, want string }{
		// OAuth wiki TestCases, "Normalize Request Parameters".
		{"name", "name="},
		{"a=b", "a=b"},
		{"a=b&c=d", "a=b&c=d"},
		{"a=x!y&a=x+y", "a=x%20y&a=x%21y"},
		{"x!y=a&x=a", "x=a&x%21y=a"},
		// Duplicates are kept and sorted by value (Jira's ?fields=a&fields=b).
		{"fields=summary&fields=assignee&expand=names", "expand=names&fields=assignee&fields=summary"},
		{"jql=project%20%3D%20X%20ORDER%20BY%20key", "jql=project%20%3D%20X%20ORDER%20BY%20key"},
		{"q=a;b", "q=a%3Bb"},
		{"u=%E3%80%81&t=~-._", "t=~-._&u=%E3%80%81"},
	}
	for _, tt := range tests {
		p, err := parseForm(tt.form)
		if err != nil {
			t.Fatalf("parseForm(%q): %v", tt.form, err)
		}
		if got := normalizedParams(p); got != tt.want {
			t.Errorf("normalizedParams(%q): got %q; want %q", tt.form, got, tt.want)
		}
	}
}

func TestParseFormRejectsBadEscapes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"a=%zz", "%g=1"} {
		if _, err := parseForm(in); err == nil {
			t.Errorf("parseForm(%q): got nil error; want one", in)
		}
	}
}

// TestSignBodies checks which bodies are signed and that every body is still
// sent intact.
func TestSignBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		body        string
		getBody     bool
		wantInBase  string // "" = body parameters must not be signed
	}{
		{"form", "application/x-www-form-urlencoded", "z=1&z=0", false, "z%3D0%26z%3D1"},
		{"form with charset", "application/x-www-form-urlencoded; charset=UTF-8", "z=1", false, "z%3D1"},
		{"form through GetBody", "application/x-www-form-urlencoded", "z=2", true, "z%3D2"},
		{"json", "application/json", `{"z":"1"}`, false, ""},
		{"no content type", "", "z=1", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fixedSigner(testKey(), "ck", 1700000000, "n")
			req, err := http.NewRequest("POST", "https://jira.example.com/rest/x?a=1", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.getBody {
				// Make the body one-shot, so Sign has to replace it.
				req.Body = io.NopCloser(strings.NewReader(tt.body))
				req.GetBody = nil
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			base, err := s.Sign(req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantInBase != "" && !strings.Contains(base, tt.wantInBase) {
				t.Errorf("base string %s does not contain %s", base, tt.wantInBase)
			}
			if tt.wantInBase == "" && strings.Contains(base, "z%3D") {
				t.Errorf("base string %s signs a non-form body", base)
			}
			b, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.body {
				t.Errorf("body after signing: got %q; want %q", b, tt.body)
			}
		})
	}
}

// TestSignVerifies checks the header against the returned base string with
// the public key, and that extra parameters are signed and sent.
func TestSignVerifies(t *testing.T) {
	t.Parallel()
	key := testKey()
	s := fixedSigner(key, "jira-cli", 1700000000, "abc")
	req, err := http.NewRequest("POST", "https://jira.example.com/plugins/servlet/oauth/access-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Sign(req, map[string]string{"oauth_token": "rt", "oauth_verifier": "v e r"})
	if err != nil {
		t.Fatal(err)
	}
	p := authParams(t, req)
	if got := p.Get("oauth_verifier"); got != "v e r" {
		t.Errorf("oauth_verifier in header: got %q; want %q", got, "v e r")
	}
	if !strings.Contains(base, "oauth_token%3Drt") || !strings.Contains(base, "oauth_verifier%3Dv%2520e%2520r") {
		t.Errorf("base string %s lacks oauth_token or oauth_verifier", base)
	}
	sig, err := base64.StdEncoding.DecodeString(p.Get("oauth_signature"))
	if err != nil {
		t.Fatal(err)
	}
	digest := sha1.Sum([]byte(base))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA1, digest[:], sig); err != nil {
		t.Errorf("signature does not verify against the base string: %v", err)
	}
	if strings.Contains(req.Header.Get("Authorization"), "realm") {
		t.Errorf("Authorization %q has a realm; want none", req.Header.Get("Authorization"))
	}
}

func TestSignDefaultsNonceAndClock(t *testing.T) {
	t.Parallel()
	s := &Signer{ConsumerKey: "ck", Key: testKey()}
	seen := map[string]bool{}
	for range 3 {
		req, _ := http.NewRequest("GET", "https://jira.example.com/", nil)
		if _, err := s.Sign(req, nil); err != nil {
			t.Fatal(err)
		}
		p := authParams(t, req)
		n := p.Get("oauth_nonce")
		if len(n) < 16 || seen[n] {
			t.Errorf("nonce %q is short or repeated", n)
		}
		seen[n] = true
		if p.Get("oauth_timestamp") == "" || p.Get("oauth_timestamp") == "0" {
			t.Errorf("oauth_timestamp %q; want the current time", p.Get("oauth_timestamp"))
		}
	}
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     *Signer
		url   string
		extra map[string]string
		want  string
	}{
		{"no key", &Signer{ConsumerKey: "ck"}, "https://h/", nil, "no private key"},
		{"no consumer key", &Signer{Key: testKey()}, "https://h/", nil, "no consumer key"},
		{"relative URL", &Signer{ConsumerKey: "ck", Key: testKey()}, "/rest", nil, "absolute"},
		{"non-oauth extra", &Signer{ConsumerKey: "ck", Key: testKey()}, "https://h/", map[string]string{"fields": "a"}, "not an oauth_ parameter"},
		{"override", &Signer{ConsumerKey: "ck", Key: testKey()}, "https://h/", map[string]string{"oauth_nonce": "a"}, "set by the signer"},
		{"signature", &Signer{ConsumerKey: "ck", Key: testKey()}, "https://h/", map[string]string{"oauth_signature": "a"}, "set by the signer"},
		{"empty nonce", &Signer{ConsumerKey: "ck", Key: testKey(), Nonce: func() string { return "" }}, "https://h/", nil, "empty nonce"},
		{"bad query", &Signer{ConsumerKey: "ck", Key: testKey()}, "https://h/?a=%zz", nil, `sign: the URL's query is malformed (value of parameter "a": invalid URL escape "%zz"): percent-encode special characters in it, e.g. a literal % as %25`},
		{"bad form body", &Signer{ConsumerKey: "ck", Key: testKey()}, "https://h/", nil, `sign: the form body is malformed (parameter name "%g": invalid URL escape "%g"): percent-encode special characters in it, e.g. a literal % as %25, or send it with another Content-Type`},
	}
	for _, tt := range tests {
		req, err := http.NewRequest("GET", tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		switch tt.name {
		case "bad query":
			req.URL.RawQuery = "a=%zz"
		case "bad form body":
			req, _ = http.NewRequest("POST", tt.url, strings.NewReader("x=1&%g=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		_, err = tt.s.Sign(req, tt.extra)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v; want one containing %q", tt.name, err, tt.want)
		}
		if req.Header.Get("Authorization") != "" {
			t.Errorf("%s: Authorization set despite the error", tt.name)
		}
	}
}

func TestParseAuthParams(t *testing.T) {
	t.Parallel()
	h := `OAuth realm="https%3A%2F%2Fjira.example.com", oauth_problem="signature_invalid",oauth_signature_base_string="GET%26https%253A%252F%252Fh%26a%253D1, b", bare=tok, esc="a\"b", empty=""`
	p, ok := parseAuthParams(h)
	if !ok {
		t.Fatal("not OAuth")
	}
	want := map[string]string{
		"realm":                       "https://jira.example.com",
		"oauth_problem":               "signature_invalid",
		"oauth_signature_base_string": "GET&https%3A%2F%2Fh&a%3D1, b",
		"bare":                        "tok",
		"esc":                         `a"b`,
		"empty":                       "",
	}
	for k, v := range want {
		if got := p.Get(k); got != v {
			t.Errorf("%s: got %q; want %q", k, got, v)
		}
	}
	if len(p) != len(want) {
		t.Errorf("got %d params %v; want %d", len(p), p, len(want))
	}
	if _, ok := parseAuthParams(`Basic realm="x"`); ok {
		t.Error("Basic challenge parsed as OAuth")
	}
	// A value whose closing quote is missing is dropped, with what follows.
	p, ok = parseAuthParams(`OAuth realm="r", oauth_problem="unterminated, realm==`)
	if !ok || p.Get("realm") != "r" || p.Has("oauth_problem") || len(p) != 1 {
		t.Errorf("unterminated value: got %v, %v; want only realm=r", p, ok)
	}
}
