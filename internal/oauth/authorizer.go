package oauth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Authorizer is how requests to Jira are authorised: an OAuth 1.0a
// signature (SignerAuth), or a bearer token (BearerAuth: an OAuth 2.0
// access token or a personal access token). A command chooses one from
// its config, once; Client and Transport use it without knowing which.
type Authorizer interface {
	// Authorize sets req's Authorization header for one attempt. It
	// returns the OAuth 1.0a signature base string (for traces and
	// signature advice), or "".
	Authorize(ctx context.Context, req *http.Request) (base string, err error)
	// Unauthorized is told that Jira answered 401 to a request Authorize
	// prepared. It reports whether sending it again may succeed (a
	// refreshed token); an error ends the call.
	Unauthorized(ctx context.Context, resp *http.Response) (retry bool, err error)
	// ConsumerKey is the OAuth 1.0a consumer key, for advice; "" for
	// bearer tokens.
	ConsumerKey() string
}

// SignerAuth signs every request with an OAuth 1.0a access token.
type SignerAuth struct {
	Signer      *Signer
	AccessToken string
}

// Authorize signs req (a new nonce and timestamp each time).
func (s *SignerAuth) Authorize(_ context.Context, req *http.Request) (string, error) {
	return s.Signer.Sign(req, map[string]string{"oauth_token": s.AccessToken})
}

// Unauthorized never retries: a refused signature is explained by its
// oauth_problem, and renewing is the user's decision (renew).
func (s *SignerAuth) Unauthorized(context.Context, *http.Response) (bool, error) { return false, nil }

// ConsumerKey is the signer's consumer key.
func (s *SignerAuth) ConsumerKey() string { return s.Signer.ConsumerKey }

// TokenSource supplies bearer tokens, in the spirit of x/oauth2's
// TokenSource: Token returns a valid one (refreshing it first if it
// expired or is about to), Refresh is asked for a new one when Jira
// refused stale with a 401 ("" and nil: there is none).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Refresh(ctx context.Context, stale string) (string, error)
}

// StaticToken is a TokenSource for a token that cannot be refreshed: a
// personal access token, or an OAuth 2.0 token without a refresh token.
type StaticToken string

// Token returns the token.
func (t StaticToken) Token(context.Context) (string, error) { return string(t), nil }

// Refresh has no new token.
func (t StaticToken) Refresh(context.Context, string) (string, error) { return "", nil }

// BearerAuth sends "Authorization: Bearer TOKEN" with the tokens of
// Source. It is safe for concurrent use if Source is.
type BearerAuth struct {
	Source TokenSource
	// What names the token in errors ("the personal access token");
	// Remedy says how to get a new one.
	What, Remedy string
}

// BearerRefusedError is Jira refusing a bearer token with 401 (revoked,
// expired, or unknown), after any refresh.
type BearerRefusedError struct {
	Op, URL      string
	What, Remedy string
}

func (e *BearerRefusedError) Error() string {
	what := e.What
	if what == "" {
		what = "the bearer token"
	}
	s := fmt.Sprintf("%s: Jira refused %s (401 for %s): it was revoked, has expired, or belongs to another Jira", e.Op, what, e.URL)
	if e.Remedy != "" {
		s += "; " + e.Remedy
	}
	return s
}

// Authorize sets the bearer token.
func (b *BearerAuth) Authorize(ctx context.Context, req *http.Request) (string, error) {
	tok, err := b.Source.Token(ctx)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return "", nil
}

// Unauthorized asks Source for a token newer than the one resp's request
// carried. The caller retries at most once: a 401 for a fresh token is
// not about expiry, and refreshing again would burn another rotated
// token.
func (b *BearerAuth) Unauthorized(ctx context.Context, resp *http.Response) (bool, error) {
	var stale string
	if resp != nil && resp.Request != nil {
		stale = strings.TrimPrefix(resp.Request.Header.Get("Authorization"), "Bearer ")
	}
	tok, err := b.Source.Refresh(ctx, stale)
	if err != nil {
		return false, err
	}
	return tok != "" && tok != stale, nil
}

// ConsumerKey is "": a bearer token has no consumer.
func (b *BearerAuth) ConsumerKey() string { return "" }
