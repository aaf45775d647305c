package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
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
	if token(cfg, config.KeyAccessToken) == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken, Err: config.ErrNotSet}
	}
	if token(cfg, config.KeySessionHandle) == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeySessionHandle,
			Err: fmt.Errorf("is not set, so the access token cannot be renewed (Jira sent no oauth_session_handle with it): run '%s'", config.Command(cfg.Path(), "login"))}
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return err
	}
	issued := a.now()
	creds, err := client.Renew(ctx, token(cfg, config.KeyAccessToken), cfg.Get(config.KeySecret), token(cfg, config.KeySessionHandle))
	if err != nil {
		return err
	}
	a.secrets.add(creds.Secret)
	if creds.SessionHandle == "" {
		// Jira keeps the session; an answer without the handle does not end it.
		creds.SessionHandle = token(cfg, config.KeySessionHandle)
	}
	err = a.update(ctx, false, func(f *config.File) error {
		saveAccessToken(f, creds, issued)
		return nil
	})
	if err != nil {
		return fmt.Errorf("renew: Jira renewed the token but it could not be saved, and the old one no longer works (%w): run login", err)
	}
	fmt.Fprintf(a.stderr(), "Access token renewed and saved in %s (%s).\n", cfg.Path(), expiryText(creds, issued))
	return nil
}
