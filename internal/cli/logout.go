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
OAuth access tokens). If Jira cannot be reached or refuses, what it has
not revoked stays in the config: the personal access token leaves it as
soon as Jira revoked it (auth_method pat then becomes oauth2, or oauth1,
for the token that remains), so running logout again finishes the job.`,
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
	// The PAT first, with the config's credential (it may be the OAuth 2.0
	// token revoked next, and refreshing it may save a new pair). Once Jira
	// revoked it, it leaves the config at once: a later failure must not
	// leave the dead PAT as the credential of every later command.
	if id := token(cfg, config.KeyPATID); id != "" && token(cfg, config.KeyPAT) != "" {
		s, err := a.restSession()
		if err != nil {
			return err
		}
		if err := s.revokePAT(ctx, "logout", id); err != nil {
			return err
		}
		what := "the personal access token (id " + id + ")"
		if err := a.update(ctx, false, func(f *config.File) error {
			if token(f, config.KeyPATID) == id {
				forgetPATKeys(f)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("logout: Jira revoked %s, but %w", what, err)
		}
		done = append(done, what)
	}
	// The OAuth 2.0 tokens and a PAT without pat_id, from the config read
	// afresh under its lock: a refresh meanwhile (by the PAT's revocation
	// above, or by another process) saved a new pair, and that is the one
	// to revoke.
	var revoked, patNoID bool
	if token(cfg, config.KeyPAT) != "" || token(cfg, config.KeyOAuth2AccessToken) != "" || token(cfg, config.KeyOAuth2RefreshToken) != "" {
		err = a.update(ctx, false, func(f *config.File) error {
			if token(f, config.KeyPAT) != "" {
				patNoID = true
				forgetPATKeys(f)
			}
			access, refresh := token(f, config.KeyOAuth2AccessToken), token(f, config.KeyOAuth2RefreshToken)
			if access == "" && refresh == "" {
				return nil
			}
			client, err := a.oauth2Client(f)
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
			revoked = true
			f.Delete(config.KeyOAuth2AccessToken)
			f.Delete(config.KeyOAuth2RefreshToken)
			f.Delete(config.KeyOAuth2ExpiresAt)
			return nil
		})
	}
	if revoked {
		done = append(done, "the OAuth 2.0 tokens")
	}
	switch {
	case err != nil && revoked:
		return fmt.Errorf("logout: Jira revoked %s, but %w", strings.Join(done, " and "), err)
	case err != nil && len(done) > 0:
		return fmt.Errorf("logout: Jira revoked %s, which is removed from %s, but the OAuth 2.0 tokens were not revoked: %w", strings.Join(done, " and "), cfg.Path(), err)
	case err != nil:
		return err
	}
	if patNoID {
		fmt.Fprintf(a.stderr(), "logout: pat has no pat_id, so it cannot be revoked here: revoke it in Jira (Profile > Personal Access Tokens); it is removed from %s\n", cfg.Path())
	}
	switch {
	case len(done) > 0:
		fmt.Fprintf(a.stderr(), "Revoked at Jira and removed from %s: %s.\n", cfg.Path(), strings.Join(done, " and "))
	case !patNoID:
		fmt.Fprintf(a.stderr(), "No OAuth 2.0 or personal access token in %s: nothing to revoke.\n", cfg.Path())
	}
	if token(cfg, config.KeyAccessToken) != "" {
		fmt.Fprintf(a.stderr(), "The OAuth 1.0a access token stays in %s: Jira cannot revoke it over its API (revoke it under your profile's OAuth access tokens in Jira).\n", cfg.Path())
	}
	return nil
}

// forgetPATKeys removes the PAT from f; auth_method pat becomes the
// method of a token f still holds (OAuth 2.0, else OAuth 1.0a), so that
// no later command sends a PAT that is gone.
func forgetPATKeys(f *config.File) {
	f.Delete(config.KeyPAT)
	f.Delete(config.KeyPATID)
	f.Delete(config.KeyPATExpiresAt)
	if method, _ := f.AuthMethod(); method != config.AuthPAT {
		return
	}
	switch {
	case token(f, config.KeyOAuth2AccessToken) != "":
		f.Set(config.KeyAuthMethod, config.AuthOAuth2)
	case token(f, config.KeyAccessToken) != "":
		f.Delete(config.KeyAuthMethod)
	}
}
