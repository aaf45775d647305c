package jiratest

import (
	"net/http"
	"strings"
)

// bearerToken returns the token of an `Authorization: Bearer TOKEN`
// header, and whether the request has one.
func bearerToken(r *http.Request) (string, bool) {
	for _, h := range r.Header.Values("Authorization") {
		scheme, rest, _ := strings.Cut(strings.TrimLeft(h, " \t"), " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// bearerUser authenticates a REST call that carries a Bearer token: a live
// OAuth 2.0 access token or a live personal access token. Anything else (an
// unknown, expired or revoked token) is refused with 401 and
// `WWW-Authenticate: Bearer realm="...", error="invalid_token"` (RFC 6750),
// with Jira's "not authenticated" body. An OAuth 2.0 token whose scope is
// READ may only read (GET, HEAD, and POST /rest/api/2/search); anything
// else needs WRITE or above and is refused with 403. A PAT acts with the
// user's own permissions.
func (p *Provider) bearerUser(w http.ResponseWriter, req *request, tok string) (user string, ok bool) {
	p.mu.Lock()
	now := p.nowLocked()
	scope := ""
	if a := p.o2.access[tok]; a != nil && a.live(now) {
		user, scope = a.user, a.scope
	} else if t := p.patByRawLocked(tok); t != nil && t.live(now) {
		user = t.user
	}
	p.mu.Unlock()
	if user == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+req.t.origin+`", error="invalid_token", error_description="The access token is invalid, expired or revoked"`)
		writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return "", false
	}
	if scope != "" && scopeRank(scope) < scopeRank("WRITE") && !readOnlyCall(req) {
		w.Header().Set("X-AUSERNAME", user)
		writeRESTError(w, http.StatusForbidden,
			"The OAuth 2.0 access token has the scope "+scope+", which does not allow this request: it needs WRITE.")
		return "", false
	}
	return user, true
}

// readOnlyCall reports whether a REST call only reads, as Jira's READ scope
// allows.
func readOnlyCall(req *request) bool {
	switch req.r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	case http.MethodPost:
		return req.t.route == "/rest/api/2/search"
	}
	return false
}
