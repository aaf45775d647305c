package cli

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// benchLink runs the whole dance once through Main against a jiratest
// provider and returns the config path, ready for signed requests.
func benchLink(b *testing.B) (configPath string) {
	b.Helper()
	return benchLinkTo(b, jiratest.New(jiratest.Options{}))
}

// benchLinkTo is benchLink against a provider of the caller's.
func benchLinkTo(b *testing.B, provider *jiratest.Provider) (configPath string) {
	b.Helper()
	srv := httptest.NewServer(provider)
	b.Cleanup(srv.Close)
	configPath = filepath.Join(b.TempDir(), "config.properties")

	run := func(args ...string) string {
		b.Helper()
		var out, errOut bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errOut}
		if code := Main(context.Background(), append([]string{"--config", configPath}, args...), env); code != ExitOK {
			b.Fatalf("jira-oauth %v: exit %d; stderr: %s", args, code, errOut.String())
		}
		return out.String()
	}

	run("keygen", "--consumer-key", "bench", "--jira-home", srv.URL)
	pemData, err := os.ReadFile(publicKeyPath(configPath))
	if err != nil {
		b.Fatal(err)
	}
	pub, err := keys.ParsePublic(pemData)
	if err != nil {
		b.Fatal(err)
	}
	provider.AddConsumer("bench", "bench link", pub)

	authorize, err := url.Parse(string(bytes.TrimSpace([]byte(run("requestToken")))))
	if err != nil {
		b.Fatal(err)
	}
	verifier, err := provider.Approve(authorize.Query().Get("oauth_token"))
	if err != nil {
		b.Fatal(err)
	}
	run("accessToken", verifier)
	return configPath
}

// BenchmarkRequest is one whole `jira-oauth request /rest/api/2/myself` in
// process: argv parsing, config load, key parse, signing and the HTTP call
// to a local provider (which verifies the signature). Compare with
// BenchmarkRSASign, the RSA operation alone with the same key.
func BenchmarkRequest(b *testing.B) {
	configPath := benchLink(b)
	getenv := func(name string) string {
		if name == "JIRA_OAUTH_CONFIG" {
			return configPath
		}
		return ""
	}
	var out, errOut bytes.Buffer
	ctx := context.Background()
	args := []string{"request", "/rest/api/2/myself"}
	for b.Loop() {
		out.Reset()
		errOut.Reset()
		if code := Main(ctx, args, Env{Stdout: &out, Stderr: &errOut, Getenv: getenv}); code != ExitOK {
			b.Fatalf("request: exit %d; stderr: %s", code, errOut.String())
		}
	}
	if !bytes.Contains(out.Bytes(), []byte(`"name"`)) {
		b.Fatalf("request printed %q; want the /myself JSON", out.String())
	}
}

// BenchmarkRSASign is the bare RSA-SHA1 signature (PKCS #1 v1.5 on a SHA-1
// digest) with the key keygen made, the floor for BenchmarkRequest.
func BenchmarkRSASign(b *testing.B) {
	cfg, err := config.Load(benchLink(b))
	if err != nil {
		b.Fatal(err)
	}
	key, err := cfg.PrivateKey()
	if err != nil {
		b.Fatal(err)
	}
	digest := sha1.Sum([]byte("GET&http%3A%2F%2F127.0.0.1%2Frest%2Fapi%2F2%2Fmyself&oauth_consumer_key%3Dbench"))
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}
