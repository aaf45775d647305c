package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/loopback"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// oauth2Link is the OAuth 2.0 client settings login uses: the flags, else
// the config.
type oauth2Link struct {
	clientID, clientSecret, redirectURI, scope string
}

// oauth2LinkFrom merges the flags of opts over cfg and checks the result;
// needRedirect is false for client credentials.
func oauth2LinkFrom(opts *loginOptions, cfg *config.File, needRedirect bool) (oauth2Link, error) {
	pick := func(flag, key string) string {
		if flag != "" {
			return strings.TrimSpace(flag)
		}
		return token(cfg, key)
	}
	l := oauth2Link{
		clientID:     pick(opts.ClientID, config.KeyOAuth2ClientID),
		clientSecret: pick(opts.ClientSecret, config.KeyOAuth2ClientSecret),
		redirectURI:  pick(opts.RedirectURI, config.KeyOAuth2RedirectURI),
		scope:        pick(opts.Scope, config.KeyOAuth2Scope),
	}
	if l.scope == "" {
		l.scope = config.DefaultOAuth2Scope
	}
	missing := func(flag, key string) error {
		return &config.Error{Path: cfg.Path(), Key: key,
			Err: fmt.Errorf("is not set: give %s (from Jira's incoming link: Administration > Applications > Application links), or set %s", flag, key)}
	}
	switch {
	case l.clientID == "":
		return l, missing("--client-id", config.KeyOAuth2ClientID)
	case l.clientSecret == "":
		return l, missing("--client-secret", config.KeyOAuth2ClientSecret)
	case needRedirect && l.redirectURI == "":
		return l, missing("--redirect-uri", config.KeyOAuth2RedirectURI)
	}
	if err := config.CheckOAuth2Scope(l.scope); err != nil {
		if opts.Scope != "" {
			return l, usageErrorf("--scope " + err.Error())
		}
		return l, &config.Error{Path: cfg.Path(), Key: config.KeyOAuth2Scope, Err: err}
	}
	if needRedirect {
		if err := config.CheckRedirectURI(l.redirectURI); err != nil {
			if opts.RedirectURI != "" {
				return l, usageErrorf("--redirect-uri " + err.Error())
			}
			return l, &config.Error{Path: cfg.Path(), Key: config.KeyOAuth2RedirectURI, Err: err}
		}
	}
	return l, nil
}

// settings are the link's keys to save with the tokens.
func (l oauth2Link) settings(needRedirect bool) settings {
	s := settings{{config.KeyOAuth2ClientID, l.clientID}, {config.KeyOAuth2ClientSecret, l.clientSecret}, {config.KeyOAuth2Scope, l.scope}}
	if needRedirect {
		s = append(s, setting{config.KeyOAuth2RedirectURI, l.redirectURI})
	} else {
		s = append(s, setting{config.KeyOAuth2RedirectURI, ""}) // a service account has none
	}
	return s
}

// oauth2ClientFor is the token client of link l for cfg's jira_home.
func (a *app) oauth2ClientFor(cfg *config.File, l oauth2Link) (*oauth.OAuth2, error) {
	c, err := a.oauth2Client(cfg)
	if err != nil {
		return nil, err
	}
	c.ClientID, c.ClientSecret, c.RedirectURI, c.Scope = l.clientID, l.clientSecret, l.redirectURI, l.scope
	return c, nil
}

// prepareOAuth2Login reads what an OAuth 2.0 login needs (the config, the
// client from the flags or the config; a redirect URI when needRedirect)
// and proves the config can be saved, before anything is sent to Jira.
func (a *app) prepareOAuth2Login(ctx context.Context, opts *loginOptions, needRedirect bool) (*config.File, oauth2Link, *oauth.OAuth2, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, oauth2Link{}, nil, err
	}
	l, err := oauth2LinkFrom(opts, cfg, needRedirect)
	if err != nil {
		return nil, oauth2Link{}, nil, err
	}
	a.secrets.add(l.clientSecret)
	client, err := a.oauth2ClientFor(cfg, l)
	if err != nil {
		return nil, oauth2Link{}, nil, err
	}
	if err := a.checkSave(ctx, "login"); err != nil {
		return nil, oauth2Link{}, nil, err
	}
	return cfg, l, client, nil
}

