package jiratest

import (
	"net/http"
	"net/url"
	"strings"
)

// authorizeParams are the query parameters of an OAuth 2.0 authorize
// request.
type authorizeParams struct {
	client                                   *OAuth2Client
	redirectURI, scope, state, challenge     string
	responseType, challengeMethod            string
	hasChallenge, hasChallengeMethod, hasRTy bool
}

// serveOAuth2Authorize is GET /rest/oauth2/latest/authorize (the consent
// page, or an immediate approval with Options.AutoApprove) and POST of the
// page's form (approve or deny), whose action keeps the query.
//
// As RFC 6749 section 4.1.2.1 requires and Jira does, a request with an
// unknown client_id or a redirect_uri that is not registered gets an error
// page, never a redirect; every other error is sent to the redirect URI as
// error, error_description and state.
func (p *Provider) serveOAuth2Authorize(w http.ResponseWriter, req *request) {
	var approve bool
	switch req.r.Method {
	case http.MethodGet:
		approve = p.opts.AutoApprove
	case http.MethodPost:
		form, ok := consentForm(w, req)
		if !ok {
			return
		}
		approve = form.Has("approve")
	default:
		methodNotAllowed(w, "GET, POST")
		return
	}
	q := req.r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			errorPage(w, http.StatusBadRequest, "The parameter "+k+" is repeated.")
			return
		}
	}
	p.mu.Lock()
	client := p.o2.clients[q.Get("client_id")]
	p.mu.Unlock()
	if client == nil {
		errorPage(w, http.StatusBadRequest, "Invalid client_id: no OAuth 2.0 application link has this client ID.")
		return
	}
	ap := authorizeParams{
		client:      client,
		redirectURI: q.Get("redirect_uri"),
		scope:       q.Get("scope"), state: q.Get("state"),
		responseType: q.Get("response_type"), hasRTy: q.Has("response_type"),
		challenge: q.Get("code_challenge"), hasChallenge: q.Has("code_challenge"),
		challengeMethod: q.Get("code_challenge_method"), hasChallengeMethod: q.Has("code_challenge_method"),
	}
	registered := false
	for _, u := range client.RedirectURIs {
		if u == ap.redirectURI {
			registered = true
		}
	}
	if !registered {
		errorPage(w, http.StatusBadRequest, "Invalid redirect_uri: it must equal a redirect URL registered for this application link exactly.")
		return
	}
	if e := ap.check(); e != nil {
		redirectOAuth2(w, req, ap.redirectURI, "error", e.code, "error_description", e.description, "state", ap.state)
		return
	}
	name := client.Name
	if name == "" {
		name = client.ID
	}
	if req.r.Method == http.MethodGet && !approve {
		writePage(w, http.StatusOK, page{
			Title: "Allow access?", App: name, User: p.opts.User, Form: true, Access: scopeAccess(ap.scope),
			Action: req.r.URL.Path + "?" + req.r.URL.RawQuery,
		})
		return
	}
	if !approve {
		redirectOAuth2(w, req, ap.redirectURI, "error", "access_denied",
			"error_description", "The user denied access.", "state", ap.state)
		return
	}
	code := randomString(32)
	p.mu.Lock()
	p.o2.codes[code] = &authCode{
		clientID: client.ID, redirectURI: ap.redirectURI, scope: ap.scope,
		challenge: ap.challenge, user: p.opts.User, issued: p.nowLocked(),
	}
	p.issuedSecrets = append(p.issuedSecrets, code)
	p.mu.Unlock()
	redirectOAuth2(w, req, ap.redirectURI, "code", code, "state", ap.state)
}

// check applies the rules after client and redirect URI.
func (ap *authorizeParams) check() *oauth2Error {
	if ap.responseType != "code" {
		if !ap.hasRTy {
			return badRequest("invalid_request", "The response_type parameter is missing.")
		}
		return badRequest("unsupported_response_type", "Only response_type=code is supported.")
	}
	if scopeRank(ap.scope) == 0 {
		return badRequest("invalid_scope", "The scope must be one of READ, WRITE, ADMIN, SYSTEM_ADMIN.")
	}
	if ap.hasChallenge || ap.hasChallengeMethod {
		if ap.challengeMethod != "S256" {
			return badRequest("invalid_request", "The code_challenge_method must be S256.")
		}
		if !validChallenge(ap.challenge) {
			return badRequest("invalid_request", "The code_challenge must be the base64url SHA-256 of the code verifier (43 characters).")
		}
	}
	return nil
}

// scopeAccess is what the consent page says a scope allows.
func scopeAccess(scope string) string {
	switch scope {
	case "READ":
		return "read data in Jira (scope READ)"
	case "WRITE":
		return "read and write data in Jira (scope WRITE)"
	case "ADMIN":
		return "read and write data and administer projects in Jira (scope ADMIN)"
	}
	return "read and write data and administer Jira (scope SYSTEM_ADMIN)"
}

// validChallenge: an S256 challenge is 43 base64url characters without
// padding (RFC 7636 section 4.2).
func validChallenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// redirectOAuth2 sends the browser to redirectURI with kv added to its
// query (empty values left out), keeping its own query.
func redirectOAuth2(w http.ResponseWriter, req *request, redirectURI string, kv ...string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
		if strings.HasSuffix(redirectURI, "?") || strings.HasSuffix(redirectURI, "&") {
			sep = ""
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, req.r, redirectURI+sep+v.Encode(), http.StatusFound)
}
