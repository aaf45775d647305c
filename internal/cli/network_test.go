package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCheckOrigin(t *testing.T) {
	t.Parallel()
	home, _ := url.Parse("https://Jira.example.com/jira")
	tests := []struct {
		target string
		ok     bool
	}{
		{"https://jira.example.com/jira/rest/api/2/myself", true},
		{"https://JIRA.example.com:443/rest/api/2/myself", true},
		{"https://jira.example.com/other/context", true},
		{"http://jira.example.com/rest/api/2/myself", false},
		{"https://jira.example.com:8443/rest/api/2/myself", false},
		{"https://evil.example.com/rest/api/2/myself", false},
		{"https://jira.example.com.evil.test/rest", false},
		{"https://jira.example.com@evil.test/rest", false},
	}
	for _, tt := range tests {
		target, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		err = checkOrigin(home, target, false)
		if (err == nil) != tt.ok {
			t.Errorf("checkOrigin(%s) = %v; want ok=%v", tt.target, err, tt.ok)
		}
		if err := checkOrigin(home, target, true); err != nil {
			t.Errorf("checkOrigin(%s) with --allow-other-host = %v", tt.target, err)
		}
	}
	target, _ := url.Parse("http://jira.example.com:8080/x")
	want := "request: http://jira.example.com:8080 is not jira_home's origin https://jira.example.com: the access token is sent only to Jira; give a path such as /rest/api/2/myself, or pass --allow-other-host to send it to http://jira.example.com:8080"
	if err := checkOrigin(home, target, false); err == nil || err.Error() != want || exitCode(err) != ExitUsage {
		t.Errorf("got %v\nwant %s (exit 2)", err, want)
	}
}

// TestRequestOtherHost: through Main, an absolute URL to another origin
// is refused before anything is sent; --allow-other-host sends it.
func TestRequestOtherHost(t *testing.T) {
	t.Parallel()
	configPath := linkedConfig(t, "https://jira.test")
	var calls []string
	var mu sync.Mutex
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		calls = append(calls, r.URL.String())
		mu.Unlock()
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
	})}
	_, stderr, code := runArgs(t, []string{"--config", configPath, "request", "https://collector.example.net/steal"}, env)
	if code != ExitUsage || len(calls) != 0 {
		t.Errorf("exit %d after %d calls; want %d after none", code, len(calls), ExitUsage)
	}
	if want := "jira-oauth: request: https://collector.example.net is not jira_home's origin https://jira.test: "; !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q; want one line starting %q", stderr, want)
	}
	stdout, stderr, code := runArgs(t, []string{"--config", configPath, "request", "--allow-other-host", "https://collector.example.net/x"}, env)
	if code != ExitOK || stdout != "ok" || len(calls) != 1 || calls[0] != "https://collector.example.net/x" {
		t.Errorf("--allow-other-host: exit %d, stdout %q, stderr %q, calls %q", code, stdout, stderr, calls)
	}
}

// linkedConfig writes a config with a key, jira_home and an access token.
func linkedConfig(t *testing.T, jiraHome string) string {
	t.Helper()
	configPath := filepath.Join(t.TempDir(), "config.properties")
	if _, stderr, code := runArgs(t, []string{"--config", configPath, "keygen", "--consumer-key", "k", "--jira-home", jiraHome}, Env{}); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if _, stderr, code := runArgs(t, []string{"--config", configPath, "config", "set", "access_token", "tok"}, Env{}); code != ExitOK {
		t.Fatalf("config set: %d %s", code, stderr)
	}
	return configPath
}

// TestRetryNotice: request retries a 503 and says so on stderr, one line
// per wait; the final answer is what it prints.
func TestRetryNotice(t *testing.T) {
	t.Parallel()
	configPath := linkedConfig(t, "http://jira.test")
	var mu sync.Mutex
	var nonces []string
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		nonces = append(nonces, r.Header.Get("Authorization"))
		if len(nonces) == 1 {
			return &http.Response{StatusCode: 503, Status: "503 Service Unavailable", Header: http.Header{"Retry-After": {"0"}}, Body: io.NopCloser(strings.NewReader("busy")), Request: r}, nil
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("done")), Request: r}, nil
	})}
	stdout, stderr, code := runArgs(t, []string{"--config", configPath, "request", "/rest/api/2/myself"}, env)
	if code != ExitOK || stdout != "done" {
		t.Errorf("exit %d, stdout %q; want 0, done", code, stdout)
	}
	if want := "jira-oauth: retrying in 0s (Jira answered 503 Service Unavailable; retry 1 of 3)\n"; stderr != want {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	if len(nonces) != 2 || nonces[0] == nonces[1] {
		t.Errorf("the retry was not signed afresh: %q", nonces)
	}
}

