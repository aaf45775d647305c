package oauth

import (
	"context"
	"fmt"
)

// OpRenew names a session renewal in errors.
const OpRenew = "renew"

// Renew swaps a valid access token for a new one of the same session, using
// the oauth_session_handle Jira sent with it (atlassian-oauth's extension of
// RFC 5849). Jira allows it until the session ends
// (oauth_authorization_expires_in); the old token stops working at once.
// Like every token exchange it is never retried.
func (c *Client) Renew(ctx context.Context, accessToken, accessSecret, sessionHandle string) (Credentials, error) {
	if accessToken == "" {
		return Credentials{}, fmt.Errorf("renew: no access token: %s", c.startOver())
	}
	if sessionHandle == "" {
		return Credentials{}, fmt.Errorf("renew: no session handle: Jira did not send oauth_session_handle with this token; %s", c.startOver())
	}
	extra := map[string]string{"oauth_token": accessToken, "oauth_session_handle": sessionHandle}
	v, err := c.exchange(ctx, OpRenew, accessTokenPath, extra, scrubber{accessSecret})
	if err != nil {
		return Credentials{}, err
	}
	return credentials(v), nil
}
