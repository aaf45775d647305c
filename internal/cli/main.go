package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// Env is everything a command may touch outside its own flags: streams,
// environment variables, the clock and the network. Tests replace parts
// of it; OSEnv returns the real one.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (JIRA_OAUTH_CONFIG, proxies).
	Getenv func(string) string
	// Now is the clock used for timestamps and expiry; nil means time.Now.
	Now func() time.Time
	// Transport, when set, replaces the HTTP transport (tests only).
	Transport http.RoundTripper
	// OpenBrowser shows a URL to the user in a web browser (login); nil
	// means there is no browser and the user opens the printed URL. It
	// gives up on a browser still running in the foreground when ctx is done.
	OpenBrowser func(ctx context.Context, url string) error
	// Signals, when set, is called once the running command has state to
	// protect (see catchSignals; never for --version, help, completion or
	// a command that only reads): it arranges for the first Ctrl-C or
	// SIGTERM to call cancel, which ends the command's context. nil means
	// no signal handling (tests cancel the context given to Main instead).
	Signals func(cancel context.CancelFunc)
	// ServeConcurrently, when set, is called by the commands that serve
	// many callers at once (proxy, sandbox) before they listen. The
	// binary's gives them every processor (internal/singleproc).
	ServeConcurrently func()
}

// OSEnv returns the Env of this process.
func OSEnv() Env {
	return Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		Now:         time.Now,
		OpenBrowser: openBrowser,
		Signals:     notifySignals,
	}
}

// Main runs the jira-oauth command line with args (without the program
// name) and returns the exit code. It never calls os.Exit.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	// A failed write to stdout fails the command (as curl's exit 23 and
	// git's 128): the output a script wanted is lost.
	stdout := &checkedWriter{w: env.Stdout}
	env.Stdout = stdout
	a := &app{env: env, ctx: ctx}
	var err error
	if len(args) == 1 && args[0] == "--version" {
		// The commonest probe of a tool, answered without building the
		// command tree: the line Cobra prints (TestVersionWithoutTree).
		_, err = fmt.Fprintf(env.Stdout, "jira-oauth %s\n", currentVersion())
	} else {
		root := newRootCmd(a, args)
		root.SetArgs(args)
		root.SetIn(env.Stdin)
		root.SetOut(env.Stdout)
		root.SetErr(env.Stderr)
		err = root.ExecuteContext(ctx)
	}
	interrupted := a.interrupted(ctx)
	if a.stopRun != nil {
		a.stopRun()
	}
	if stdout.err != nil && (err == nil || errors.Is(err, stdout.err)) {
		err = &outputError{err: stdout.err}
	}
	if err == nil {
		return ExitOK
	}
	var usage *usageError
	if !errors.As(err, &usage) && isCobraUsageError(err) {
		err = usageErrorf(withSuggestions(err.Error()) + "; run 'jira-oauth --help' for usage")
	}
	var recovered *recoveredError
	if interrupted && !errors.As(err, &recovered) {
		// Whatever failed, it failed because the user stopped it. (A token
		// Jira issued meanwhile is in a recovery file, whose line stays.)
		err = fmt.Errorf("interrupted; nothing was saved: %w", context.Canceled)
	}
	// Messages quote Jira's answers: escape what a terminal would act on.
	fmt.Fprintf(env.Stderr, "jira-oauth: %s\n", termsafe.String(oneLine(a.secrets.scrub(err.Error()))))
	return exitCode(err)
}

// isCobraUsageError reports errors that Cobra returns for argv it cannot
// route (they do not go through the flag error function).
func isCobraUsageError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command ") ||
		strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag")
}

// withSuggestions turns Cobra's "\n\nDid you mean this?\n\tname\n" into
// " (did you mean name?)", so the message stays one readable line.
func withSuggestions(msg string) string {
	head, list, ok := strings.Cut(msg, "\n\nDid you mean this?\n")
	if !ok {
		return msg
	}
	names := strings.Fields(list)
	if len(names) == 0 {
		return head
	}
	return head + " (did you mean " + strings.Join(names, " or ") + "?)"
}

// oneLine folds a message onto one line so each failure is one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// checkedWriter passes writes to w and remembers the first that failed.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}

// outputError is a failed write to stdout (a full disk, a closed pipe).
type outputError struct{ err error }

func (e *outputError) Error() string {
	cause := e.err
	if u := errors.Unwrap(cause); u != nil {
		cause = u // "no space left on device", without "write /dev/stdout"
	}
	return fmt.Sprintf("cannot write the output to stdout (%v): it is lost; check where stdout goes (a full disk?)", cause)
}

func (e *outputError) Unwrap() error { return e.err }
