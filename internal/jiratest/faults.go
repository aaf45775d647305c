package jiratest

import (
	"net/http"
	"strings"
)

// TokenCalls returns how many requests reached the token endpoints
// (request-token and access-token, renewals included) so far, answered or
// not: tests check that a client that cannot save asks Jira for nothing.
func (p *Provider) TokenCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokenCalls
}

// HugeTokenAnswers makes the token endpoints answer every request with a
// token, secret and session handle of n bytes each (0 turns it off), as a
// server that is not Jira (a misconfigured proxy, a hostile host at
// jira_home) might; the OAuth 2.0 token endpoint answers an authenticated
// client with an access and a refresh token of n bytes. Jira's tokens have
// 32 characters. Such an answer changes nothing in the provider: no token
// is issued or consumed.
func (p *Provider) HugeTokenAnswers(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hugeTokens = n
}

// countTokenCall counts a request to a token endpoint and, with
// HugeTokenAnswers on, answers it; it reports whether it did.
func (p *Provider) countTokenCall(w http.ResponseWriter, route string) bool {
	if route != "/plugins/servlet/oauth/request-token" && route != "/plugins/servlet/oauth/access-token" {
		return false
	}
	p.mu.Lock()
	p.tokenCalls++
	n := p.hugeTokens
	p.mu.Unlock()
	if n <= 0 {
		return false
	}
	huge := strings.Repeat("A", n)
	writeForm(w, []param{
		{"oauth_token", huge},
		{"oauth_token_secret", huge},
		{"oauth_callback_confirmed", "true"},
		{"oauth_expires_in", "157680000"},
		{"oauth_session_handle", huge},
		{"oauth_authorization_expires_in", "160833600"},
	})
	return true
}

// hugeOAuth2Answer is HugeTokenAnswers at the OAuth 2.0 token endpoint: it
// answers and reports whether it did.
func (p *Provider) hugeOAuth2Answer(w http.ResponseWriter) bool {
	p.mu.Lock()
	n := p.hugeTokens
	p.mu.Unlock()
	if n <= 0 {
		return false
	}
	huge := strings.Repeat("A", n)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": huge, "refresh_token": huge, "token_type": "bearer", "expires_in": 3600,
	})
	return true
}