// runLoginOAuth2 is login --oauth2: the authorization code grant with
// PKCE (S256) and state, over the exact registered redirect URI.
func runLoginOAuth2(ctx context.Context, opts *loginOptions) error {
	a := opts.app
	cfg, l, client, err := a.prepareOAuth2Login(ctx, opts, true)
	if err != nil {
		return err
	}
	verifier, challenge, err := oauth.NewPKCE()
	if err != nil {
		return err
	}
	state, err := oauth.NewState()
	if err != nil {
		return err
	}
	a.secrets.add(verifier)

	// Jira redirects the browser to the registered URI exactly: listen on
	// its port, unless it is https (a web page: the user pastes).
	var receiver *loopback.CodeReceiver
	canReceive := strings.HasPrefix(l.redirectURI, "http://")
	if !opts.OOB && canReceive {
		if receiver, err = loopback.ListenRedirect(l.redirectURI, state); err != nil {
			if errors.Is(err, loopback.ErrPortInUse) {
				return fmt.Errorf("login: %w: stop the program holding it, or register another redirect URI in Jira's incoming link and pass it with --redirect-uri (or use --oob and paste the address)", err)
			}
			return fmt.Errorf("login: %w: use --oob and paste the address", err)
		}
		defer receiver.Close()
		receiver.Ignored = func(reason string) { fmt.Fprintf(a.stderr(), "login: ignored %s\n", reason) }
	}
	authURL := client.AuthCodeURL(state, challenge)
	fmt.Fprintf(a.stderr(), "Open this URL in a browser, log in to Jira and approve the access:\n%s\n", authURL)
	situation, browserErr := a.offerURL(ctx, authURL, opts, opts.OOB || !canReceive)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	mode, err := planLogin(situation)
	if err != nil {
		return fmt.Errorf("login: no browser could be opened (%s) %w; nothing was saved: approve the URL elsewhere and run %s with the address you end on on stdin, or use %s",
			oneLine(browserErr.Error()), err, quoteCmd(config.Command(cfg.Path(), "login --oauth2 --oob")), quoteCmd(config.Command(cfg.Path(), "pat create")))
	}
	waitCtx, cancel := context.WithTimeout(ctx, opts.Wait)
	defer cancel()
	var code string
	switch mode {
	case waitCode:
		if isTerminal(a.env.Stdin) {
			fmt.Fprint(a.stderr(), "After approving, paste the address your browser ends on (or its code): ")
		} else {
			fmt.Fprintln(a.stderr(), "Reading the redirect address (or the code) from stdin.")
		}
		code, err = a.readPastedCode(waitCtx, state)
	case waitCallbackOrPaste:
		fmt.Fprintf(a.stderr(), "After approving, your browser goes to %s: if that fails (another computer), paste the address here and press Enter.\n", callbackBase(l.redirectURI))
		code, err = a.waitCodeOrPaste(waitCtx, receiver, state)
	default:
		fmt.Fprintf(a.stderr(), "Waiting for approval in the browser (Ctrl-C to stop).\n")
		code, err = receiver.Wait(waitCtx)
	}
	switch {
	case errors.Is(err, loopback.ErrDenied):
		return &deniedError{fmt.Sprintf("login: access was denied on Jira's consent page; nothing was saved: run '%s' again and press Allow", a.command("login --oauth2"))}
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("login: no approval within %s; nothing was saved: run '%s' again", opts.Wait, a.command("login --oauth2"))
	case err != nil:
		return fmt.Errorf("login: %w", err)
	}
	a.secrets.add(code)
	issued := a.now()
	tok, err := client.Exchange(ctx, code, verifier)
	if err != nil {
		return a.oauth2Err(err)
	}
	return a.saveOAuth2Login(ctx, cfg, l, true, tok, issued)
}

// runLoginClientCredentials is login --client-credentials: a service
// account's token (Jira 11), no browser, no refresh token.
func runLoginClientCredentials(ctx context.Context, opts *loginOptions) error {
	a := opts.app
	cfg, l, client, err := a.prepareOAuth2Login(ctx, opts, false)
	if err != nil {
		return err
	}
	issued := a.now()
	tok, err := client.ClientCredentials(ctx)
	if err != nil {
		return a.oauth2Err(err)
	}
	return a.saveOAuth2Login(ctx, cfg, l, false, tok, issued)
}