// TestInsecure: --insecure warns on every invocation and is never saved.
func TestInsecure(t *testing.T) {
	t.Parallel()
	configPath := linkedConfig(t, "https://jira.test")
	before, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
	})}
	for i := range 2 {
		_, stderr, code := runArgs(t, []string{"--config", configPath, "--insecure", "request", "/rest/api/2/myself"}, env)
		if code != ExitOK || stderr != insecureWarning {
			t.Errorf("run %d: exit %d, stderr %q; want 0 and the warning once", i+1, code, stderr)
		}
	}
	if _, stderr, _ := runArgs(t, []string{"--config", configPath, "request", "/rest/api/2/myself"}, env); stderr != "" {
		t.Errorf("without --insecure: stderr %q", stderr)
	}
	after, _ := os.ReadFile(configPath)
	if string(before) != string(after) {
		t.Errorf("the config changed:\n%s", after)
	}

	// The real transport skips verification only with --insecure.
	a := &app{env: Env{Stderr: io.Discard, Getenv: func(string) string { return "" }}}
	tr, err := a.transport(nil)
	if err != nil || tr.TLSClientConfig.InsecureSkipVerify {
		t.Errorf("without --insecure: %v, InsecureSkipVerify %v", err, tr.TLSClientConfig.InsecureSkipVerify)
	}
	a.insecure = true
	if tr, err := a.transport(nil); err != nil || !tr.TLSClientConfig.InsecureSkipVerify {
		t.Errorf("with --insecure: %v", err)
	}
}

func TestProxyFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target, httpProxy, httpsProxy, noProxy string
		want                                   string // "" = direct
		wantErr                                string
	}{
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128", want: "http://proxy:3128"},
		{target: "http://jira.example.com/x", httpsProxy: "http://proxy:3128", want: ""},
		{target: "http://jira.example.com/x", httpProxy: "proxy:8080", want: "http://proxy:8080"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:p@proxy:3128", want: "http://u:p@proxy:3128"},
		{target: "https://jira.example.com/x", httpsProxy: "socks5://proxy:1080", want: "socks5://proxy:1080"},
		{target: "https://jira.example.com/x", httpsProxy: "ftp://proxy", wantErr: `HTTPS_PROXY: proxy scheme "ftp" is not supported`},
		{target: "https://127.0.0.1:8443/x", httpsProxy: "http://proxy:3128", want: ""},
		{target: "https://[::1]:8443/x", httpsProxy: "http://proxy:3128", want: ""},
		{target: "https://localhost/x", httpsProxy: "http://proxy:3128", want: ""},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "*", want: ""},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "other.com, jira.example.com", want: ""},
		{target: "https://a.jira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "jira.example.com", want: ""},
		{target: "https://notjira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "jira.example.com", want: "http://proxy:3128"},
		{target: "https://example.com/x", httpsProxy: "http://proxy:3128", noProxy: ".example.com", want: "http://proxy:3128"},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "*.example.com", want: ""},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128", noProxy: "jira.example.com:8443", want: "http://proxy:3128"},
		{target: "https://jira.example.com:8443/x", httpsProxy: "http://proxy:3128", noProxy: "JIRA.example.com:8443", want: ""},
		{target: "https://10.1.2.3/x", httpsProxy: "http://proxy:3128", noProxy: "10.0.0.0/8", want: ""},
		{target: "https://11.1.2.3/x", httpsProxy: "http://proxy:3128", noProxy: "10.0.0.0/8", want: "http://proxy:3128"},
		{target: "https://10.1.2.3/x", httpsProxy: "http://proxy:3128", noProxy: "10.1.2.3", want: ""},
		// Percent-encoded passwords are fine; unescaped '#', '/', '?' or a
		// space make another URL (or none): refused, without the value.
		{target: "https://jira.example.com/x", httpsProxy: "http://u:p%23%2F%3F%20w@proxy:3128", want: "http://u:p%23%2F%3F%20w@proxy:3128"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:pa#ss@proxy:3128", wantErr: "HTTPS_PROXY: is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:12#ss@proxy:3128", wantErr: "HTTPS_PROXY: is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:123/ss@proxy:3128", wantErr: "HTTPS_PROXY: is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:pa?ss@proxy:3128", wantErr: "HTTPS_PROXY: is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://u:pa ss@proxy:3128", wantErr: "HTTPS_PROXY: is not a clean proxy URL"},
		{target: "http://jira.example.com/x", httpProxy: "u:pa ss@proxy:3128", wantErr: "HTTP_PROXY: is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128/", want: "http://proxy:3128/"},
		{target: "https://jira.example.com/x", httpsProxy: "http://proxy:3128/path", wantErr: "is not a clean proxy URL"},
		{target: "https://jira.example.com/x", httpsProxy: "http://:3128", wantErr: "is not a clean proxy URL"},
	}
	for _, tt := range tests {
		target, _ := url.Parse(tt.target)
		got, err := proxyEnv{httpProxy: tt.httpProxy, httpsProxy: tt.httpsProxy, noProxy: tt.noProxy}.proxyFor(target)
		gotStr := ""
		if got != nil {
			gotStr = got.String()
		}
		if err != nil && strings.Contains(err.Error(), "ss@") {
			t.Errorf("%s: error %q shows the proxy password", tt.target, err)
		}
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s (NO_PROXY %q): error %v; want %q", tt.target, tt.noProxy, err, tt.wantErr)
			}
		case err != nil || gotStr != tt.want:
			t.Errorf("%s (NO_PROXY %q): got %q, %v; want %q", tt.target, tt.noProxy, gotStr, err, tt.want)
		}
	}
}

