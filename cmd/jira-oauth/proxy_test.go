package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// envLink is a provider with an approved access token, and the
// JIRA_OAUTH_* environment that gives the binary the link (no file).
func envLink(tb testing.TB) []string {
	tb.Helper()
	provider := jiratest.New(jiratest.Options{})
	srv := httptest.NewServer(provider)
	tb.Cleanup(srv.Close)
	key := sharedKey()
	provider.AddConsumer("ci-bot", "ci", &key.PublicKey)
	home, _ := url.Parse(srv.URL)
	c := &oauth.Client{JiraHome: home, Signer: &oauth.Signer{ConsumerKey: "ci-bot", Key: key}}
	ctx := context.Background()
	rt, err := c.RequestToken(ctx, "")
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := provider.Approve(rt.Token)
	if err != nil {
		tb.Fatal(err)
	}
	at, err := c.AccessToken(ctx, rt.Token, rt.Secret, verifier)
	if err != nil {
		tb.Fatal(err)
	}
	b64, err := keys.EncodePrivate(key)
	if err != nil {
		tb.Fatal(err)
	}
	return append(os.Environ(),
		"JIRA_OAUTH_CONFIG="+tb.TempDir()+"/none.properties",
		"JIRA_OAUTH_JIRA_HOME="+srv.URL,
		"JIRA_OAUTH_CONSUMER_KEY=ci-bot",
		"JIRA_OAUTH_PRIVATE_KEY="+b64,
		"JIRA_OAUTH_ACCESS_TOKEN="+at.Token,
		"JIRA_OAUTH_SECRET="+at.Secret,
	)
}

var sharedKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := keys.Generate(2048)
	if err != nil {
		panic(err)
	}
	return k
})

// startSigningProxy runs 'jira-oauth proxy' and returns its URL, token and a
// function that stops it with sig and returns its exit code and stderr.
func startSigningProxy(tb testing.TB, bin string, env []string) (baseURL, token string, stop func(os.Signal) (int, string)) {
	tb.Helper()
	cmd := exec.Command(bin, "proxy")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		cmd.Wait()
		tb.Fatalf("proxy printed no URL; stderr: %s", stderr.String())
	}
	baseURL = lines.Text()
	lines.Scan()
	token = lines.Text()
	go io.Copy(io.Discard, stdout)
	stopped := false
	stop = func(sig os.Signal) (int, string) {
		stopped = true
		if err := cmd.Process.Signal(sig); err != nil {
			tb.Fatal(err)
		}
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		}
		if err != nil {
			tb.Fatal(err)
		}
		return 0, stderr.String()
	}
	tb.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return baseURL, token, stop
}

func proxyGet(tb testing.TB, client *http.Client, baseURL, token string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, baseURL+"/rest/api/2/myself", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("through the proxy: %s %s", resp.Status, body)
	}
}

// TestProxySIGTERM: the proxy, with the link from the environment alone,
// stops cleanly on SIGTERM (as on Ctrl-C): exit 0, "stopped".
func TestProxySIGTERM(t *testing.T) {
	t.Parallel()
	bin := badInputBinary(t)
	baseURL, token, stop := startSigningProxy(t, bin, envLink(t))
	proxyGet(t, http.DefaultClient, baseURL, token)
	code, stderr := stop(syscall.SIGTERM)
	if code != 0 || !strings.HasSuffix(stderr, "jira-oauth proxy: stopped\n") {
		t.Errorf("after SIGTERM: exit %d, stderr %q; want 0 and a clean stop", code, stderr)
	}
	if !strings.Contains(stderr, "jira-oauth proxy: GET /rest/api/2/myself 200 ") {
		t.Errorf("stderr %q; want the request's log line", stderr)
	}
}

// BenchmarkCallsPerSecond compares b.N calls of GET /rest/api/2/myself
// made as one 'jira-oauth request' process each with b.N calls through
// one 'jira-oauth proxy' by a keep-alive client, against the bundled
// provider. It reports both rates and their ratio (the README figure).
// Run: go test -run '^$' -bench CallsPerSecond -benchtime 100x ./cmd/jira-oauth
func BenchmarkCallsPerSecond(b *testing.B) {
	bin, err := exec.LookPath("jira-oauth")
	if err != nil {
		b.Skip("jira-oauth is not on $PATH (TestMain installs it)")
	}
	env := envLink(b)
	start := time.Now()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "request", "/rest/api/2/myself")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("request: %v: %s", err, out)
		}
	}
	perProcess := time.Since(start)

	baseURL, token, stop := startSigningProxy(b, bin, env)
	client := &http.Client{}
	proxyGet(b, client, baseURL, token)
	start = time.Now()
	for i := 0; i < b.N; i++ {
		proxyGet(b, client, baseURL, token)
	}
	proxied := time.Since(start)
	stop(os.Interrupt)

	b.ReportMetric(float64(b.N)/perProcess.Seconds(), "request-calls/s")
	b.ReportMetric(float64(b.N)/proxied.Seconds(), "proxy-calls/s")
	b.ReportMetric(perProcess.Seconds()/proxied.Seconds(), "speedup")
}
