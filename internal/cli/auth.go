package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// How a command authorises its calls is chosen once, here, from
// auth_method: an OAuth 1.0a signature, an OAuth 2.0 access token (which
// refreshes itself, single-flight across processes) or a personal access
// token. request, whoami, comment, status, doctor, proxy and pat use the
// client authClient returns and never look at the method.

// refreshEarly is how long before its expiry an OAuth 2.0 access token is
// refreshed rather than sent.
const refreshEarly = 60 * time.Second

// authClient returns the client that makes cfg's REST calls, with the
// Authorizer of its auth_method; an error names what the config lacks.
func (a *app) authClient(cfg *config.File) (*oauth.Client, error) {
	method, err := cfg.AuthMethod()
	if err != nil {
		return nil, err
	}
	switch method {
	case config.AuthPAT:
		pat := token(cfg, config.KeyPAT)
		if pat == "" {
			return nil, cfg.NotSet(config.KeyPAT)
		}
		client, err := a.bearerClient(cfg)
		if err != nil {
			return nil, err
		}
		client.Auth = &oauth.BearerAuth{Source: oauth.StaticToken(pat), What: "the personal access token (pat)",
			Remedy: "make a new one with '" + config.Command(cfg.Path(), "pat create --name NAME") + "'"}
		return client, nil
	case config.AuthOAuth2:
		if token(cfg, config.KeyOAuth2AccessToken) == "" {
			return nil, cfg.NotSet(config.KeyOAuth2AccessToken)
		}
		client, err := a.bearerClient(cfg)
		if err != nil {
			return nil, err
		}
		client.Auth = &oauth.BearerAuth{Source: a.oauth2Source(cfg), What: "the OAuth 2.0 access token",
			Remedy: "run '" + config.Command(cfg.Path(), oauth2LoginArgs(cfg)) + "'"}
		return client, nil
	}
	accessToken := token(cfg, config.KeyAccessToken)
	if accessToken == "" {
		return nil, cfg.NotSet(config.KeyAccessToken)
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return nil, err
	}
	client.Auth = &oauth.SignerAuth{Signer: client.Signer, AccessToken: accessToken}
	return client, nil
}

// bearerClient is the REST client of a bearer token: jira_home, the HTTP
// settings, the trace and the retries of oauthClient, without a signer.
func (a *app) bearerClient(cfg *config.File) (*oauth.Client, error) {
	home, err := cfg.JiraHome()
	if err != nil {
		return nil, err
	}
	httpClient, err := a.httpClient(cfg)
	if err != nil {
		return nil, err
	}
	client := &oauth.Client{JiraHome: home, HTTP: httpClient, Command: a.command}
	if a.verbose {
		client.Trace = a.secrets.writer(termsafe.Writer(a.env.Stderr))
	}
	client.Retry = oauth.DefaultRetry()
	client.Retry.Notify = func(line string) {
		fmt.Fprintf(a.secrets.writer(a.stderr()), "jira-oauth: %s\n", termsafe.String(line))
	}
	return client, nil
}

// oauth2Client is the OAuth 2.0 token client of the link in cfg.
func (a *app) oauth2Client(cfg *config.File) (*oauth.OAuth2, error) {
	home, err := cfg.JiraHome()
	if err != nil {
		return nil, err
	}
	scope, err := cfg.OAuth2Scope()
	if err != nil {
		return nil, err
	}
	httpClient, err := a.httpClient(cfg)
	if err != nil {
		return nil, err
	}
	c := &oauth.OAuth2{
		JiraHome:     home,
		ClientID:     strings.TrimSpace(cfg.Get(config.KeyOAuth2ClientID)),
		ClientSecret: strings.TrimSpace(cfg.Get(config.KeyOAuth2ClientSecret)),
		RedirectURI:  strings.TrimSpace(cfg.Get(config.KeyOAuth2RedirectURI)),
		Scope:        scope,
		HTTP:         httpClient,
	}
	if a.verbose {
		c.Trace = a.secrets.writer(termsafe.Writer(a.env.Stderr))
	}
	return c, nil
}

// oauth2Source is the TokenSource of an OAuth 2.0 link: the saved access
// token while it is valid, else one refreshed single-flight (refresh).
type oauth2Source struct {
	a *app

	mu      sync.Mutex
	access  string
	expires time.Time // zero: unknown, trusted until Jira says 401
	cfg     *config.File
	// mustSave: a token that cannot be saved is an error (renew), not
	// one kept in memory (a service account's).
	mustSave bool
}

