package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Jira Data Center's OAuth 2.0 endpoints (incoming links, Jira 8.22+),
// relative to jira_home.
const (
	oauth2AuthorizePath = "/rest/oauth2/latest/authorize"
	oauth2TokenPath     = "/rest/oauth2/latest/token"
	oauth2RevokePath    = "/rest/oauth2/latest/revoke"
)

// Operation names of OAuth 2.0 errors.
const (
	OpOAuth2Login   = "oauth2 login"
	OpOAuth2Refresh = "oauth2 refresh"
	OpOAuth2Revoke  = "oauth2 revoke"
)

// OAuth2 talks OAuth 2.0 to Jira Data Center's provider: authorization
// code with PKCE (S256), refresh (with rotation) and client credentials.
// Jira checks the client secret on every token request and wants the
// redirect URI on refreshes too; bodies are form-encoded (a JSON body
// gets a 500).
type OAuth2 struct {
	JiraHome     *url.URL
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scope        string
	HTTP         *http.Client // nil: http.DefaultClient's settings
	Trace        io.Writer    // --verbose; nil = off; never receives secrets
}

// OAuth2Token is what Jira's token endpoint answers.
type OAuth2Token struct {
	AccessToken  string
	RefreshToken string // "" for client credentials
	TokenType    string
	ExpiresIn    time.Duration // 0 when Jira did not say
	Scope        string
}

// OAuth2Error is Jira's OAuth 2.0 provider refusing a request
// ({"error","error_description"}), or an answer that is not one.
type OAuth2Error struct {
	Op          string
	StatusCode  int
	Code        string // invalid_grant, invalid_client, invalid_scope, access_denied, ...
	Description string
	// Command, if set, is the command line that runs args on the user's
	// config, for the advice.
	Command func(args string) string
}

func (e *OAuth2Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": Jira refused")
	if e.Code != "" {
		fmt.Fprintf(&b, " with %s", e.Code)
	} else {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, " (%s)", oneLineText(e.Description))
	}
	if advice := e.Advice(); advice != "" {
		b.WriteString(": ")
		b.WriteString(advice)
	}
	return b.String()
}

// cmd is the command line the advice names.
func (e *OAuth2Error) cmd(args string) string {
	if e.Command != nil {
		return e.Command(args)
	}
	return "jira-oauth " + args
}

// Advice says what Code usually means and what to check.
func (e *OAuth2Error) Advice() string {
	switch e.Code {
	case "invalid_grant":
		if e.Op == OpOAuth2Refresh {
			return "the refresh token was used already (refresh tokens rotate: another job refreshed it and saved nothing?), revoked, or older than 90 days; run '" + e.cmd("login --oauth2") + "'"
		}
		return "the code expired, was used already, or the PKCE verifier or redirect URI do not match; run '" + e.cmd("login --oauth2") + "' again"
	case "invalid_client":
		return "check oauth2_client_id and oauth2_client_secret against Jira's incoming link (Administration > Applications > Application links)"
	case "invalid_scope":
		return "oauth2_scope must be READ, WRITE, ADMIN or SYSTEM_ADMIN, and not above what the link allows"
	case "access_denied":
		return "the approval was denied in Jira; run '" + e.cmd("login --oauth2") + "' and press Allow"
	case "invalid_request":
		return "check oauth2_redirect_uri: it must equal the link's redirect URL exactly, port included"
	case "unauthorized_client", "unsupported_grant_type":
		return "the incoming link does not allow this grant (client credentials need a Jira 11 service account)"
	}
	if e.StatusCode == http.StatusNotFound {
		return "is jira_home right, and is Jira 8.22 or later (OAuth 2.0 incoming links)?"
	}
	return ""
}

// oneLineText keeps s on one line, printable and short.
func oneLineText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// NewPKCE returns a PKCE verifier (RFC 7636, 43 characters) and its S256
// challenge.
func NewPKCE() (verifier, challenge string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	return verifier, PKCEChallenge(verifier), nil
}

