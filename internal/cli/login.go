package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/loopback"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

type loginOptions struct {
	app *app

	NoBrowser bool
	OOB       bool
	Wait      time.Duration

	// OAuth 2.0 (login_oauth2.go).
	OAuth2, ClientCredentials bool
	ClientID, ClientSecret    string
	RedirectURI, Scope        string
}

func newCmdLogin(a *app, runF func(*loginOptions) error) *cobra.Command {
	opts := &loginOptions{app: a}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Do the whole dance in one step: approve in the browser, save the access token",
		Long: `Get a request token whose callback is a one-shot server on 127.0.0.1, open
Jira's authorize page in your browser ($BROWSER, or the system's opener),
wait for you to press Allow, exchange the verifier Jira sends back for an
access token and save it in the config, as accessToken does.

The authorize URL is also printed on stderr. With --no-browser nothing is
opened: open the URL yourself (on this machine: the callback goes to
127.0.0.1). With --oob no browser is started: Jira shows a verification
code, and login asks for it on the terminal (or reads one line from stdin).

With no browser (none found, or it failed) and nobody to answer (stdin is
not a terminal, or $CI is set), login fails at once and names the
alternatives (--oob, or requestToken and accessToken) instead of waiting.
Over SSH ($SSH_CONNECTION), open the URL on your own computer; after Allow
its browser fails to load the 127.0.0.1 callback: paste that address (or
its oauth_verifier) at login's prompt.

A denied approval, Ctrl-C, or no approval before the request token expires
(10 minutes, or --wait) end login with the config untouched.

With --oauth2, login uses an OAuth 2.0 incoming link (Jira 8.22+) instead:
the authorization code grant with PKCE (S256) and state, over the redirect
URI registered in the link (--redirect-uri, exactly: http://localhost:PORT/...
or https). login listens on exactly that port, on 127.0.0.1 and ::1; the
browser, SSH and --oob rules above apply (paste the address or the code).
With --client-credentials it gets a service account's token (Jira 11), no
browser. Both save --client-id, --client-secret, --redirect-uri and --scope
(READ, WRITE (default), ADMIN, SYSTEM_ADMIN) with the tokens and
auth_method=oauth2; later commands refresh the token themselves.`,
		Example: `  jira-oauth login
  jira-oauth login --no-browser     # over SSH: then paste the address you end on
  jira-oauth login --oob
  jira-oauth login --wait 2m
  jira-oauth login --oauth2 --client-id ID --client-secret SECRET --redirect-uri http://localhost:8765/callback
  jira-oauth login --client-credentials --client-id ID --client-secret SECRET --scope READ`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Wait <= 0 || opts.Wait > requestTokenLifetime {
				return usageErrorf(fmt.Sprintf("--wait %s is out of range: give a duration up to 10m (a request token lives 10 minutes)", opts.Wait))
			}
			if err := checkLoginFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			switch {
			case opts.OAuth2:
				return runLoginOAuth2(cmd.Context(), opts)
			case opts.ClientCredentials:
				return runLoginClientCredentials(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.OAuth2, "oauth2", false, "OAuth 2.0 (Jira 8.22+ incoming link): authorization code with PKCE over --redirect-uri")
	cmd.Flags().BoolVar(&opts.ClientCredentials, "client-credentials", false, "OAuth 2.0 client credentials: a service account's token (Jira 11), no browser")
	cmd.Flags().StringVar(&opts.ClientID, "client-id", "", "the incoming link's client id (saved as oauth2_client_id)")
	cmd.Flags().StringVar(&opts.ClientSecret, "client-secret", "", "the incoming link's client secret (saved as oauth2_client_secret; 'config set oauth2_client_secret -' keeps it off the command line)")
	cmd.Flags().StringVar(&opts.RedirectURI, "redirect-uri", "", "the redirect URL registered in the link, exactly, e.g. http://localhost:8765/callback (saved as oauth2_redirect_uri)")
	cmd.Flags().StringVar(&opts.Scope, "scope", "", "READ, WRITE, ADMIN or SYSTEM_ADMIN (saved as oauth2_scope; default WRITE)")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "do not open a browser; just print the authorize URL")
	cmd.Flags().BoolVar(&opts.OOB, "oob", false, "no callback: type the verification code Jira shows (or pipe it to stdin)")
	cmd.Flags().DurationVar(&opts.Wait, "wait", requestTokenLifetime, "how long to wait for approval (at most 10m)")
	return cmd
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	a := opts.app
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return err
	}
	if err := a.checkSave(ctx, "login"); err != nil {
		return err
	}

	callback := "oob"
	var receiver *loopback.Receiver
	if !opts.OOB {
		if receiver, err = loopback.Listen(); err != nil {
			return fmt.Errorf("login: %w", err)
		}
		defer receiver.Close()
		receiver.Ignored = func(reason string) {
			fmt.Fprintf(a.stderr(), "login: ignored %s\n", reason)
		}
		callback = receiver.CallbackURL()
	}
	issued := a.now()
	tmp, err := client.RequestToken(ctx, callback)
	if err != nil {
		return err
	}
	a.secrets.add(tmp.Secret)
	if err := checkRequestToken("login", tmp); err != nil {
		return err
	}
	if receiver != nil {
		receiver.Expect(tmp.Token)
	}
	authorizeURL := client.AuthorizeURL(tmp.Token)
	fmt.Fprintf(a.stderr(), "Open this URL in a browser, log in to Jira and approve the access:\n%s\n", authorizeURL)
	situation, browserErr := a.offerURL(ctx, authorizeURL, opts, opts.OOB)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	mode, err := planLogin(situation)
	if err != nil {
		return fmt.Errorf("login: no browser could be opened (%s) %w; nothing was saved: run %s and type or pipe in the code Jira shows, or go step by step: %s, approve the URL it prints, %s",
			oneLine(browserErr.Error()), err, quoteCmd(config.Command(cfg.Path(), "login --oob")),
			quoteCmd(config.Command(cfg.Path(), "requestToken")), quoteCmd(config.Command(cfg.Path(), "accessToken CODE")))
	}
	switch {
	case mode == waitCallbackOrPaste && situation.SSH:
		fmt.Fprintf(a.stderr(), "This is an SSH session: open the URL above in a browser on your own computer and approve. Your browser then fails to load an address starting with %s (login's address on this machine): paste that whole address here, or just its oauth_verifier value, and press Enter.\n", callbackBase(receiver.CallbackURL()))
	case mode == waitCallbackOrPaste:
		fmt.Fprintf(a.stderr(), "login: could not open a browser (%s); open the URL above yourself. On another computer, paste here the address its browser fails to load after you approve (or just its oauth_verifier value), and press Enter.\n", oneLine(browserErr.Error()))
	}

	deadline := issued.Add(opts.Wait)
	waitCtx, cancel := context.WithTimeout(ctx, opts.Wait)
	defer cancel()
	var verifier string
	switch mode {
	case waitCode:
		verifier, err = a.readVerifier(waitCtx)
	case waitCallbackOrPaste:
		fmt.Fprintf(a.stderr(), "Waiting for approval until %s (Ctrl-C to stop).\n", deadline.Local().Format(time.Kitchen))
		verifier, err = a.waitCallbackOrPaste(waitCtx, receiver, tmp.Token)
	default:
		terminalBrowser := situation.BrowserOpened && isTerminalBrowser(browserCommand(a.env.Getenv))
		stop := a.waitIndicator(deadline, useSpinner(isTerminal(a.env.Stderr), terminalBrowser))
		verifier, err = receiver.Wait(waitCtx)
		stop()
	}
	switch {
	case errors.Is(err, loopback.ErrDenied) || verifier == deniedVerifier:
		return &deniedError{fmt.Sprintf("login: access was denied on Jira's authorize page; nothing was saved: run '%s' again and press Allow", a.command("login"))}
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return noApprovalError(opts.Wait, a.command("login"))
	case err != nil:
		return fmt.Errorf("login: %w", err)
	}
	a.secrets.add(verifier)

	issued = a.now()
	creds, err := client.AccessToken(ctx, tmp.Token, tmp.Secret, verifier)
	if err != nil {
		return err
	}
	a.secrets.add(creds.Secret)
	if err := a.saveLogin(ctx, cfg, creds, issued); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr(), "Logged in: access token saved in %s (%s). Try: %s\n", cfg.Path(), expiryText(creds, issued), config.Command(cfg.Path(), "whoami"))
	return nil
}