// oauth2Err gives an OAuth 2.0 refusal the user's command lines.
func (a *app) oauth2Err(err error) error {
	var oe *oauth.OAuth2Error
	if errors.As(err, &oe) {
		oe.Command = a.command
	}
	return err
}

// saveOAuth2Login saves the link and the tokens login got, with
// auth_method oauth2.
func (a *app) saveOAuth2Login(ctx context.Context, cfg *config.File, l oauth2Link, withRedirect bool, tok *oauth.OAuth2Token, issued time.Time) error {
	a.secrets.add(tok.AccessToken)
	a.secrets.add(tok.RefreshToken)
	if err := checkOAuth2Token("login", tok); err != nil {
		return err
	}
	values := append(l.settings(withRedirect), oauth2TokenSettings(tok, issued)...)
	jiraHome := cfg.Get(config.KeyJiraHome)
	if err := a.saveIssued(ctx, "login", values, func(f *config.File) error {
		return sameJiraHome("login", jiraHome, f)
	}); err != nil {
		return wrapOp("login", err)
	}
	expiry := "no expiry given by Jira"
	if tok.ExpiresIn > 0 {
		expiry = "expires " + issued.Add(tok.ExpiresIn).UTC().Format(time.RFC3339)
	}
	refresh := "no refresh token: run login --client-credentials again when it expires (commands do it for you)"
	if tok.RefreshToken != "" {
		refresh = "refreshed automatically"
	}
	fmt.Fprintf(a.stderr(), "Logged in with OAuth 2.0 (scope %s): token saved in %s (%s; %s); auth_method is oauth2. Try: %s\n",
		l.scope, cfg.Path(), expiry, refresh, config.Command(cfg.Path(), "whoami"))
	return nil
}

// readPastedCode reads one pasted line: the redirect address or the code.
func (a *app) readPastedCode(ctx context.Context, state string) (string, error) {
	for {
		line, err := readLine(ctx, a.env.Stdin)
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		code, problem, cerr := pastedCode(line, state)
		switch {
		case cerr != nil:
			return "", cerr
		case code != "":
			return code, nil
		case problem != "" && errors.Is(err, io.EOF):
			return "", errors.New(problem)
		case errors.Is(err, io.EOF):
			return "", errors.New("nothing pasted on stdin: paste the address your browser ends on after approving, or its code")
		case problem != "":
			fmt.Fprintf(a.stderr(), "login: %s\n", problem)
		}
	}
}

// waitCodeOrPaste waits for the redirect, or for the address pasted on
// stdin.
func (a *app) waitCodeOrPaste(ctx context.Context, receiver *loopback.CodeReceiver, state string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 2)
	go func() {
		c, err := receiver.Wait(ctx)
		done <- result{c, err}
	}()
	go func() {
		sc := bufio.NewScanner(io.LimitReader(a.env.Stdin, 1<<20))
		for sc.Scan() {
			code, problem, err := pastedCode(sc.Text(), state)
			if problem != "" {
				fmt.Fprintf(a.stderr(), "login: %s\n", problem)
				continue
			}
			if code != "" || err != nil {
				done <- result{code, err}
				return
			}
		}
	}()
	res := <-done
	return res.code, res.err
}

// pastedCode reads a pasted line: the whole redirect address (its state
// must be this login's) or just the code. All results are empty for an
// empty line.
func pastedCode(line, state string) (code, problem string, err error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return "", "", nil
	}
	if !strings.Contains(line, "://") && !strings.Contains(line, "code=") && !strings.Contains(line, "error=") {
		if strings.ContainsAny(line, " \t?&=/") {
			return "", "that is not a code or an address: paste the whole address your browser shows after you approve", nil
		}
		return line, "", nil
	}
	query := line
	if u, perr := url.Parse(line); perr == nil && u.RawQuery != "" {
		query = u.RawQuery
	} else if _, q, ok := strings.Cut(line, "?"); ok {
		query = q
	}
	values, perr := url.ParseQuery(query)
	if perr != nil {
		return "", "cannot read that address: paste it whole, as your browser shows it", nil
	}
	return loopback.CodeFromQuery(values, state)
}
