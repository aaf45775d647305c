package jiratest

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Jira Data Center's OAuth 2.0 lifetimes (Atlassian: "Jira OAuth 2.0
// provider API"): an access token lasts an hour, a refresh token 90 days
// from the user's approval (rotation does not extend it), and an
// authorization code must be exchanged within 10 minutes.
const (
	oauth2AccessTTL  = time.Hour
	oauth2RefreshTTL = 90 * 24 * time.Hour
	oauth2CodeTTL    = 10 * time.Minute
)

// OAuth2Client is an OAuth 2.0 incoming application link (Jira: Administration
// > Applications > Application links > Create link > External application,
// Incoming), or with ServiceAccount set, a Jira 11 service account's
// credentials.
type OAuth2Client struct {
	// ID and Secret are the client_id and client_secret Jira generated.
	ID, Secret string
	// Name is shown on the consent page; "" means ID.
	Name string
	// RedirectURIs are the registered redirect URLs. An authorize request's
	// redirect_uri must equal one of them exactly, port included. Each must
	// be an absolute https URL or an http URL whose host is exactly
	// "localhost" (not 127.0.0.1), without a fragment.
	RedirectURIs []string
	// ServiceAccount, when set, lets the client use
	// grant_type=client_credentials; its tokens act as this user. Clients
	// without it get unauthorized_client for that grant.
	ServiceAccount string
}

// errRedirectURI is AddOAuth2Client's refusal of a redirect URI.
var errRedirectURI = errors.New("jiratest: a redirect URI must be an absolute https URL, or http with the host localhost, without a fragment")

// scopeRank orders Jira DC's scopes: each includes those of lower rank.
// It returns 0 for anything else (Cloud scopes such as read:jira-work,
// several scopes, lower case).
func scopeRank(scope string) int {
	switch scope {
	case "READ":
		return 1
	case "WRITE":
		return 2
	case "ADMIN":
		return 3
	case "SYSTEM_ADMIN":
		return 4
	}
	return 0
}

// CheckRedirectURI applies Jira's rule for a registered redirect URI: an
// absolute https URL, or http with the host exactly "localhost" (not
// 127.0.0.1 or ::1), without a fragment or user info.
func CheckRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(raw, "#") || u.User != nil {
		return errRedirectURI
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if u.Hostname() == "localhost" {
			return nil
		}
	}
	return errRedirectURI
}

// AddOAuth2Client registers an OAuth 2.0 client (replacing one with the same
// ID). Like Jira's admin page, it refuses a client without an ID or secret
// and a redirect URI that is not https or http://localhost[:port]/...; a
// client must have a redirect URI unless it is a service account.
func (p *Provider) AddOAuth2Client(c OAuth2Client) error {
	if c.ID == "" || c.Secret == "" {
		return errors.New("jiratest: an OAuth 2.0 client needs an ID and a secret")
	}
	if len(c.RedirectURIs) == 0 && c.ServiceAccount == "" {
		return errors.New("jiratest: an OAuth 2.0 client needs a redirect URI")
	}
	for _, u := range c.RedirectURIs {
		if err := CheckRedirectURI(u); err != nil {
			return err
		}
	}
	c.RedirectURIs = append([]string(nil), c.RedirectURIs...)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.o2.clients[c.ID] = &c
	return nil
}

// oauth2State is the provider's OAuth 2.0 and personal access token state,
// guarded by Provider.mu.
type oauth2State struct {
	clients map[string]*OAuth2Client
	codes   map[string]*authCode
	access  map[string]*o2Access  // by access token
	refresh map[string]*o2Refresh // by refresh token
	pats    []*pat
	nextPAT int
	// refreshCalls counts grant_type=refresh_token requests (RefreshCount).
	refreshCalls int
	// hold, when not nil, holds the answers to refresh grants until it is
	// closed; held counts them (HoldRefreshes).
	hold chan struct{}
	held *sync.WaitGroup
}

func newOAuth2State() oauth2State {
	return oauth2State{
		clients: map[string]*OAuth2Client{},
		codes:   map[string]*authCode{},
		access:  map[string]*o2Access{},
		refresh: map[string]*o2Refresh{},
		nextPAT: 1,
	}
}

// authCode is an authorization code waiting for its token request.
type authCode struct {
	clientID, redirectURI, scope string
	challenge                    string // S256 code_challenge, "" without PKCE
	user                         string
	issued                       time.Time
	used                         bool
	// refresh is the refresh token the code was exchanged for, revoked if
	// the code is presented again (RFC 6749 section 4.1.2).
	refresh string
}

