package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// runArgs parses argv through the real command tree with runF stubs and
// returns the error; the stubs capture the options.
func runArgs(t *testing.T, args []string, env Env) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env.Stdout, env.Stderr = &out, &errOut
	code = Main(context.Background(), args, env)
	return out.String(), errOut.String(), code
}

func TestKeygenOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want keygenOptions
	}{
		{[]string{"keygen"}, keygenOptions{Bits: 2048}},
		{[]string{"keygen", "--bits", "4096", "--force"}, keygenOptions{Bits: 4096, Force: true}},
		{[]string{"keygen", "--consumer-key", "bot", "--jira-home", "https://j.example.com"},
			keygenOptions{Bits: 2048, ConsumerKey: "bot", JiraHome: "https://j.example.com"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var got *keygenOptions
			a := &app{env: Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}}
			cmd := newCmdKeygen(a, func(o *keygenOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args[1:])
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(keygenOptions{}), cmp.FilterPath(func(p cmp.Path) bool {
				return p.Last().String() == ".app"
			}, cmp.Ignore())); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want requestOptions
	}{
		{[]string{"/rest/api/2/myself"}, requestOptions{Target: "/rest/api/2/myself", MaxPages: 1000}},
		{[]string{"-X", "put", "-d", "@x.json", "-H", "A: 1", "-H", "B: 2", "/x"},
			requestOptions{Target: "/x", Method: "put", Data: "@x.json", DataSet: true, Headers: []string{"A: 1", "B: 2"}, MaxPages: 1000}},
		{[]string{"--data", "", "/x"}, requestOptions{Target: "/x", DataSet: true, MaxPages: 1000}},
		{[]string{"-i", "-o", "out.bin", "--raw", "--jq", ".key", "-s", "--paginate", "--max-pages", "7", "-F", "file=@a.log", "-F", "x=y", "/x"},
			requestOptions{Target: "/x", Include: true, Output: "out.bin", Raw: true, JQ: ".key", Silent: true, Paginate: true, MaxPages: 7, Fields: []string{"file=@a.log", "x=y"}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var got *requestOptions
			a := &app{}
			cmd := newCmdRequest(a, func(o *requestOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			got.app = nil
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(requestOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"plain", errors.New("boom"), ExitFailure},
		{"usage", usageErrorf("bad flag"), ExitUsage},
		{"config", fmt.Errorf("x: %w", &config.Error{Path: "c", Key: "jira_home", Err: errors.New("is not set")}), ExitConfig},
		{"problem", fmt.Errorf("x: %w", &oauth.ProblemError{Op: "request token", Problem: "signature_invalid"}), ExitOAuth},
		{"network", &oauth.NetworkError{Op: "request", URL: "http://x", Err: errors.New("refused")}, ExitNetwork},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), ExitInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%s) = %d; want %d", tt.name, got, tt.want)
		}
	}
}

func TestMainUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		wantStderr string
	}{
		{[]string{"nope"}, `jira-oauth: unknown command "nope" for "jira-oauth"; run 'jira-oauth --help' for usage` + "\n"},
		{[]string{"keygen", "--bits", "1024"}, "jira-oauth: --bits 1024 is not supported: use 2048, 3072 or 4096\n"},
		{[]string{"keygen", "--nope"}, "jira-oauth: unknown flag: --nope; run 'jira-oauth keygen --help' for usage\n"},
		{[]string{"accessToken"}, "jira-oauth: accessToken takes one argument, the verification code Jira showed after approval (got 0 arguments); usage: jira-oauth accessToken CODE [flags]\n"},
		{[]string{"accessToken", " "}, "jira-oauth: the verification code is empty; give the code Jira showed after approval\n"},
		{[]string{"requestToken", "--callback", "ftp://x"}, `jira-oauth: --callback "ftp://x" is not an http(s) URL; give a full URL or "oob"` + "\n"},
		{[]string{"sandbox", "--addr", "0.0.0.0:8080"}, `jira-oauth: --addr "0.0.0.0:8080" is not a loopback address: the sandbox is a test provider and listens on 127.0.0.1 or ::1 only` + "\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runArgs(t, tt.args, Env{})
			if code != ExitUsage {
				t.Errorf("exit code %d; want %d", code, ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
			if stderr != tt.wantStderr {
				t.Errorf("stderr = %q\nwant     %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	t.Parallel()
	env := Env{Getenv: func(k string) string {
		if k == "JIRA_OAUTH_CONFIG" {
			return "/nonexistent/dir/jira.properties"
		}
		return ""
	}}
	_, stderr, code := runArgs(t, []string{"request", "/x"}, env)
	if code != ExitConfig || !strings.Contains(stderr, "/nonexistent/dir/jira.properties") {
		t.Errorf("got code %d, stderr %q; want %d naming the file from JIRA_OAUTH_CONFIG", code, stderr, ExitConfig)
	}
}

func TestScrubber(t *testing.T) {
	t.Parallel()
	var s scrubber
	s.add("short")                         // too short to scrub safely
	s.add("  s3cr3t-token-secret-value  ") // trimmed
	s.add("")
	got := s.scrub("a short s3cr3t-token-secret-value twice s3cr3t-token-secret-value")
	want := "a short [redacted] twice [redacted]"
	if got != want {
		t.Errorf("scrub = %q; want %q", got, want)
	}
	var buf bytes.Buffer
	if _, err := fmt.Fprintf(s.writer(&buf), "x=%s", "s3cr3t-token-secret-value"); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "x=[redacted]" {
		t.Errorf("writer wrote %q", buf.String())
	}
}

func TestResolveTarget(t *testing.T) {
	t.Parallel()
	home, _ := url.Parse("https://jira.example.com/jira")
	tests := []struct{ in, want, wantErr string }{
		{in: "/rest/api/2/myself", want: "https://jira.example.com/jira/rest/api/2/myself"},
		{in: "rest/api/2/myself", want: "https://jira.example.com/jira/rest/api/2/myself"},
		{in: "/rest/api/2/search?jql=a%3Db&fields=x&fields=y", want: "https://jira.example.com/jira/rest/api/2/search?jql=a%3Db&fields=x&fields=y"},
		{in: "http://other.example.com/x", want: "http://other.example.com/x"},
		{in: "ftp://x/y", wantErr: "only http and https URLs are supported"},
		{in: "http://", wantErr: "is not a valid URL"},
	}
	for _, tt := range tests {
		got, err := resolveTarget(home, tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("resolveTarget(%q) error = %v; want %q", tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("resolveTarget(%q): %v", tt.in, err)
		case got.String() != tt.want:
			t.Errorf("resolveTarget(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	t.Parallel()
	got, err := parseHeaders([]string{"X-A: 1", "x-a: 2", "Content-Type:text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{"X-A": {"1", "2"}, "Content-Type": {"text/plain"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"no colon", ": empty name", "Bad Name: x", "authorization: OAuth x"} {
		if _, err := parseHeaders([]string{bad}); err == nil {
			t.Errorf("parseHeaders(%q) succeeded; want an error", bad)
		}
	}
}

func TestWriteBody(t *testing.T) {
	t.Parallel()
	tests := []struct{ contentType, body, want string }{
		{"application/json;charset=UTF-8", `{"a":[1,2]}`, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n"},
		{"application/json", `not json`, "not json\n"},
		{"text/html", "<p>x</p>\n", "<p>x</p>\n"},
		{"", "", ""},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := writeBody(&buf, tt.contentType, []byte(tt.body)); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("writeBody(%q, %q) = %q; want %q", tt.contentType, tt.body, buf.String(), tt.want)
		}
	}
}

func TestReadData(t *testing.T) {
	t.Parallel()
	got, err := readData(context.Background(), "-", strings.NewReader("from stdin"))
	if err != nil || string(got) != "from stdin" {
		t.Errorf("readData(-) = %q, %v", got, err)
	}
	got, err = readData(context.Background(), `{"a":1}`, nil)
	if err != nil || string(got) != `{"a":1}` {
		t.Errorf("readData(text) = %q, %v", got, err)
	}
	big := strings.NewReader(strings.Repeat("x", maxRequestBody+1))
	if _, err := readData(context.Background(), "-", big); err == nil {
		t.Errorf("readData accepted a body over %d bytes", maxRequestBody)
	}
	// Ctrl-C while waiting for stdin that never ends.
	ctx, cancel := context.WithCancel(context.Background())
	blocked, w := io.Pipe()
	defer w.Close()
	cancel()
	if _, err := readData(ctx, "-", blocked); !errors.Is(err, context.Canceled) {
		t.Errorf("readData on a canceled context: %v; want context.Canceled", err)
	}
}

// roundTripFunc stubs the HTTP transport (Env.Transport).
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRequestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	configPath := filepath.Join(t.TempDir(), "config.properties")
	if _, stderr, code := runArgs(t, []string{"--config", configPath, "keygen", "--consumer-key", "k", "--jira-home", "http://jira.test"}, Env{}); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if _, stderr, code := runArgs(t, []string{"--config", configPath, "config", "set", "access_token", "tok"}, Env{}); code != ExitOK {
		t.Fatalf("config set: %d %s", code, stderr)
	}
	var calls int
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		if !strings.HasPrefix(r.Header.Get("Authorization"), "OAuth ") {
			t.Errorf("request not signed: Authorization = %q", r.Header.Get("Authorization"))
		}
		return &http.Response{
			StatusCode: http.StatusFound,
			Status:     "302 Found",
			Header:     http.Header{"Location": {"https://jira.test/rest/api/2/myself"}},
			Body:       io.NopCloser(strings.NewReader("")),
			Request:    r,
		}, nil
	})}
	stdout, stderr, code := runArgs(t, []string{"--config", configPath, "request", "/rest/api/2/myself"}, env)
	if code != ExitFailure {
		t.Errorf("exit code %d; want %d", code, ExitFailure)
	}
	if calls != 1 {
		t.Errorf("%d HTTP calls; want 1 (redirects are not followed)", calls)
	}
	want := "jira-oauth: request: Jira answered 302 Found for GET http://jira.test/rest/api/2/myself, redirecting to https://jira.test/rest/api/2/myself: signed requests cannot follow redirects; if Jira moved (http to https, another host), set jira_home to its base URL\n"
	if stderr != want || stdout != "" {
		t.Errorf("stdout %q, stderr %q\nwant stderr %q", stdout, stderr, want)
	}
}

func TestInterrupted(t *testing.T) {
	t.Parallel()
	configPath := filepath.Join(t.TempDir(), "config.properties")
	if _, stderr, code := runArgs(t, []string{"--config", configPath, "keygen", "--consumer-key", "k", "--jira-home", "http://jira.test"}, Env{}); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	before, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		cancel() // the user presses Ctrl-C while Jira thinks
		<-r.Context().Done()
		return nil, r.Context().Err()
	})}
	var out, errOut bytes.Buffer
	env.Stdout, env.Stderr = &out, &errOut
	code := Main(ctx, []string{"--config", configPath, "requestToken"}, env)
	if code != ExitInterrupted {
		t.Errorf("exit code %d; want %d", code, ExitInterrupted)
	}
	if got, want := errOut.String(), "jira-oauth: interrupted; nothing was saved: context canceled\n"; got != want {
		t.Errorf("stderr = %q; want %q", got, want)
	}
	after, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("config changed by an interrupted requestToken")
	}
}

// TestKeygenPublicKeyWriteFails: when the public key file cannot be
// written, keygen saves nothing, so the pair on disk never mismatches.
func TestKeygenPublicKeyWriteFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "config.properties")
	if err := os.Mkdir(publicKeyPath(configPath), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := "consumer_key=ck\n"
	if err := os.WriteFile(configPath, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runArgs(t, []string{"--config", configPath, "keygen"}, Env{})
	if code != ExitFailure {
		t.Errorf("exit code %d; want %d", code, ExitFailure)
	}
	if stdout != "" {
		t.Errorf("stdout = %q; want nothing", stdout)
	}
	if !strings.Contains(stderr, "keygen: writing the public key to "+publicKeyPath(configPath)+" failed") || !strings.Contains(stderr, "nothing was saved") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q; want one line saying nothing was saved", stderr)
	}
	if data, _ := os.ReadFile(configPath); string(data) != orig {
		t.Errorf("config after the failure: %q; want it unchanged", data)
	}
}

// TestKeygenConfigSaveFailsRestoresPublicKey: a config save that fails
// after the public key file was written puts the old public key back.
func TestKeygenConfigSaveFailsRestoresPublicKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	configPath := filepath.Join(dir, "prod.properties")
	pubPath := filepath.Join(dir, "prod_publickey.pem")
	if publicKeyPath(configPath) != pubPath {
		t.Fatalf("publicKeyPath(%s) = %s; want %s", configPath, publicKeyPath(configPath), pubPath)
	}
	// A config that is a folder cannot be saved once the check passed:
	// the rename fails after the public key was written.
	if err := os.WriteFile(pubPath, []byte("old public key\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(configPath, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(configPath, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runArgs(t, []string{"--config", configPath, "keygen"}, Env{})
	if code == ExitOK {
		t.Fatalf("keygen succeeded; stderr %q", stderr)
	}
	if data, _ := os.ReadFile(pubPath); string(data) != "old public key\n" {
		t.Errorf("public key file after the failure: %q; want the old one back", data)
	}
}

func TestPublicKeyPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"config.properties":            "jira_publickey.pem",
		"a/config.properties":          filepath.Join("a", "jira_publickey.pem"),
		"prod.properties":              "prod_publickey.pem",
		"/etc/jira/staging.properties": filepath.Join("/etc/jira", "staging_publickey.pem"),
		"jira.conf":                    "jira.conf_publickey.pem",
	} {
		if got := publicKeyPath(in); got != want {
			t.Errorf("publicKeyPath(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestIsTerminal: files, pipes and /dev/null (a character device, what CI
// jobs read as stdin) are not terminals, so login neither prompts nor
// draws a spinner there.
func TestIsTerminal(t *testing.T) {
	t.Parallel()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	file, err := os.CreateTemp(t.TempDir(), "f")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for name, stream := range map[string]any{"/dev/null": devNull, "pipe": r, "file": file, "buffer": &bytes.Buffer{}} {
		if isTerminal(stream) {
			t.Errorf("isTerminal(%s) = true; want false", name)
		}
	}
}

// TestNoApprovalError: the default wait is the request token's life, and
// the message says the token is gone; a shorter --wait is named as such.
// (The script tests the --wait path end to end; ten real minutes are not.)
func TestNoApprovalError(t *testing.T) {
	t.Parallel()
	for wait, want := range map[time.Duration]string{
		requestTokenLifetime: `login: no approval within 10 minutes, and the request token has expired; nothing was saved: run 'jira-oauth --config "my jira.properties" login' again`,
		90 * time.Second:     `login: no approval within 1m30s (--wait); nothing was saved: run 'jira-oauth --config "my jira.properties" login' again`,
	} {
		const login = `jira-oauth --config "my jira.properties" login`
		if got := noApprovalError(wait, login).Error(); got != want {
			t.Errorf("noApprovalError(%s) = %q; want %q", wait, got, want)
		}
		if code := exitCode(noApprovalError(wait, login)); code != ExitFailure {
			t.Errorf("noApprovalError(%s): exit code %d; want %d", wait, code, ExitFailure)
		}
	}
}
