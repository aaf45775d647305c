package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSandbox runs `jira-oauth sandbox` and the whole dance against it
// through Main, as a user following the README would: the sandbox takes the
// consumer key from the config and the public key from beside it.
func TestSandbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "config.properties")
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), append([]string{"--config", configPath}, args...), Env{Stdout: &out, Stderr: &errOut}); code != ExitOK {
			t.Fatalf("jira-oauth %v: exit %d; stderr: %s", args, code, errOut.String())
		}
		return out.String()
	}
	run("keygen", "--consumer-key", "sandbox-test")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutReader, stdoutWriter := io.Pipe()
	var sandboxErr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- Main(ctx, []string{"--config", configPath, "sandbox", "--auto-approve", "--user", "alice"},
			Env{Stdout: stdoutWriter, Stderr: &sandboxErr})
		stdoutWriter.Close()
	}()
	line, err := bufio.NewReader(stdoutReader).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the sandbox URL: %v; stderr: %s", err, sandboxErr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutReader) }()
	baseURL := strings.TrimSpace(line)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(baseURL) {
		t.Fatalf("sandbox printed %q; want http://127.0.0.1:PORT", baseURL)
	}

	run("config", "set", "jira_home", baseURL)
	authorizeURL := strings.TrimSpace(run("requestToken"))
	resp, err := http.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`id="oauth-verifier"[^>]*>([^<]+)<`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("authorize page shows no verifier (--auto-approve):\n%s", page)
	}
	run("accessToken", string(m[1]))
	if got := run("request", "/rest/api/2/myself"); !strings.Contains(got, `"name":"alice"`) {
		t.Errorf("myself = %s; want user alice (--user)", got)
	}

	cancel()
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Errorf("sandbox exit code after Ctrl-C = %d; want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop after its context was canceled")
	}
	log := sandboxErr.String()
	for _, want := range []string{
		"a LOCAL TEST provider, not Jira, at " + baseURL,
		`consumer key "sandbox-test"`,
		"POST /plugins/servlet/oauth/access-token -> 200",
		"jira-oauth sandbox: stopped",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("sandbox stderr lacks %q:\n%s", want, log)
		}
	}
}

func TestSandboxErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pub := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(pub, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		wantStderr string
	}{
		{[]string{"sandbox", "--addr", "192.0.2.1:80"}, "is not a loopback address"},
		{[]string{"sandbox", "--addr", "nonsense"}, `--addr "nonsense" is not host:port`},
		{[]string{"--config", filepath.Join(dir, "none.properties"), "sandbox"}, "no consumer key: pass --consumer-key"},
		{[]string{"--config", filepath.Join(dir, "none.properties"), "sandbox", "--consumer-key", "k"}, "cannot read the public key " + filepath.Join(dir, "none_publickey.pem")},
		{[]string{"sandbox", "--consumer-key", "k", "--public-key", pub}, "--public-key " + pub + ": "},
		{[]string{"sandbox", "--oauth2-client-id", "c", "--oauth2-redirect-uri", "http://localhost:1/cb"}, "--oauth2-client-id needs --oauth2-client-secret"},
		{[]string{"sandbox", "--oauth2-client-id", "c", "--oauth2-client-secret", "s"}, "--oauth2-client-id needs --oauth2-redirect-uri"},
		{[]string{"sandbox", "--oauth2-client-secret", "s"}, "need --oauth2-client-id"},
		{[]string{"sandbox", "--oauth2-client-id", "c", "--oauth2-client-secret", "s", "--oauth2-redirect-uri", "http://127.0.0.1:8765/cb"},
			`--oauth2-redirect-uri "http://127.0.0.1:8765/cb": Jira accepts only https or http://localhost`},
		{[]string{"sandbox", "--oauth2-client-id", "c", "--oauth2-client-secret", "s", "--oauth2-redirect-uri", "http://example.com/cb"},
			`--oauth2-redirect-uri "http://example.com/cb": Jira accepts only`},
		{[]string{"--config", filepath.Join(dir, "none.properties"), "sandbox", "--oauth2-client-id", "c", "--oauth2-client-secret", "s", "--oauth2-redirect-uri", "https://ci.example.com/cb#x"},
			`--oauth2-redirect-uri "https://ci.example.com/cb#x": Jira accepts only`},
	}
	for _, tt := range tests {
		_, stderr, code := runArgs(t, tt.args, Env{})
		if code != ExitUsage || !strings.Contains(stderr, tt.wantStderr) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line with %q", tt.args, code, stderr, ExitUsage, tt.wantStderr)
		}
	}
}
