package jiratest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRFC5849Example checks parameter collection and the base string against
// the worked example of RFC 5849 section 3.4.1.1 (the request and the base
// string are quoted from the RFC, with errata 2550's "a3=2%2520q").
func TestRFC5849Example(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", `OAuth realm="Example",
                oauth_consumer_key="9djdj82h48djs9d2",
                oauth_token="kkk9d7dh3k39sjv7",
                oauth_signature_method="HMAC-SHA1",
                oauth_timestamp="137131201",
                oauth_nonce="7d8f3e4a",
                oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"`)
	p := New(Options{})
	m, prob := readMessage(r, []byte("c2&a3=2+q"), p.target(r).uri)
	if prob != nil {
		t.Fatalf("readMessage: got problem %q", prob.name)
	}
	const want = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
		"%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
		"key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
		"ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
		"9d7dh3k39sjv7"
	if got := m.baseString(); got != want {
		t.Errorf("got base string\n%s\nwant\n%s", got, want)
	}
	if sig, _ := m.get("oauth_signature"); sig != "bYT5CMsGcbgUdFHObYMEfcx6bsw=" {
		t.Errorf("got oauth_signature %q; want it percent-decoded", sig)
	}
}

func TestBaseStringURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scheme, host, path, want string
	}{
		{"HTTP", "Example.COM:80", "/r%20v/X", "http://example.com/r%20v/X"},
		{"https", "example.com:443", "", "https://example.com/"},
		{"https", "example.com:80", "/a", "https://example.com:80/a"},
		{"http", "example.com:8080", "/a", "http://example.com:8080/a"},
		{"http", "[::1]:80", "/a", "http://[::1]/a"},
		{"http", "[::1]", "/a", "http://[::1]/a"},
	}
	for _, tt := range tests {
		if got := baseStringURI(tt.scheme, tt.host, tt.path); got != tt.want {
			t.Errorf("baseStringURI(%q, %q, %q): got %q; want %q", tt.scheme, tt.host, tt.path, got, tt.want)
		}
	}
}

func TestPercentEncode(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                  "",
		"AZaz09-._~":        "AZaz09-._~",
		"a b+c*d/e=f&g%h!":  "a%20b%2Bc%2Ad%2Fe%3Df%26g%25h%21",
		"\u00e9":            "%C3%A9",
		"\x00\xff":          "%00%FF",
		"oauth_signature=/": "oauth_signature%3D%2F",
	}
	for in, want := range tests {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q): got %q; want %q", in, got, want)
		}
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		pct, form string
		wantErr   bool
		desc      string
	}{
		{in: "a+b%20c", pct: "a+b c", form: "a b c", desc: "+ is a space only in forms"},
		{in: "%3d%3D", pct: "==", form: "==", desc: "lower and upper hex"},
		{in: "%", wantErr: true, desc: "truncated"},
		{in: "%2", wantErr: true, desc: "truncated"},
		{in: "%zz", wantErr: true, desc: "not hex"},
	}
	for _, tt := range tests {
		got, err := percentDecode(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.pct) {
			t.Errorf("%s: percentDecode(%q): got %q, %v; want %q, error %v", tt.desc, tt.in, got, err, tt.pct, tt.wantErr)
		}
		got, err = formDecode(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.form) {
			t.Errorf("%s: formDecode(%q): got %q, %v; want %q, error %v", tt.desc, tt.in, got, err, tt.form, tt.wantErr)
		}
	}
}

