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
	issued := a.now()
	creds, err := client.AccessToken(cmd.Context(), requestToken, cfg.Get(config.KeyRequestTokenSecret), opts.Verifier)
	if err != nil {
		return err
	}
	a.secrets.add(creds.Secret)
	err = a.update(cmd.Context(), false, func(f *config.File) error {
		saveAccessToken(f, creds, issued)
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
		return fmt.Errorf("access token: %w", err)
	}
	expiry := "no expiry given by Jira"
	if creds.ExpiresIn > 0 {
		expiry = "expires " + issued.Add(creds.ExpiresIn).UTC().Format(time.DateOnly)
	}
	fmt.Fprintf(a.stderr(), "Access token saved in %s (%s). Try: %s\n", cfg.Path(), expiry, config.Command(cfg.Path(), "request /rest/api/2/myself"))
	return nil
}

// saveAccessToken records a new access token and when it and its session
// expire; keys Jira did not send are removed rather than left stale.
func saveAccessToken(cfg *config.File, creds oauth.Credentials, issued time.Time) {
	cfg.Set(config.KeyAccessToken, creds.Token)
	cfg.Set(config.KeySecret, creds.Secret)
	cfg.Set(config.KeyAccessTokenIssuedAt, formatTime(issued))
	setOrDelete(cfg, config.KeyAccessTokenExpiresAt, creds.ExpiresIn > 0, func() string { return formatTime(issued.Add(creds.ExpiresIn)) })
	setOrDelete(cfg, config.KeySessionHandle, creds.SessionHandle != "", func() string { return creds.SessionHandle })
	setOrDelete(cfg, config.KeySessionExpiresAt, creds.AuthorizationExpiresIn > 0, func() string { return formatTime(issued.Add(creds.AuthorizationExpiresIn)) })
}

func setOrDelete(cfg *config.File, key string, set bool, value func() string) {
	if set {
		cfg.Set(key, value())
	} else {
		cfg.Delete(key)
	}
}
