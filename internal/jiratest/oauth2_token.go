package jiratest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serveOAuth2Token is POST /rest/oauth2/latest/token: form-encoded only,
// the client authenticated on every request, then the grant.
func (p *Provider) serveOAuth2Token(w http.ResponseWriter, req *request) {
	form, ok := readOAuth2Form(w, req)
	if !ok {
		return
	}
	grant := form.Get("grant_type")
	client, e := p.authenticateClient(req.r, form)
	if e != nil {
		e.write(w)
		return
	}
	if grant == "refresh_token" { // counted once the client is known (RefreshCount)
		p.mu.Lock()
		p.o2.refreshCalls++
		p.mu.Unlock()
	}
	if p.hugeOAuth2Answer(w) {
		return
	}
	var answer map[string]any
	switch grant {
	case "authorization_code":
		answer, e = p.grantCode(client, form)
	case "refresh_token":
		answer, e = p.grantRefresh(client, form)
	case "client_credentials":
		answer, e = p.grantClientCredentials(client, form)
	case "":
		e = badRequest("invalid_request", "The grant_type parameter is missing.")
	default:
		e = badRequest("unsupported_grant_type", "The grant_type is not supported.")
	}
	if e != nil {
		e.write(w)
		return
	}
	if grant == "refresh_token" {
		defer p.holdRefresh()() // HoldRefreshes: rotated, answer delayed
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, answer)
}

func invalidGrant(description string) *oauth2Error {
	return badRequest("invalid_grant", description)
}

// grantCode exchanges an authorization code: it must be this client's,
// unused, younger than 10 minutes, with the same redirect_uri, and with
// PKCE the verifier must hash to the challenge. A code presented twice is
// refused and the tokens it gave are revoked.
func (p *Provider) grantCode(client *OAuth2Client, form url.Values) (map[string]any, *oauth2Error) {
	code := form.Get("code")
	if code == "" {
		return nil, badRequest("invalid_request", "The code parameter is missing.")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.nowLocked()
	ac := p.o2.codes[code]
	switch {
	case ac == nil || ac.clientID != client.ID:
		return nil, invalidGrant("The authorization code is invalid.")
	case ac.used:
		p.revokeRefreshLocked(ac.refresh)
		return nil, invalidGrant("The authorization code has already been used.")
	case now.Sub(ac.issued) >= oauth2CodeTTL:
		return nil, invalidGrant("The authorization code has expired.")
	case form.Get("redirect_uri") != ac.redirectURI:
		return nil, invalidGrant("The redirect_uri does not match the one of the authorization request.")
	}
	verifier := form.Get("code_verifier")
	if ac.challenge != "" {
		if verifier == "" {
			return nil, badRequest("invalid_request", "The code_verifier parameter is missing.")
		}
		sum := sha256.Sum256([]byte(verifier))
		want := base64.RawURLEncoding.EncodeToString(sum[:])
		if !validVerifier(verifier) || subtle.ConstantTimeCompare([]byte(want), []byte(ac.challenge)) != 1 {
			return nil, invalidGrant("The code_verifier does not match the code_challenge.")
		}
	} else if verifier != "" {
		return nil, invalidGrant("A code_verifier was sent but the authorization request had no code_challenge.")
	}
	ac.used = true
	answer := p.issueTokensLocked(client.ID, ac.user, ac.scope, ac.redirectURI, now.Add(oauth2RefreshTTL), true)
	ac.refresh, _ = answer["refresh_token"].(string)
	return answer, nil
}

// validVerifier: 43 to 128 unreserved characters (RFC 7636 section 4.1).
func validVerifier(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return false
		}
	}
	return true
}

// grantRefresh rotates a refresh token: it must be this client's, live,
// and come with the redirect_uri of the original authorization. Using it
// revokes it and its access token; the new refresh token keeps the
// original 90-day limit. Of two concurrent refreshes of one token, the
// second gets invalid_grant.
func (p *Provider) grantRefresh(client *OAuth2Client, form url.Values) (map[string]any, *oauth2Error) {
	tok := form.Get("refresh_token")
	if tok == "" {
		return nil, badRequest("invalid_request", "The refresh_token parameter is missing.")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.nowLocked()
	rt := p.o2.refresh[tok]
	switch {
	case rt == nil || rt.clientID != client.ID:
		return nil, invalidGrant("The refresh token is invalid.")
	case rt.revoked:
		return nil, invalidGrant("The refresh token has been used or revoked.")
	case !now.Before(rt.expires):
		return nil, invalidGrant("The refresh token has expired.")
	case !form.Has("redirect_uri"):
		return nil, badRequest("invalid_request", "The redirect_uri parameter is missing.")
	case form.Get("redirect_uri") != rt.redirectURI:
		return nil, invalidGrant("The redirect_uri does not match the one of the authorization request.")
	}
	if s := form.Get("scope"); form.Has("scope") && s != rt.scope {
		return nil, badRequest("invalid_scope", "A refresh may not change the scope.")
	}
	p.revokeRefreshLocked(tok)
	return p.issueTokensLocked(client.ID, rt.user, rt.scope, rt.redirectURI, rt.expires, true), nil
}

// grantClientCredentials issues a service account's access token: no
// refresh token, one scope required.
func (p *Provider) grantClientCredentials(client *OAuth2Client, form url.Values) (map[string]any, *oauth2Error) {
	if client.ServiceAccount == "" {
		return nil, badRequest("unauthorized_client", "This client is not a service account and may not use client_credentials.")
	}
	scope := form.Get("scope")
	if scopeRank(scope) == 0 {
		return nil, badRequest("invalid_scope", "The scope must be one of READ, WRITE, ADMIN, SYSTEM_ADMIN.")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.issueTokensLocked(client.ID, client.ServiceAccount, scope, "", time.Time{}, false), nil
}

// issueTokensLocked creates an access token (and, if withRefresh, a refresh
// token that dies at refreshExpires) and returns the token answer.
func (p *Provider) issueTokensLocked(clientID, user, scope, redirectURI string, refreshExpires time.Time, withRefresh bool) map[string]any {
	now := p.nowLocked()
	access := randomString(40)
	a := &o2Access{clientID: clientID, user: user, scope: scope, expires: now.Add(oauth2AccessTTL)}
	p.o2.access[access] = a
	p.issuedSecrets = append(p.issuedSecrets, access)
	answer := map[string]any{
		"access_token": access,
		"token_type":   "bearer",
		"expires_in":   int(oauth2AccessTTL / time.Second),
		"scope":        scope,
	}
	if withRefresh {
		refresh := randomString(40)
		a.refresh = refresh
		p.o2.refresh[refresh] = &o2Refresh{
			clientID: clientID, user: user, scope: scope, redirectURI: redirectURI,
			expires: refreshExpires, access: access,
		}
		p.issuedSecrets = append(p.issuedSecrets, refresh)
		answer["refresh_token"] = refresh
	}
	return answer
}

// revokeRefreshLocked revokes a refresh token and its access token.
func (p *Provider) revokeRefreshLocked(tok string) {
	rt := p.o2.refresh[tok]
	if rt == nil {
		return
	}
	rt.revoked = true
	if a := p.o2.access[rt.access]; a != nil {
		a.revoked = true
	}
}
