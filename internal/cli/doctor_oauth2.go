package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// doctorProbeToken is the token doctor asks Jira to revoke to learn
// whether it accepts the client's credentials: no token has this value,
// and Jira answers 200 for an unknown token (RFC 7009) once the client
// is authenticated, invalid_client otherwise.
const doctorProbeToken = "jira-oauth-doctor-probe-not-a-token"

// doctorBearer runs doctor's checks of an OAuth 2.0 link or a PAT, then
// the access check with the token.
func doctorBearer(ctx context.Context, a *app, cfg *config.File, home *url.URL, method string, c *checklist) error {
	ok := true
	if method == config.AuthOAuth2 {
		ok = doctorOAuth2(ctx, a, cfg, home, c)
	} else {
		now := a.now()
		r := &statusReport{}
		if err := bearerStatus(cfg, r, now); err != nil {
			c.fail("pat", err.Error())
			ok = false
		} else {
			detail := "present"
			if id := token(cfg, config.KeyPATID); id != "" {
				detail += ", id " + id
			}
			if r.PAT.ExpiresAt != "" {
				detail += ", expires " + r.PAT.ExpiresAt
			}
			c.pass("pat", detail)
		}
	}
	if !ok {
		c.skip("access", "fix the checks above first")
		return nil
	}
	client, err := a.authClient(cfg)
	if err != nil {
		c.fail("access", err.Error())
		return nil
	}
	s := &restSession{cfg: cfg, client: client}
	user, err := s.myself(ctx, "access")
	if err != nil {
		c.fail("access", err.Error())
		return nil
	}
	c.pass("access", fmt.Sprintf("the %s acts as %s", map[string]string{config.AuthOAuth2: "OAuth 2.0 token", config.AuthPAT: "personal access token"}[method], user.Name))
	return nil
}

// doctorOAuth2 checks an OAuth 2.0 link; it reports whether the access
// check can follow.
func doctorOAuth2(ctx context.Context, a *app, cfg *config.File, home *url.URL, c *checklist) bool {
	ok := true
	serviceAccount := token(cfg, config.KeyOAuth2RedirectURI) == "" && token(cfg, config.KeyOAuth2RefreshToken) == ""
	switch {
	case home.Scheme == "https":
		c.pass("https", "jira_home is https, as Jira's consent page requires")
	case isLoopbackHost(home.Hostname()):
		c.pass("https", "jira_home is plain http on a loopback address (a test instance); a real Jira needs https for the consent page")
	case serviceAccount:
		c.pass("https", "plain http, but a service account needs no consent page (tokens still travel in clear: use https)")
	default:
		c.fail("https", fmt.Sprintf("jira_home %s is plain http: Jira's OAuth 2.0 consent page requires https; set jira_home to Jira's https base URL", home.Redacted()))
		ok = false
	}
	if !serviceAccount {
		if uri, err := cfg.OAuth2RedirectURI(); err != nil {
			c.fail("redirect", err.Error())
			ok = false
		} else {
			c.pass("redirect", uri+" (it must equal the link's redirect URL exactly, port included)")
		}
	}
	scope, err := cfg.OAuth2Scope()
	if err != nil {
		c.fail("scope", err.Error())
		ok = false
	} else {
		c.pass("scope", scope)
	}
	client, err := a.oauth2Client(cfg)
	switch {
	case err != nil:
		c.fail("client", err.Error())
		return false
	case client.ClientID == "":
		c.fail("client", cfg.NotSet(config.KeyOAuth2ClientID).Error())
		return false
	case client.ClientSecret == "":
		c.fail("client", cfg.NotSet(config.KeyOAuth2ClientSecret).Error())
		return false
	}
	client.Trace = nil
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Revoke(pctx, doctorProbeToken, "access_token"); err != nil {
		var oe *oauth.OAuth2Error
		if errors.As(err, &oe) {
			oe.Command = a.command
		}
		c.fail("client", err.Error())
		return false
	}
	c.pass("client", fmt.Sprintf("Jira accepts client id %q and its secret", client.ClientID))
	return ok
}

// isLoopbackHost reports whether host is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
