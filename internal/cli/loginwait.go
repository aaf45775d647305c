package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/loopback"
)

// loginWait is how login learns the verifier once Jira has the request
// token.
type loginWait int

const (
	waitCallback        loginWait = iota // Jira's redirect to the loopback callback
	waitCallbackOrPaste                  // the callback, or the redirect address (or its verifier) pasted on stdin
	waitCode                             // --oob: the verification code on stdin
)

// loginSituation is what login's way of waiting depends on.
type loginSituation struct {
	OOB, NoBrowser bool
	BrowserOpened  bool // a browser was started: someone may approve in it
	Terminal       bool // stdin is a terminal
	CI             bool // $CI is set: nobody is there to answer
	SSH            bool // $SSH_CONNECTION is set: the user's browser is on another computer
}

// nobodyToAnswer is login without a browser where nobody can answer;
// runLogin wraps it with the alternatives.
type nobodyToAnswer struct{ ci bool }

func (e *nobodyToAnswer) Error() string {
	if e.ci {
		return "and nobody can answer in a CI job ($CI is set)"
	}
	return "and nobody can answer here (stdin is not a terminal)"
}

// planLogin decides how login waits. --oob reads a code; --no-browser
// means "I open the URL elsewhere": wait for the callback (over SSH, also
// for a pasted address). A browser that was opened gets the terminal to
// itself. Without one, login fails at once if nobody can answer (a CI
// job would otherwise wait 10 minutes), and otherwise also accepts the
// redirect address pasted from a browser on another computer.
func planLogin(s loginSituation) (loginWait, error) {
	switch {
	case s.OOB:
		return waitCode, nil
	case s.NoBrowser && s.SSH && !s.CI:
		return waitCallbackOrPaste, nil
	case s.NoBrowser, s.BrowserOpened:
		return waitCallback, nil
	case !s.Terminal || s.CI:
		return 0, &nobodyToAnswer{ci: s.CI}
	default:
		return waitCallbackOrPaste, nil
	}
}

// useSpinner reports whether login may draw its spinner while it waits
// for the callback: only on a terminal, and not over a terminal browser
// (w3m, lynx) that login started there, whose page it would paint over.
func useSpinner(stderrTerminal, terminalBrowser bool) bool {
	return stderrTerminal && !terminalBrowser
}

// isCI reports whether $CI says this is a CI job (GitHub Actions, GitLab,
// Jenkins plugins and others set CI=true).
func isCI(getenv func(string) string) bool {
	v := strings.ToLower(strings.TrimSpace(getenv("CI")))
	return v != "" && v != "false" && v != "0"
}

// browserCommand is the first word of $BROWSER, or "".
func browserCommand(getenv func(string) string) string {
	if f := strings.Fields(getenv("BROWSER")); len(f) > 0 {
		return f[0]
	}
	return ""
}

// callbackBase is the callback URL without its query (the state), as the
// start of the address a user will see.
func callbackBase(callback string) string {
	base, _, _ := strings.Cut(callback, "?")
	return base
}

// quoteCmd puts a suggested command in quotes, for a one-line message.
func quoteCmd(cmd string) string { return "'" + cmd + "'" }

// waitCallbackOrPaste waits for Jira's redirect to the receiver, or for
// the user to paste on stdin the address the redirect went to (a browser
// on another computer cannot reach 127.0.0.1 here) or its oauth_verifier.
// A pasted address must carry this login's request token; anything else
// is refused with a line on stderr, and login keeps waiting.
func (a *app) waitCallbackOrPaste(ctx context.Context, receiver *loopback.Receiver, token string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		verifier string
		err      error
	}
	callback := make(chan result, 1)
	go func() {
		v, err := receiver.Wait(ctx)
		callback <- result{v, err}
	}()
	pasted := make(chan string, 1)
	go func() {
		// Reading stdin cannot be interrupted: this goroutine is
		// abandoned when login ends (and ends with the process).
		sc := bufio.NewScanner(io.LimitReader(a.env.Stdin, 1<<20))
		for sc.Scan() {
			verifier, problem := pastedVerifier(sc.Text(), token)
			if problem != "" {
				fmt.Fprintf(a.stderr(), "login: %s\n", problem)
				continue
			}
			if verifier != "" {
				pasted <- verifier
				return
			}
		}
	}()
	select {
	case res := <-callback:
		return res.verifier, res.err
	case v := <-pasted:
		return v, nil
	}
}

// pastedVerifier reads a line the user pasted: the whole address the
// browser was redirected to (it must carry oauth_token = token and an
// oauth_verifier) or just the verifier. It returns the verifier, or a
// one-line problem; both are "" for an empty line.
func pastedVerifier(line, token string) (verifier, problem string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return "", ""
	}
	if !strings.Contains(line, "oauth_verifier=") && !strings.Contains(line, "oauth_token=") && !strings.Contains(line, "://") {
		if strings.ContainsAny(line, " \t?&=/") {
			return "", "that is not a verifier or an address: paste the whole address your browser shows after you approve, or its oauth_verifier value"
		}
		return line, ""
	}
	query := line
	if u, err := url.Parse(line); err == nil && u.RawQuery != "" {
		query = u.RawQuery
	} else if _, q, ok := strings.Cut(line, "?"); ok {
		query = q
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", "cannot read that address: paste it whole, as your browser shows it, or just its oauth_verifier value"
	}
	got, v := values.Get("oauth_token"), values.Get("oauth_verifier")
	switch {
	case v == "":
		return "", "that address has no oauth_verifier: paste the address your browser shows after you press Allow"
	case got == "":
		return "", "that address has no oauth_token: paste it whole, as your browser shows it"
	case got != token:
		return "", "that address is from another login (its oauth_token is not this login's): approve the URL above and paste the address you get"
	}
	return v, ""
}