func TestParseForm(t *testing.T) {
	t.Parallel()
	got, err := parseForm("a=1&&b&a=2&c%40=x+y&=e")
	if err != nil {
		t.Fatal(err)
	}
	want := []param{{"a", "1"}, {"b", ""}, {"a", "2"}, {"c@", "x y"}, {"", "e"}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(param{})); diff != "" {
		t.Errorf("parseForm (-want +got):\n%s", diff)
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []param
		ok      bool
		wantErr bool
	}{
		{in: `OAuth realm="x", oauth_nonce="a%20b+c"`, ok: true, want: []param{{"realm", "x"}, {"oauth_nonce", "a b+c"}}},
		{in: `oauth a="1",b="2"`, ok: true, want: []param{{"a", "1"}, {"b", "2"}}},
		{in: "OAuth\ta=\"1\" ,\t b = \"2\" ,", ok: false}, // tab after the scheme is not a space separator
		{in: `OAuth a="1" , b = "2" ,`, ok: true, want: []param{{"a", "1"}, {"b", "2"}}},
		{in: `OAuth`, ok: true},
		{in: `Basic dXNlcjpwYXNz`, ok: false},
		{in: `OAuth a=1`, ok: true, wantErr: true},
		{in: `OAuth a="1`, ok: true, wantErr: true},
		{in: `OAuth a="1" b="2"`, ok: true, wantErr: true},
		{in: `OAuth a="%zz"`, ok: true, wantErr: true},
		{in: `OAuth a="x\"y"`, ok: true, wantErr: true},
		{in: `OAuth ="1"`, ok: true, wantErr: true},
	}
	for _, tt := range tests {
		got, ok, err := parseAuthorization(tt.in)
		if ok != tt.ok || (err != nil) != tt.wantErr {
			t.Errorf("parseAuthorization(%q): got ok=%v err=%v; want ok=%v error %v", tt.in, ok, err, tt.ok, tt.wantErr)
			continue
		}
		if err == nil && ok {
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(param{})); diff != "" {
				t.Errorf("parseAuthorization(%q) (-want +got):\n%s", tt.in, diff)
			}
		}
	}
}

func FuzzPercentRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a b", "%", "+", "\u00e9~*", "oauth_signature=a/b+c=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := percentEncode(s)
		got, err := percentDecode(e)
		if err != nil || got != s {
			t.Fatalf("percentDecode(percentEncode(%q)) = %q, %v", s, got, err)
		}
		if got, err := formDecode(e); err != nil || got != s {
			t.Fatalf("formDecode(percentEncode(%q)) = %q, %v", s, got, err)
		}
	})
}

// TestKnownAnswer sends fixed bytes whose base string is written out by hand
// (not computed by any signer) and signs it with crypto/rsa directly.
func TestKnownAnswer(t *testing.T) {
	t.Parallel()
	key := loadKey(t, "consumer.pem")
	p := New(Options{Now: func() time.Time { return t0 }})
	p.AddConsumer(testConsumer, "Test App", &key.PublicKey)

	// Host upper-case with default port; duplicate and unsorted query params.
	const target = "http://JIRA.example.com:80/plugins/servlet/oauth/request-token?z=1&a=2&a=1"
	const want = "POST&http%3A%2F%2Fjira.example.com%2Fplugins%2Fservlet%2Foauth%2Frequest-token&" +
		"a%3D1%26a%3D2%26oauth_callback%3Doob%26oauth_consumer_key%3Djira-oauth-test%26" +
		"oauth_nonce%3Dabc%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1741964966%26" +
		"oauth_version%3D1.0%26z%3D1"
	send := func(sig string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", target, nil)
		r.Header.Set("Authorization", `OAuth realm="http%3A%2F%2Fjira.example.com", oauth_callback="oob", `+
			`oauth_consumer_key="jira-oauth-test", oauth_nonce="abc", oauth_signature_method="RSA-SHA1", `+
			`oauth_timestamp="1741964966", oauth_version="1.0", oauth_signature="`+enc(sig)+`"`)
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		return w
	}
	good := rsaSign(t, key, want)
	bad := rsaSign(t, key, strings.Replace(want, "abc", "abd", 1))
	w := send(bad)
	res := response{w.Code, w.Header(), w.Body.String()}
	f := wantProblem(t, res, http.StatusUnauthorized, "signature_invalid")
	if got := f.Get("oauth_signature_base_string"); got != want {
		t.Errorf("got reported base string\n%s\nwant\n%s", got, want)
	}
	if w := send(good); w.Code != http.StatusOK {
		t.Errorf("got status %d (%s); want 200 for the known-answer request", w.Code, w.Body)
	}
}
