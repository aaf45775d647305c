// Command demo runs the whole OAuth 1.0a dance with the real jira-oauth
// binary against its bundled sandbox provider, in a temporary folder that
// it removes afterwards: keygen, sandbox, requestToken, approval in the
// "browser", accessToken, then signed REST calls, paging, an upload, and a
// personal access token made over the link (the way off OAuth 1.0a).
// `make demo` runs it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, ".", os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// demo is one run: the folder it works in and the binary it drives.
type demo struct {
	dir string
	bin string
	out io.Writer
}

// run does the demo; root is the module root the binary is built from.
func run(ctx context.Context, root string, out io.Writer) error {
	dir, err := os.MkdirTemp("", "jira-oauth-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d := &demo{dir: dir, bin: filepath.Join(dir, "jira-oauth"), out: out}

	d.say("Building jira-oauth into a temporary folder %s", dir)
	build := exec.CommandContext(ctx, "go", "build", "-o", d.bin, "./cmd/jira-oauth")
	build.Dir = root
	build.Stderr = out
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	d.say("1. Make the key pair; the public key goes into Jira's incoming Application Link")
	if _, err := d.jiraOAuth(ctx, "keygen", "--consumer-key", "jira-oauth-demo"); err != nil {
		return err
	}

	d.say("2. Start the sandbox, a local Jira-like provider with that Application Link")
	baseURL, stopSandbox, err := d.startSandbox(ctx)
	if err != nil {
		return err
	}
	defer stopSandbox()
	if _, err := d.jiraOAuth(ctx, "config", "set", "jira_home", baseURL); err != nil {
		return err
	}

	d.say("3. Ask for a request token; Jira answers with the URL where the user approves")
	authorizeURL, err := d.jiraOAuth(ctx, "requestToken")
	if err != nil {
		return err
	}

	d.say("4. Approve in the browser (the demo opens the URL itself); Jira shows a verification code")
	verifier, err := d.approve(ctx, strings.TrimSpace(authorizeURL))
	if err != nil {
		return err
	}
	d.say("   verification code: %s", verifier)

	d.say("5. Exchange the request token and the code for an access token")
	if _, err := d.jiraOAuth(ctx, "accessToken", verifier); err != nil {
		return err
	}

	d.say("6. Make signed REST calls")
	if _, err := d.jiraOAuth(ctx, "request", "/rest/api/2/myself"); err != nil {
		return err
	}
	if _, err := d.jiraOAuth(ctx, "request", "-d", `{"body":"Built and tested by CI (jira-oauth demo)"}`, "/rest/api/2/issue/DEMO-1/comment"); err != nil {
		return err
	}

	d.say("7. What config.properties holds now (secrets hidden)")
	if _, err := d.jiraOAuth(ctx, "config", "list"); err != nil {
		return err
	}

	d.say("8. Or all of steps 3-5 in one: login (the demo plays the browser: it opens the URL,\n" +
		"   the sandbox approves and redirects to login's callback on 127.0.0.1)")
	if err := d.login(ctx); err != nil {
		return err
	}

	d.say("9. What people do next: who am I, post a comment, check the setup")
	for _, args := range [][]string{
		{"whoami"},
		{"comment", "DEMO-1", "Deployed build 42 (jira-oauth demo)"},
		{"renew"},
		{"status"},
		{"doctor"},
	} {
		if _, err := d.jiraOAuth(ctx, args...); err != nil {
			return err
		}
	}
	if err := d.pagesAndUpload(ctx); err != nil {
		return err
	}
	d.say("12. Moving off OAuth 1.0a: a personal access token, made over the 1.0a link; the\n" +
		"    config switches to it (auth_method=pat), then logout revokes it at Jira")
	for _, args := range [][]string{
		{"pat", "create", "--name", "jira-oauth-demo", "--days", "30"},
		{"whoami"},
		{"config", "get", "auth_method"},
		{"logout"},
	} {
		if _, err := d.jiraOAuth(ctx, args...); err != nil {
			return err
		}
	}
	stopSandbox()
	d.say("Done. The temporary folder is removed; nothing is left behind.")
	return nil
}

// pagesAndUpload shows request --paginate over the sandbox's search and
// an attachment upload and download.
func (d *demo) pagesAndUpload(ctx context.Context) error {
	d.say("10. A paginated search: Jira gives at most 100 issues a page; --paginate follows\n" +
		"    every page (see the sandbox log) and prints one document, here filtered by --jq")
	if _, err := d.jiraOAuth(ctx, "request", "--paginate", "--jq",
		`"\(.issues | length) issues, \(.issues[0].key) to \(.issues[-1].key)"`,
		"/rest/api/2/search?jql=project = LOAD&maxResults=100"); err != nil {
		return err
	}
	d.say("11. Attach a build log to an issue (multipart, streamed), then download it byte-exact")
	var log bytes.Buffer
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&log, "step %d: ok\n", i)
	}
	if err := os.WriteFile(filepath.Join(d.dir, "build.log"), log.Bytes(), 0o644); err != nil {
		return err
	}
	contentURL, err := d.jiraOAuth(ctx, "request", "-F", "file=@build.log", "--jq", ".[0].content", "/rest/api/2/issue/DEMO-1/attachments")
	if err != nil {
		return err
	}
	if _, err := d.jiraOAuth(ctx, "request", "-o", "downloaded.log", strings.TrimSpace(contentURL)); err != nil {
		return err
	}
	got, err := os.ReadFile(filepath.Join(d.dir, "downloaded.log"))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, log.Bytes()) {
		return errors.New("the downloaded attachment differs from build.log")
	}
	fmt.Fprintf(d.out, "downloaded.log is build.log, byte for byte (%d bytes)\n", len(got))
	return nil
}

