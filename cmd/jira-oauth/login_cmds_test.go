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
// (never approve). It reports each page it ends on to stderr.
func fakeBrowser() int {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fakebrowser URL")
		return 2
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
	cmd := exec.Command("jira-oauth", append([]string{"login", "--oob", "--no-browser"}, args...)...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, name := range []string{"GORACE", "JIRA_OAUTH_CONFIG", "HOME", "TMPDIR"} {
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
		verifier, err := provider(ts).Approve(u.Query().Get("oauth_token"))
		ts.Check(err)
		ts.Setenv("VERIFIER", verifier)
		_, err = io.WriteString(stdin, verifier+"\n")
		ts.Check(err)
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