// noApprovalError is login's answer when nobody approved within wait:
// by default the request token's whole life. login is the command line
// that starts over, with the user's --config.
func noApprovalError(wait time.Duration, login string) error {
	if wait >= requestTokenLifetime {
		return fmt.Errorf("login: no approval within 10 minutes, and the request token has expired; nothing was saved: run '%s' again", login)
	}
	return fmt.Errorf("login: no approval within %s (--wait); nothing was saved: run '%s' again", wait, login)
}

// expiryText says when an access token expires, for messages.
func expiryText(creds oauth.Credentials, issued time.Time) string {
	if creds.ExpiresIn <= 0 {
		return "no expiry given by Jira"
	}
	return "expires " + issued.Add(creds.ExpiresIn).UTC().Format(time.DateOnly)
}

// readVerifier reads the verification code of --oob: after a prompt on a
// terminal, or one line from stdin otherwise.
func (a *app) readVerifier(ctx context.Context) (string, error) {
	if isTerminal(a.env.Stdin) {
		fmt.Fprint(a.stderr(), "Verification code: ")
	} else {
		fmt.Fprintln(a.stderr(), "Reading the verification code from stdin.")
	}
	line, err := readLine(ctx, a.env.Stdin)
	if errors.Is(err, io.EOF) && strings.TrimSpace(line) == "" {
		return "", errors.New("no verification code on stdin: type the code Jira shows after approval, or pipe it in")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	code := strings.TrimSpace(line)
	if code == "" {
		return "", errors.New("the verification code is empty: type the code Jira shows after approval")
	}
	return code, nil
}

// readLine reads one line from r, giving up when ctx is done (the reading
// goroutine then ends with the process).
func readLine(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		done <- result{line, err}
	}()
	select {
	case res := <-done:
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// waitIndicator shows that login is waiting and until when: a spinner
// when spinner is true (see useSpinner), otherwise one line. The returned
// stop clears it.
func (a *app) waitIndicator(deadline time.Time, spinner bool) (stop func()) {
	until := deadline.Local().Format(time.Kitchen)
	if !spinner {
		fmt.Fprintf(a.stderr(), "Waiting for approval in the browser until %s (Ctrl-C to stop).\n", until)
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		frames := `|/-\`
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			left := time.Until(deadline).Round(time.Second)
			fmt.Fprintf(a.stderr(), "\r%c Waiting for approval in the browser (%s left; Ctrl-C to stop) ", frames[i%len(frames)], left)
			select {
			case <-done:
				fmt.Fprint(a.stderr(), "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// isTerminal reports whether stream is a terminal. (Not just a character
// device: /dev/null is one, and CI jobs run with stdin from it.)
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// checkLoginFlags refuses OAuth 2.0 flags without --oauth2 or
// --client-credentials, and flags that do not go together.
func checkLoginFlags(cmd *cobra.Command, opts *loginOptions) error {
	switch {
	case opts.OAuth2 && opts.ClientCredentials:
		return usageErrorf("--oauth2 and --client-credentials do not go together: --oauth2 logs you in through the browser, --client-credentials logs in a service account")
	case opts.ClientCredentials && (opts.OOB || opts.NoBrowser || opts.RedirectURI != ""):
		return usageErrorf("--client-credentials uses no browser: drop --oob, --no-browser and --redirect-uri")
	case !opts.OAuth2 && !opts.ClientCredentials:
		for _, name := range []string{"client-id", "client-secret", "redirect-uri", "scope"} {
			if cmd.Flags().Changed(name) {
				return usageErrorf(fmt.Sprintf("--%s is for OAuth 2.0: add --oauth2 (or --client-credentials for a service account)", name))
			}
		}
	}
	for name, v := range map[string]string{"client-id": opts.ClientID, "client-secret": opts.ClientSecret} {
		if cmd.Flags().Changed(name) && (strings.TrimSpace(v) == "" || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f })) {
			return usageErrorf(fmt.Sprintf("--%s is empty or holds spaces or control characters: copy it from Jira's incoming link", name))
		}
	}
	return nil
}

// offerURL opens url in the user's browser unless login must not (oob:
// --oob, or no way to receive the redirect; --no-browser), and describes
// the situation planLogin decides the wait from. browserErr says why no
// browser shows the URL, for the messages.
func (a *app) offerURL(ctx context.Context, url string, opts *loginOptions, oob bool) (situation loginSituation, browserErr error) {
	situation = loginSituation{
		OOB:       oob,
		NoBrowser: opts.NoBrowser,
		Terminal:  isTerminal(a.env.Stdin),
		CI:        isCI(a.env.Getenv),
		SSH:       a.env.Getenv("SSH_CONNECTION") != "",
	}
	browserErr = errors.New("no browser")
	if !opts.OOB && !opts.NoBrowser && a.env.OpenBrowser != nil {
		browserErr = a.env.OpenBrowser(ctx, url)
		situation.BrowserOpened = browserErr == nil
	}
	return situation, browserErr
}