// say prints a step heading.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "\n"+format+"\n", args...)
}

// jiraOAuth runs the binary in the demo folder, echoes the command and its
// output, and returns its stdout.
func (d *demo) jiraOAuth(ctx context.Context, args ...string) (string, error) {
	fmt.Fprintf(d.out, "$ jira-oauth %s\n", strings.Join(quoteArgs(args), " "))
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, d.bin, args...)
	cmd.Dir = d.dir
	cmd.Env = append(os.Environ(), "JIRA_OAUTH_CONFIG=")
	cmd.Stdout = io.MultiWriter(&stdout, d.out)
	cmd.Stderr = d.out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("jira-oauth %s: %w", args[0], err)
	}
	return stdout.String(), nil
}

// startSandbox starts `jira-oauth sandbox --auto-approve` and returns the
// URL it prints and a function that stops it.
func (d *demo) startSandbox(ctx context.Context) (string, func(), error) {
	fmt.Fprintln(d.out, "$ jira-oauth sandbox --auto-approve &")
	cmd := exec.CommandContext(ctx, d.bin, "sandbox", "--auto-approve")
	cmd.Dir = d.dir
	cmd.Stderr = prefixWriter{w: d.out, prefix: "  [sandbox] "}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("sandbox did not print its URL: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

// login runs `jira-oauth login --no-browser` and, as the user's browser
// would, opens the authorize URL it prints; the sandbox approves at once
// and redirects the browser to login's callback.
func (d *demo) login(ctx context.Context) error {
	args := []string{"login", "--no-browser", "--wait", "1m"}
	fmt.Fprintf(d.out, "$ jira-oauth %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, d.bin, args...)
	cmd.Dir = d.dir
	cmd.Env = append(os.Environ(), "JIRA_OAUTH_CONFIG=")
	cmd.Stdout = d.out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	browsed := make(chan error, 1)
	scanner := bufio.NewScanner(stderr)
	for scanner.Scan() {
		line := scanner.Text()
		fmt.Fprintln(d.out, line)
		if strings.Contains(line, "/plugins/servlet/oauth/authorize?") {
			go func() { browsed <- d.browse(ctx, strings.TrimSpace(line)) }()
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("jira-oauth login: %w", err)
	}
	select {
	case err := <-browsed:
		return err
	default:
		return errors.New("jira-oauth login printed no authorize URL")
	}
}

// browse follows the authorize URL and its redirect, as a browser would.
func (d *demo) browse(ctx context.Context, authorizeURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	title := "(no title)"
	if m := titlePattern().FindSubmatch(page); m != nil {
		title = string(m[1])
	}
	fmt.Fprintf(d.out, "  [browser] %s -> %s: %q\n", authorizeURL, resp.Request.URL.Host, title)
	return nil
}

// The patterns are compiled on first use, not at start-up.
var titlePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<title>([^<]*)</title>`) })

var verifierPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`id="oauth-verifier"[^>]*>([^<]+)<`) })

// approve opens the authorize URL as a browser would; the sandbox runs
// with --auto-approve, so the page shows the verification code at once.
func (d *demo) approve(ctx context.Context, authorizeURL string) (string, error) {
	fmt.Fprintf(d.out, "  GET %s\n", authorizeURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	m := verifierPattern().FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", errors.New("the approval page showed no verification code")
	}
	return string(m[1]), nil
}

// quoteArgs quotes arguments the way a user would type them.
func quoteArgs(args []string) []string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \"{}") {
			a = "'" + a + "'"
		}
		quoted[i] = a
	}
	return quoted
}

// prefixWriter indents another process's log lines.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	var buf strings.Builder
	for _, l := range lines {
		if l != "" {
			buf.WriteString(p.prefix + l)
		}
	}
	if _, err := io.WriteString(p.w, buf.String()); err != nil {
		return 0, err
	}
	return len(b), nil
}