// o2Access is an OAuth 2.0 access token.
type o2Access struct {
	clientID, user, scope string
	expires               time.Time
	revoked               bool
	refresh               string // its refresh token, "" for client credentials
}

// o2Refresh is an OAuth 2.0 refresh token.
type o2Refresh struct {
	clientID, user, scope, redirectURI string
	expires                            time.Time // approval + 90 days
	revoked                            bool
	access                             string // the access token issued with it
}

func (a *o2Access) live(now time.Time) bool  { return !a.revoked && now.Before(a.expires) }
func (r *o2Refresh) live(now time.Time) bool { return !r.revoked && now.Before(r.expires) }

// RefreshCount is how many grant_type=refresh_token requests from an
// authenticated client the token endpoint has received, successful or not
// (a client that refreshes twice burns a rotated token). Requests refused
// as invalid_client, such as a doctor's check of the secret, are not
// counted.
func (p *Provider) RefreshCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.o2.refreshCalls
}

// HoldRefreshes makes the token endpoint hold its answer to every
// successful refresh_token grant, once the pair is rotated, until
// ReleaseRefreshes: a Jira whose answer is slow to arrive, so that a test
// can cancel the client after Jira rotated the pair (real Jira rotates
// whether or not the answer reaches the client).
func (p *Provider) HoldRefreshes() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.o2.hold == nil {
		p.o2.hold, p.o2.held = make(chan struct{}), &sync.WaitGroup{}
	}
}

// ReleaseRefreshes sends the answers HoldRefreshes held and returns once
// they are written (to clients that may have gone).
func (p *Provider) ReleaseRefreshes() {
	p.mu.Lock()
	hold, held := p.o2.hold, p.o2.held
	p.o2.hold, p.o2.held = nil, nil
	p.mu.Unlock()
	if hold != nil {
		close(hold)
		held.Wait()
	}
}

// holdRefresh is called with a refresh grant's answer ready: it returns
// at once unless HoldRefreshes is on, and then a done func to call once
// the answer is written.
func (p *Provider) holdRefresh() (done func()) {
	p.mu.Lock()
	hold, held := p.o2.hold, p.o2.held
	if held != nil {
		held.Add(1)
	}
	p.mu.Unlock()
	if hold == nil {
		return func() {}
	}
	<-hold
	return held.Done
}

// LiveOAuth2Tokens is how many OAuth 2.0 access and refresh tokens are
// neither expired nor revoked.
func (p *Provider) LiveOAuth2Tokens() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.nowLocked()
	n := 0
	for _, a := range p.o2.access {
		if a.live(now) {
			n++
		}
	}
	for _, r := range p.o2.refresh {
		if r.live(now) {
			n++
		}
	}
	return n
}

// oauth2Error is an OAuth 2.0 error answer (RFC 6749 section 5.2).
type oauth2Error struct {
	status            int
	code, description string
}

func (e *oauth2Error) write(w http.ResponseWriter) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="OAuth2 Client"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.description})
}

func badRequest(code, description string) *oauth2Error {
	return &oauth2Error{status: http.StatusBadRequest, code: code, description: description}
}

// authenticateClient checks the client's id and secret, sent in the form
// (client_secret_post) or as HTTP Basic (client_secret_basic), on every
// token and revoke request.
func (p *Provider) authenticateClient(r *http.Request, form url.Values) (*OAuth2Client, *oauth2Error) {
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		if (id != "" && id != bid) || (secret != "" && secret != bsecret) {
			return nil, badRequest("invalid_request", "The client credentials in the Authorization header and the body differ.")
		}
		id, secret = bid, bsecret
	}
	invalid := &oauth2Error{status: http.StatusUnauthorized, code: "invalid_client", description: "Client authentication failed."}
	if id == "" || secret == "" {
		return nil, invalid
	}
	p.mu.Lock()
	c := p.o2.clients[id]
	p.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, invalid
	}
	return c, nil
}

// readOAuth2Form reads a token or revoke request body. Jira's endpoints
// take only application/x-www-form-urlencoded; anything else (a JSON body
// above all) fails inside Jira with HTTP 500.
func readOAuth2Form(w http.ResponseWriter, req *request) (url.Values, bool) {
	if req.r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return nil, false
	}
	form, err := url.ParseQuery(string(req.body))
	if !isFormBody(req.r) || err != nil {
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<html><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>\n"))
		return nil, false
	}
	for k, v := range form {
		if len(v) > 1 {
			badRequest("invalid_request", "The parameter "+k+" is repeated.").write(w)
			return nil, false
		}
	}
	return form, true
}
