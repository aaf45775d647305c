package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// fakeBrowser is the program login starts through $BROWSER in scripts: it
// does what a user in a browser would, over real HTTP. $FAKEBROWSER says
// what: "allow" (default) or "deny" on Jira's authorize page, "wrongstate"
// (allow, then first visit the callback with a forged state), or "ignore"
// (never approve). It reports each page it ends on to stderr. With
// $FAKEBROWSER_CALLED set it first writes the URL to that file, so a script
// can check that no browser was started.
func fakeBrowser() int {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fakebrowser URL")
		return 2
	}
	// $FAKEBROWSER_CALLED: leave a trace that the browser was started.
	if trace := os.Getenv("FAKEBROWSER_CALLED"); trace != "" {
		if err := os.WriteFile(trace, []byte(os.Args[1]+"\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "fakebrowser:", err)
			return 1
		}
	}
	if err := browse(os.Args[1], os.Getenv("FAKEBROWSER")); err != nil {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		return 1
	}
	return 0
}

func browse(authorizeURL, mode string) error {
	if mode == "ignore" {
		return nil
	}
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	// The authorize page, with its Allow and Deny buttons.
	status, body, err := fetch(client, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK || !strings.Contains(body, `name="approve"`) {
		return fmt.Errorf("authorize page: %d, no Allow button", status)
	}
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return err
	}
	button := "approve"
	if mode == "deny" {
		button = "deny"
	}
	form := url.Values{"oauth_token": {u.Query().Get("oauth_token")}, button: {"x"}}
	resp, err := client.PostForm(authorizeURL, form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || callback == "" {
		return fmt.Errorf("pressing %s: %s, no redirect to the callback", button, resp.Status)
	}
	if mode == "wrongstate" {
		forged := regexp.MustCompile(`state=[0-9a-f]+`).ReplaceAllString(callback, "state=0000")
		status, body, err := fetch(client, http.MethodGet, forged, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "fakebrowser: forged callback: %d %s\n", status, title(body))
	}
	status, body, err = fetch(client, http.MethodGet, callback, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "fakebrowser: %d %s\n", status, title(body))
	return nil
}

func fetch(client *http.Client, method, rawURL string, body io.Reader) (int, string, error) {
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

func title(page string) string {
	if m := titleRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return "(no title)"
}

// oob-login [ARGS...] runs 'jira-oauth login --oob --no-browser ARGS...'
// as a user at a terminal would: it reads the authorize URL from login's
// stderr, approves that request token in the provider at $JIRA, and types
// the verification code on login's stdin. With ! login must fail.
func cmdOOBLogin(ts *testscript.TestScript, neg bool, args []string) {
	interactiveLogin(ts, neg, append([]string{"login", "--oob", "--no-browser"}, args...), func(token, verifier string) []string {
		return []string{verifier}
	})
}

// paste-login code|url|wrong-url LOGIN-ARGS... runs 'jira-oauth
// LOGIN-ARGS...' as a user over SSH would: it approves the request token
// of the authorize URL login prints, as in a browser on another computer,
// and pastes on login's stdin the verifier (code), the whole address the
// browser was redirected to (url), or first the address of another login
// and then the right one (wrong-url).
func cmdPasteLogin(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: paste-login code|url|wrong-url LOGIN-ARGS...")
	}
	mode := args[0]
	redirect := func(token, verifier string) string {
		return "http://127.0.0.1:1/?state=0&oauth_token=" + url.QueryEscape(token) + "&oauth_verifier=" + url.QueryEscape(verifier)
	}
	interactiveLogin(ts, neg, args[1:], func(token, verifier string) []string {
		switch mode {
		case "code":
			return []string{verifier}
		case "url":
			return []string{redirect(token, verifier)}
		case "wrong-url":
			return []string{redirect("some-other-token", verifier), redirect(token, verifier)}
		}
		ts.Fatalf("paste-login: unknown mode %q", mode)
		return nil
	})
}

// interactiveLogin runs jira-oauth with args; when it prints an authorize
// URL on stderr, it approves that request token in the provider at $JIRA
// and types the lines answer gives on login's stdin.
func interactiveLogin(ts *testscript.TestScript, neg bool, args []string, answer func(token, verifier string) []string) {
	cmd := exec.Command("jira-oauth", args...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, name := range []string{"GORACE", "JIRA_OAUTH_CONFIG", "HOME", "TMPDIR", "SSH_CONNECTION", "CI", "BROWSER", "FAKEBROWSER", "FAKEBROWSER_CALLED"} {
		cmd.Env = append(cmd.Env, name+"="+ts.Getenv(name))
	}
	stdin, err := cmd.StdinPipe()
	ts.Check(err)
	stderrPipe, err := cmd.StderrPipe()
	ts.Check(err)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	ts.Check(cmd.Start())

	var stderr bytes.Buffer
	scanner := bufio.NewScanner(stderrPipe)
	typed := false
	for scanner.Scan() {
		line := scanner.Text()
		stderr.WriteString(line + "\n")
		if typed || !strings.Contains(line, "/plugins/servlet/oauth/authorize?") {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(line))
		ts.Check(err)
		token := u.Query().Get("oauth_token")
		verifier, err := provider(ts).Approve(token)
		ts.Check(err)
		ts.Setenv("VERIFIER", verifier)
		for _, l := range answer(token, verifier) {
			_, err = io.WriteString(stdin, l+"\n")
			ts.Check(err)
		}
		typed = true
	}
	stdin.Close()
	err = cmd.Wait()
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	var exitErr *exec.ExitError
	switch {
	case err != nil && !errors.As(err, &exitErr):
		ts.Fatalf("login: %v", err)
	case neg && err == nil:
		ts.Fatalf("login succeeded; want a failure")
	case !neg && err != nil:
		ts.Fatalf("login: %v\n%s", err, stderr.String())
	case !neg && !typed:
		ts.Fatalf("login printed no authorize URL")
	}
}

// stripauth on|off makes the provider at $JIRA serve REST calls as if a
// proxy had dropped their Authorization header (anonymous).
func cmdStripAuth(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || (args[0] != "on" && args[0] != "off") {
		ts.Fatalf("usage: stripauth on|off")
	}
	provider(ts).StripAuthorization(args[0] == "on")
}

// waitissued mark|+N synchronizes with a background command: "mark"
// notes how many token secrets and verifiers the provider at $JIRA has
// issued; "+N" waits (at most 30s) until it has issued N more since, e.g.
// until a background login has its request token and waits for approval.
func cmdWaitIssued(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitissued mark|+N")
	}
	count := func() int { return len(provider(ts).IssuedSecrets()) }
	if args[0] == "mark" {
		ts.Setenv("ISSUED_MARK", strconv.Itoa(count()))
		return
	}
	n, err := strconv.Atoi(strings.TrimPrefix(args[0], "+"))
	ts.Check(err)
	mark, err := strconv.Atoi(ts.Getenv("ISSUED_MARK"))
	if err != nil {
		ts.Fatalf("waitissued +N needs a waitissued mark first")
	}
	for start := time.Now(); count() < mark+n; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			ts.Fatalf("the provider issued %d secrets in 30s since the mark; want %d", count()-mark, n)
		}
	}
}
