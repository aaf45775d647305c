package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

type accessTokenOptions struct {
	app *app

	Verifier string
}

func newCmdAccessToken(a *app, runF func(*accessTokenOptions) error) *cobra.Command {
	opts := &accessTokenOptions{app: a}
	cmd := &cobra.Command{
		Use:     "accessToken CODE",
		Aliases: []string{"access-token"},
		Short:   "Exchange the approved request token for an access token",
		Long: `Exchange the request token saved by requestToken, approved in the browser,
for an access token. CODE is the verification code Jira showed (or the
oauth_verifier of the callback). Saves access_token, secret (the access
token secret), when the token expires and the session handle.`,
		Example: `  jira-oauth accessToken 4Lq0Ut`,
		Args:    exactArgs(1, "one argument, the verification code Jira showed after approval"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Verifier = strings.TrimSpace(args[0])
			if opts.Verifier == "" {
				return usageErrorf("the verification code is empty; give the code Jira showed after approval")
			}
			if runF != nil {
				return runF(opts)
			}
			return runAccessToken(cmd, opts)
		},
	}
	return cmd
}

// deniedVerifier is what Jira puts in oauth_verifier when the user denies
// access (it is not a secret, and exchanging it cannot succeed).
const deniedVerifier = "denied"

func runAccessToken(cmd *cobra.Command, opts *accessTokenOptions) error {
	a := opts.app
	if opts.Verifier == deniedVerifier {
		return &deniedError{fmt.Sprintf("access token: the verification code is \"denied\": the user denied access on Jira's authorize page; run '%s' (or step by step: '%s', approve, '%s'), and press Allow",
			a.command("login"), a.command("requestToken"), a.command("accessToken CODE"))}
	}
	a.secrets.add(opts.Verifier)
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	requestToken := token(cfg, config.KeyRequestToken)
	if requestToken == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeyRequestToken, Err: config.ErrNotSet}
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return err
	}
	if err := a.checkSave(cmd.Context(), "access token"); err != nil {
		return err
	}
	issued := a.now()
	creds, err := client.AccessToken(cmd.Context(), requestToken, cfg.Get(config.KeyRequestTokenSecret), opts.Verifier)
	if err != nil {
		return err
	}
	a.secrets.add(creds.Secret)
	if err := checkCredentials("access token", creds); err != nil {
		return err
	}
	jiraHome := cfg.Get(config.KeyJiraHome)
	err = a.saveIssued(cmd.Context(), "access token", accessTokenSettings(creds, issued, jiraHome), func(f *config.File) error {
		if err := sameJiraHome("access token", jiraHome, f); err != nil {
			return err
		}
		// A request token is single-use: once exchanged it only misleads.
		// A different one was saved meanwhile by another requestToken:
		// that dance is still going on, so keep it.
		if token(f, config.KeyRequestToken) == requestToken {
			f.Delete(config.KeyRequestToken)
			f.Delete(config.KeyRequestTokenSecret)
			f.Delete(config.KeyRequestTokenIssuedAt)
		}
		return nil
	})
	if err != nil {
		return wrapOp("access token", err)
	}
	expiry := "no expiry given by Jira"
	if creds.ExpiresIn > 0 {
		expiry = "expires " + issued.Add(creds.ExpiresIn).UTC().Format(time.DateOnly)
	}
	fmt.Fprintf(a.stderr(), "Access token saved in %s (%s). Try: %s\n", cfg.Path(), expiry, config.Command(cfg.Path(), "request /rest/api/2/myself"))
	return nil
}

// accessTokenSettings records a new access token, when it and its session
// expire, and the jira_home it came from; keys Jira did not send are
// removed rather than left stale.
func accessTokenSettings(creds oauth.Credentials, issued time.Time, jiraHome string) settings {
	s := settings{
		{config.KeyAccessToken, creds.Token},
		{config.KeySecret, creds.Secret},
		{config.KeyAccessTokenIssuedAt, formatTime(issued)},
		{config.KeyAccessTokenExpiresAt, ""},
		{config.KeySessionHandle, creds.SessionHandle},
		{config.KeySessionExpiresAt, ""},
		{config.KeyAccessTokenJiraHome, strings.TrimSpace(jiraHome)},
	}
	if creds.ExpiresIn > 0 {
		s[3].value = formatTime(issued.Add(creds.ExpiresIn))
	}
	if creds.AuthorizationExpiresIn > 0 {
		s[5].value = formatTime(issued.Add(creds.AuthorizationExpiresIn))
	}
	return s
}

// sameJiraHome refuses to save a token that came from jira_home from in a
// config whose jira_home changed meanwhile (f is read afresh under the
// lock): the token belongs to the other server.
func sameJiraHome(op, from string, f *config.File) error {
	now := f.Get(config.KeyJiraHome)
	if strings.TrimSpace(now) == strings.TrimSpace(from) {
		return nil
	}
	return &config.Error{Path: f.Path(), Key: config.KeyJiraHome,
		Err: fmt.Errorf("changed from %s to %s while %s ran, so the token from the old server was not saved: run '%s' again", strings.TrimSpace(from), strings.TrimSpace(now), op, config.Command(f.Path(), "login"))}
}

// wrapOp prefixes err with op unless it already names it.
func wrapOp(op string, err error) error {
	if strings.HasPrefix(err.Error(), op+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