// oauth2Source starts from the token in cfg.
func (a *app) oauth2Source(cfg *config.File) *oauth2Source {
	s := &oauth2Source{a: a, cfg: cfg, access: token(cfg, config.KeyOAuth2AccessToken)}
	s.expires, _ = time.Parse(time.RFC3339, token(cfg, config.KeyOAuth2ExpiresAt))
	return s
}

// Token returns the access token, refreshed first when it expires within
// refreshEarly.
func (s *oauth2Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	access, expires := s.access, s.expires
	s.mu.Unlock()
	if expires.IsZero() || s.a.now().Add(refreshEarly).Before(expires) {
		return access, nil
	}
	return s.Refresh(ctx, access)
}

// Refresh replaces stale, single-flight across processes: under the
// config's lock it reads the config afresh; if another process saved a
// newer token meanwhile, that one is used; otherwise Jira is asked once,
// and the rotated pair is saved before it is used (a recovery file if
// the save fails). A refresh is never retried: a second try would burn
// the rotated token.
func (s *oauth2Source) Refresh(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access != stale {
		return s.access, nil // this process refreshed meanwhile
	}
	a := s.a
	if a.checkSavable("refresh") != nil {
		if isServiceAccount(s.cfg) {
			// Credentials from the environment (CI): a service account's
			// token rotates nothing, so a new one in memory will do.
			return s.clientCredentialsInMemory(ctx)
		}
		return "", a.unsavableRefreshErr()
	}
	var (
		values    settings
		refreshed bool
		fresh     string
		expires   time.Time
		// reached: the config was read under its lock; unsavable: its
		// save check failed (Jira not asked either way).
		reached, unsavable bool
	)
	err := a.update(ctx, false, func(f *config.File) error {
		reached = true
		if method, _ := f.AuthMethod(); method != config.AuthOAuth2 {
			return &config.Error{Path: f.Path(), Key: config.KeyAuthMethod, Err: errors.New("changed while this command ran: run it again")}
		}
		saved := token(f, config.KeyOAuth2AccessToken)
		savedExp, _ := time.Parse(time.RFC3339, token(f, config.KeyOAuth2ExpiresAt))
		if saved != "" && saved != stale && (savedExp.IsZero() || a.now().Add(refreshEarly).Before(savedExp)) {
			fresh, expires = saved, savedExp // another process refreshed
			return errUnchanged
		}
		refresh := token(f, config.KeyOAuth2RefreshToken)
		serviceAccount := isServiceAccount(f)
		if refresh == "" && !serviceAccount {
			return &config.Error{Path: f.Path(), Key: config.KeyOAuth2AccessToken,
				Err: fmt.Errorf("has expired and there is no oauth2_refresh_token to renew it: run '%s'", config.Command(f.Path(), oauth2LoginArgs(f)))}
		}
		if err := f.CheckSave(); err != nil {
			unsavable = true
			return notAskedErr("refresh", err)
		}
		client, err := a.oauth2Client(f)
		if err != nil {
			return err
		}
		client.Trace = nil
		// Once asked, Jira rotates the pair whether or not its answer
		// arrives: Ctrl-C, SIGTERM or a proxy's caller going away must
		// not drop it. The exchange runs to its end, bounded by
		// --timeout, and the save after it ignores ctx.
		xctx := context.WithoutCancel(ctx)
		if a.timeout > 0 {
			var cancel context.CancelFunc
			xctx, cancel = context.WithTimeout(xctx, a.timeout)
			defer cancel()
		}
		issued := a.now()
		var tok *oauth.OAuth2Token
		if serviceAccount {
			tok, err = client.ClientCredentials(xctx) // a service account just asks again
		} else {
			tok, err = client.Refresh(xctx, refresh)
		}
		if err != nil {
			var oe *oauth.OAuth2Error
			if errors.As(err, &oe) {
				oe.Command = a.command
			}
			return err
		}
		a.secrets.add(tok.AccessToken)
		a.secrets.add(tok.RefreshToken)
		if err := checkOAuth2Token("refresh", tok); err != nil {
			if serviceAccount {
				return err // nothing rotates: the next command asks again
			}
			return fmt.Errorf("%w; if Jira did refresh the token, the old one no longer works: run '%s'", err, config.Command(f.Path(), oauth2LoginArgs(f)))
		}
		if tok.RefreshToken == "" && !serviceAccount {
			tok.RefreshToken = refresh // Jira rotates; keep the old one if it did not
		}
		values = oauth2TokenSettings(tok, issued)
		values.apply(f)
		refreshed = true
		fresh = tok.AccessToken
		expires, _ = time.Parse(time.RFC3339, oauth2ExpiresAt(tok, issued))
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
	case err != nil && refreshed:
		// The old pair is dead: keep the new one for the rest of this
		// process (a proxy), whatever became of the save.
		s.access, s.expires = fresh, expires
		return "", a.recoverIssued("refresh", values, err)
	case err != nil && (unsavable || !reached) && ctx.Err() == nil && !s.mustSave && isServiceAccount(s.cfg):
		// A service account's config that cannot be saved (read-only,
		// locked out): its token rotates nothing, so a new one in memory
		// will do, as with keys from the environment.
		return s.clientCredentialsInMemory(ctx)
	case err != nil:
		return "", err
	}
	s.access, s.expires = fresh, expires
	return fresh, nil
}

// unsavableRefreshErr is an OAuth 2.0 access token that expired while the
// config cannot be saved (keys from the environment, --config -): a
// refresh would rotate the refresh token, and the rotated one would be
// lost, so none is attempted.
func (a *app) unsavableRefreshErr() error {
	where, again := "the environment (JIRA_OAUTH_* variables)", "export it again ('jira-oauth export')"
	if a.configPath == stdinConfig {
		where, again = "stdin (--config - is never written)", "pass it again"
	}
	return &config.Error{Path: a.configPath, Key: config.KeyOAuth2AccessToken, Err: fmt.Errorf(
		"has expired, and refreshing it rotates the refresh token, which cannot be saved to %s: refresh it with the config file ('jira-oauth --config FILE renew') and %s, or in CI use a personal access token or a service account (login --client-credentials)",
		where, again)}
}

// errUnchanged ends an update without saving: nothing changed.
var errUnchanged = errors.New("unchanged")

// oauth2LoginArgs is the login command that gets a new OAuth 2.0 token
// for f: client credentials when f has no refresh token and no redirect
// URI (a service account).
func oauth2LoginArgs(f *config.File) string {
	if token(f, config.KeyOAuth2RedirectURI) == "" {
		return "login --client-credentials"
	}
	return "login --oauth2"
}

// oauth2ExpiresAt is when tok expires, RFC 3339 UTC; "" when Jira did
// not say.
func oauth2ExpiresAt(tok *oauth.OAuth2Token, issued time.Time) string {
	if tok.ExpiresIn <= 0 {
		return ""
	}
	return issued.Add(tok.ExpiresIn).UTC().Format(time.RFC3339)
}

// oauth2TokenSettings are the keys saved for tok: auth_method oauth2 and
// the token pair (an empty refresh token removes the saved one).
func oauth2TokenSettings(tok *oauth.OAuth2Token, issued time.Time) settings {
	return settings{
		{config.KeyAuthMethod, config.AuthOAuth2},
		{config.KeyOAuth2AccessToken, tok.AccessToken},
		{config.KeyOAuth2RefreshToken, tok.RefreshToken},
		{config.KeyOAuth2ExpiresAt, oauth2ExpiresAt(tok, issued)},
	}
}

// checkOAuth2Token is checkIssued for an OAuth 2.0 token answer. Jira's
// OAuth 2.0 tokens are longer than 1.0a's but far below maxTokenLen.
func checkOAuth2Token(op string, tok *oauth.OAuth2Token) error {
	values := []issuedValue{{"access_token", tok.AccessToken}}
	if tok.RefreshToken != "" {
		values = append(values, issuedValue{"refresh_token", tok.RefreshToken})
	}
	return checkIssued(op, values, map[string]time.Duration{"oauth_expires_in": tok.ExpiresIn})
}

// renewOAuth2 is renew for OAuth 2.0: a refresh now, single-flight as
// any other (a service account asks for a new token).
func (a *app) renewOAuth2(ctx context.Context, cfg *config.File) error {
	access := token(cfg, config.KeyOAuth2AccessToken)
	if access == "" {
		return cfg.NotSet(config.KeyOAuth2AccessToken)
	}
	if _, err := a.oauth2Client(cfg); err != nil {
		return err
	}
	s := a.oauth2Source(cfg)
	s.mustSave = true
	fresh, err := s.Refresh(ctx, access)
	if err != nil {
		return err
	}
	expiry := "no expiry given by Jira"
	if !s.expires.IsZero() {
		expiry = "expires " + s.expires.UTC().Format(time.RFC3339)
	}
	if fresh == access {
		fmt.Fprintf(a.stderr(), "The OAuth 2.0 access token in %s is still the one in use (%s).\n", cfg.Path(), expiry)
		return nil
	}
	fmt.Fprintf(a.stderr(), "OAuth 2.0 access token refreshed and saved in %s (%s).\n", cfg.Path(), expiry)
	return nil
}

// bearerStatus fills in status's report on the OAuth 2.0 token and the
// PAT of cfg, and returns why the one auth_method uses is not usable.
func bearerStatus(cfg *config.File, r *statusReport, now time.Time) error {
	expiry := func(key string) (string, bool) {
		at := token(cfg, key)
		t, err := time.Parse(time.RFC3339, at)
		return at, err == nil && now.After(t)
	}
	if token(cfg, config.KeyOAuth2AccessToken) != "" {
		at, expired := expiry(config.KeyOAuth2ExpiresAt)
		renewable := token(cfg, config.KeyOAuth2RefreshToken) != "" ||
			(token(cfg, config.KeyOAuth2RedirectURI) == "" && token(cfg, config.KeyOAuth2ClientSecret) != "")
		r.OAuth2 = &tokenStatus{Present: true, ExpiresAt: at, Expired: expired, Renewable: renewable}
	}
	if token(cfg, config.KeyPAT) != "" {
		at, expired := expiry(config.KeyPATExpiresAt)
		r.PAT = &tokenStatus{Present: true, ExpiresAt: at, Expired: expired}
	}
	switch method, _ := cfg.AuthMethod(); {
	case method == config.AuthOAuth2 && r.OAuth2 == nil:
		return cfg.NotSet(config.KeyOAuth2AccessToken)
	case method == config.AuthOAuth2 && r.OAuth2.Expired && !r.OAuth2.Renewable:
		return &config.Error{Path: cfg.Path(), Key: config.KeyOAuth2AccessToken,
			Err: fmt.Errorf("expired on %s and cannot be refreshed: run '%s'", r.OAuth2.ExpiresAt, config.Command(cfg.Path(), oauth2LoginArgs(cfg)))}
	case method == config.AuthPAT && r.PAT == nil:
		return cfg.NotSet(config.KeyPAT)
	case method == config.AuthPAT && r.PAT.Expired:
		return &config.Error{Path: cfg.Path(), Key: config.KeyPAT,
			Err: fmt.Errorf("expired on %s: make a new one with '%s'", r.PAT.ExpiresAt, config.Command(cfg.Path(), "pat create --name NAME"))}
	}
	return nil
}

// isServiceAccount reports whether f holds a service account's link
// (client credentials): a client id and secret, no refresh token and no
// redirect URI.
func isServiceAccount(f *config.File) bool {
	return token(f, config.KeyOAuth2RefreshToken) == "" && token(f, config.KeyOAuth2RedirectURI) == "" &&
		token(f, config.KeyOAuth2ClientID) != "" && token(f, config.KeyOAuth2ClientSecret) != ""
}

// clientCredentialsInMemory gets a service account a new token without
// saving it (the caller holds s.mu).
func (s *oauth2Source) clientCredentialsInMemory(ctx context.Context) (string, error) {
	client, err := s.a.oauth2Client(s.cfg)
	if err != nil {
		return "", err
	}
	client.Trace = nil
	issued := s.a.now()
	tok, err := client.ClientCredentials(ctx)
	if err != nil {
		return "", s.a.oauth2Err(err)
	}
	s.a.secrets.add(tok.AccessToken)
	if err := checkOAuth2Token("refresh", tok); err != nil {
		return "", err
	}
	s.access, s.expires = tok.AccessToken, time.Time{}
	if tok.ExpiresIn > 0 {
		s.expires = issued.Add(tok.ExpiresIn)
	}
	return s.access, nil
}
