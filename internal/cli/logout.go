package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

type logoutOptions struct {
	app *app
}

func newCmdLogout(a *app, runF func(*logoutOptions) error) *cobra.Command {
	opts := &logoutOptions{app: a}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the OAuth 2.0 tokens and the personal access token at Jira, and forget them",
		Long: `Revoke at Jira what the config holds, then remove it from the config:
the OAuth 2.0 refresh and access tokens (POST /rest/oauth2/latest/revoke)
and the personal access token named by pat_id (DELETE
/rest/pat/latest/tokens/ID). The link's settings (oauth2_client_id and
the others) stay, so login --oauth2 works again.

Jira offers no revocation of an OAuth 1.0a access token over its API:
logout keeps it and says so (revoke it in Jira under your profile's
OAuth access tokens). If Jira cannot be reached or refuses, nothing is
removed from the config.`,
		Example: `  jira-oauth logout`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runLogout(cmd.Context(), opts)
		},
	}
	return cmd
}

func runLogout(ctx context.Context, opts *logoutOptions) error {
	a := opts.app
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if _, err := cfg.AuthMethod(); err != nil {
		return err
	}
	if err := a.checkSave(ctx, "logout"); err != nil {
		return err
	}
	var done []string
	var forget []string
	// The PAT first, with the config's credential (it may be the OAuth 2.0
	// token revoked next).
	if id := token(cfg, config.KeyPATID); id != "" && token(cfg, config.KeyPAT) != "" {
		s, err := a.restSession()
		if err != nil {
			return err
		}
		if err := s.revokePAT(ctx, "logout", id); err != nil {
			return err
		}
		done = append(done, "the personal access token (id "+id+")")
		forget = append(forget, config.KeyPAT, config.KeyPATID, config.KeyPATExpiresAt)
	} else if token(cfg, config.KeyPAT) != "" {
		fmt.Fprintf(a.stderr(), "logout: pat has no pat_id, so it cannot be revoked here: revoke it in Jira (Profile > Personal Access Tokens); it is removed from %s\n", cfg.Path())
		forget = append(forget, config.KeyPAT, config.KeyPATExpiresAt)
	}
	access, refresh := token(cfg, config.KeyOAuth2AccessToken), token(cfg, config.KeyOAuth2RefreshToken)
	if access != "" || refresh != "" {
		client, err := a.oauth2Client(cfg)
		if err != nil {
			return err
		}
		// The refresh token first: Jira then kills its access token too.
		if refresh != "" {
			if err := client.Revoke(ctx, refresh, "refresh_token"); err != nil {
				return a.oauth2Err(err)
			}
		}
		if access != "" {
			if err := client.Revoke(ctx, access, "access_token"); err != nil {
				return a.oauth2Err(err)
			}
		}
		done = append(done, "the OAuth 2.0 tokens")
		forget = append(forget, config.KeyOAuth2AccessToken, config.KeyOAuth2RefreshToken, config.KeyOAuth2ExpiresAt)
	}
	if len(forget) > 0 {
		if err := a.update(ctx, false, func(f *config.File) error {
			for _, k := range forget {
				f.Delete(k)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("logout: Jira revoked %s, but %w", strings.Join(done, " and "), err)
		}
	}
	switch {
	case len(done) > 0:
		fmt.Fprintf(a.stderr(), "Revoked at Jira and removed from %s: %s.\n", cfg.Path(), strings.Join(done, " and "))
	case len(forget) == 0:
		fmt.Fprintf(a.stderr(), "No OAuth 2.0 or personal access token in %s: nothing to revoke.\n", cfg.Path())
	}
	if token(cfg, config.KeyAccessToken) != "" {
		fmt.Fprintf(a.stderr(), "The OAuth 1.0a access token stays in %s: Jira cannot revoke it over its API (revoke it under your profile's OAuth access tokens in Jira).\n", cfg.Path())
	}
	return nil
}