// PKCEChallenge is the S256 challenge of verifier.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewState returns a random state parameter (hex).
func NewState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// AuthCodeURL is the consent page for state and the PKCE challenge.
func (c *OAuth2) AuthCodeURL(state, challenge string) string {
	q := url.Values{
		"client_id":             {c.ClientID},
		"redirect_uri":          {c.RedirectURI},
		"response_type":         {"code"},
		"scope":                 {c.Scope},
		"state":                 {state},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	return c.endpoint(oauth2AuthorizePath) + "?" + q.Encode()
}

// Exchange trades an authorization code and its PKCE verifier for tokens.
func (c *OAuth2) Exchange(ctx context.Context, code, verifier string) (*OAuth2Token, error) {
	return c.token(ctx, OpOAuth2Login, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"code_verifier": {verifier},
		"redirect_uri":  {c.RedirectURI},
	})
}

// Refresh trades a refresh token for a new pair. The old pair is dead
// once Jira answers: never call it twice with the same token.
func (c *OAuth2) Refresh(ctx context.Context, refreshToken string) (*OAuth2Token, error) {
	return c.token(ctx, OpOAuth2Refresh, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"redirect_uri":  {c.RedirectURI},
	})
}

// ClientCredentials gets a token for a service account (Jira 11).
func (c *OAuth2) ClientCredentials(ctx context.Context) (*OAuth2Token, error) {
	return c.token(ctx, OpOAuth2Login, url.Values{
		"grant_type": {"client_credentials"},
		"scope":      {c.Scope},
	})
}

// Revoke revokes token (an access or refresh token) at Jira.
func (c *OAuth2) Revoke(ctx context.Context, token, hint string) error {
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	_, _, err := c.post(ctx, OpOAuth2Revoke, oauth2RevokePath, form)
	return err
}

// token posts form to the token endpoint and reads the token answer.
func (c *OAuth2) token(ctx context.Context, op string, form url.Values) (*OAuth2Token, error) {
	status, body, err := c.post(ctx, op, oauth2TokenPath, form)
	if err != nil {
		return nil, err
	}
	var t struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		TokenType    string          `json:"token_type"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
		Scope        string          `json:"scope"`
	}
	if json.Unmarshal(body, &t) != nil || t.AccessToken == "" {
		return nil, &OAuth2Error{Op: op, StatusCode: status, Description: "the answer holds no access_token: is jira_home Jira's base URL?"}
	}
	tok := &OAuth2Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType, Scope: t.Scope}
	tok.ExpiresIn = seconds(strings.Trim(string(t.ExpiresIn), `"`))
	return tok, nil
}

// post sends form with the client's credentials (Jira checks the secret
// on every token request) and returns a 2xx answer's body.
func (c *OAuth2) post(ctx context.Context, op, path string, form url.Values) (int, []byte, error) {
	if c.JiraHome == nil {
		return 0, nil, fmt.Errorf("%s: no jira_home", op)
	}
	form.Set("client_id", c.ClientID)
	form.Set("client_secret", c.ClientSecret)
	u := c.endpoint(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.Trace != nil {
		fmt.Fprintf(c.Trace, "> POST %s (grant %s; client secret and tokens not shown)\n", u, form.Get("grant_type"))
	}
	hc := http.Client{}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return 0, nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		return 0, nil, &NetworkError{Op: op, URL: u, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, &NetworkError{Op: op, URL: u, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if c.Trace != nil {
		fmt.Fprintf(c.Trace, "< %s (%d bytes; not shown: it may hold tokens)\n", resp.Status, len(body))
	}
	if resp.StatusCode/100 != 2 {
		e := &OAuth2Error{Op: op, StatusCode: resp.StatusCode}
		var j struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &j) == nil {
			e.Code, e.Description = oneLineText(j.Error), j.Description
		}
		return resp.StatusCode, nil, e
	}
	return resp.StatusCode, body, nil
}

// endpoint returns jira_home + path.
func (c *OAuth2) endpoint(path string) string {
	u := *c.JiraHome
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath, u.RawQuery, u.Fragment, u.User = "", "", "", nil
	return u.String()
}
