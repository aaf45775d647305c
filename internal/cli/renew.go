package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

type renewOptions struct {
	app *app
}

func newCmdRenew(a *app, runF func(*renewOptions) error) *cobra.Command {
	opts := &renewOptions{app: a}
	cmd := &cobra.Command{
		Use:   "renew",
		Short: "Swap the access token for a new one with the saved session handle",
		Long: `Renew the access token without a browser: Jira swaps it for a new token of
the same session when the request carries the session_handle it sent with
the token (oauth_session_handle). This works until the session expires
(session_expires_at); after that, run login again. The old token stops
working at once, and the new one is saved.`,
		Example: `  jira-oauth renew`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runRenew(cmd.Context(), opts)
		},
	}
	return cmd
}

func runRenew(ctx context.Context, opts *renewOptions) error {
	a := opts.app
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	switch method, err := cfg.AuthMethod(); {
	case err != nil:
		return err
	case method == config.AuthOAuth2:
		return a.renewOAuth2(ctx, cfg) // auth.go
	case method == config.AuthPAT:
		return &config.Error{Path: cfg.Path(), Key: config.KeyAuthMethod,
			Err: fmt.Errorf("is pat: a personal access token cannot be renewed; make a new one with '%s'", config.Command(cfg.Path(), "pat create --name NAME"))}
	}
	if err := renewable(cfg); err != nil {
		return err
	}
	if _, err := a.oauthClient(cfg); err != nil {
		return err
	}
	// Read, renew and save under one lock: a second renew waits and then
	// renews the token this one saved, instead of the one Jira just
	// retired. The lock is taken only once the config is known to be
	// usable, and the save is proven possible before Jira is asked.
	var (
		creds     oauth.Credentials
		issued    time.Time
		values    settings
		exchanged bool
	)
	err = a.update(ctx, false, func(f *config.File) error {
		if err := f.CheckSave(); err != nil {
			return notAskedErr("renew", err)
		}
		if err := renewable(f); err != nil {
			return err
		}
		client, err := a.oauthClient(f)
		if err != nil {
			return err
		}
		issued = a.now()
		creds, err = client.Renew(ctx, token(f, config.KeyAccessToken), f.Get(config.KeySecret), token(f, config.KeySessionHandle))
		if err != nil {
			return err
		}
		a.secrets.add(creds.Secret)
		if creds.SessionHandle == "" {
			// Jira keeps the session; an answer without the handle does not end it.
			creds.SessionHandle = token(f, config.KeySessionHandle)
		}
		if err := checkCredentials("renew", creds); err != nil {
			return fmt.Errorf("%w; if Jira did renew the token, the old one no longer works: run '%s'", err, config.Command(f.Path(), "login"))
		}
		// The token comes from the server the old one came from.
		home := f.Get(config.KeyAccessTokenJiraHome)
		if home == "" {
			home = f.Get(config.KeyJiraHome)
		}
		values = accessTokenSettings(creds, issued, home)
		values.apply(f)
		exchanged = true
		return nil
	})
	if err != nil && exchanged {
		return a.recoverIssued("renew", values, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr(), "Access token renewed and saved in %s (%s).\n", cfg.Path(), expiryText(creds, issued))
	return nil
}

// renewable checks that cfg holds what renew needs: an access token and
// its session handle.
func renewable(cfg *config.File) error {
	if token(cfg, config.KeyAccessToken) == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken, Err: config.ErrNotSet}
	}
	if token(cfg, config.KeySessionHandle) == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeySessionHandle,
			Err: fmt.Errorf("is not set, so the access token cannot be renewed (Jira sent no oauth_session_handle with it): run '%s'", config.Command(cfg.Path(), "login"))}
	}
	return nil
}