// TestProxyFromEnv: the variables come from Env.Getenv (upper case first),
// HTTP_PROXY is ignored under CGI, and --verbose names the proxy without
// its user or password.
func TestProxyFromEnv(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://ci:pa55word@upper:3128", "HTTP_PROXY": "http://plain:80", "REQUEST_METHOD": "GET"}
	var stderr strings.Builder
	a := &app{env: Env{Getenv: func(k string) string { return vars[k] }, Stderr: &stderr}, verbose: true}
	proxy := a.proxy()
	req, _ := http.NewRequest("GET", "https://jira.example.com/x", nil)
	got, err := proxy(req)
	if err != nil || got.String() != "http://ci:pa55word@upper:3128" {
		t.Errorf("https: got %v, %v", got, err)
	}
	if stderr.String() != "* through proxy http://upper:3128 (with credentials)\n" {
		t.Errorf("trace %q", stderr.String())
	}
	req, _ = http.NewRequest("GET", "http://jira.example.com/x", nil)
	if got, err := proxy(req); got != nil || err != nil {
		t.Errorf("http under CGI: got %v, %v; want direct", got, err)
	}
}

func TestClientCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	certPEM, keyPEM := selfSigned(t)
	_, otherKeyPEM := selfSigned(t)
	cert, key := write("client.pem", certPEM), write("client-key.pem", keyPEM)
	otherKey := write("other-key.pem", otherKeyPEM)
	encrypted := write("encrypted.pem", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	garbage := write("garbage.pem", []byte("not pem"))
	unreadable := filepath.Join(dir, "a-directory")
	if err := os.Mkdir(unreadable, 0o700); err != nil {
		t.Fatal(err)
	}

	if _, err := clientCertificate(context.Background(), cert, key); err != nil {
		t.Fatalf("a good pair: %v", err)
	}
	tests := []struct{ cert, key, want string }{
		{cert, "", "--client-cert and --client-key go together: give both"},
		{"", key, "--client-cert and --client-key go together: give both"},
		{filepath.Join(dir, "missing.pem"), key, "--client-cert " + dir + "/missing.pem: no such file: give the path of a PEM file"},
		{cert, filepath.Join(dir, "missing.pem"), "--client-key " + dir + "/missing.pem: no such file"},
		{cert, unreadable, "--client-key " + unreadable + ": cannot read the file: is a directory"},
		{key, cert, "--client-cert " + key + " has no PEM certificate"},
		{garbage, key, "--client-cert " + garbage + " has no PEM certificate"},
		{cert, garbage, "--client-key " + garbage + " has no PEM private key"},
		{cert, cert, "--client-key " + cert + " has no PEM private key"},
		{cert, encrypted, "--client-key " + encrypted + " is encrypted: decrypt it into a new file first"},
		{cert, otherKey, "--client-key " + otherKey + " is not the key of the certificate in --client-cert " + cert + ": give the key the certificate was issued for"},
	}
	for _, tt := range tests {
		_, err := clientCertificate(context.Background(), tt.cert, tt.key)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || exitCode(err) != ExitUsage {
			t.Errorf("clientCertificate(%q, %q) = %v; want a usage error starting %q", tt.cert, tt.key, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), string(keyPEM[40:80])) {
			t.Errorf("the error shows the key: %v", err)
		}
	}

	// Through Main: exit 2, one line, before any call.
	configPath := linkedConfig(t, "https://jira.test")
	_, stderr, code := runArgs(t, []string{"--config", configPath, "--client-cert", cert, "request", "/rest/api/2/myself"}, Env{})
	if code != ExitUsage || stderr != "jira-oauth: --client-cert and --client-key go together: give both, the PEM files of the client certificate and of its private key\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// selfSigned returns a PEM certificate and its PEM (PKCS#8) key.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "ci-bot"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
}
