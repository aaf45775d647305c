package jiratest

import "net/http"

// serveOAuth2Revoke is POST /rest/oauth2/latest/revoke (RFC 7009): form
// token=...; the client authenticated as at the token endpoint. Revoking an
// access token kills it; revoking a refresh token kills it and the access
// token issued with it. An unknown or already dead token is answered 200,
// as RFC 7009 asks; another client's token is refused and left alone.
func (p *Provider) serveOAuth2Revoke(w http.ResponseWriter, req *request) {
	form, ok := readOAuth2Form(w, req)
	if !ok {
		return
	}
	client, e := p.authenticateClient(req.r, form)
	if e != nil {
		e.write(w)
		return
	}
	tok := form.Get("token")
	if tok == "" {
		badRequest("invalid_request", "The token parameter is missing.").write(w)
		return
	}
	p.mu.Lock()
	a, r := p.o2.access[tok], p.o2.refresh[tok]
	switch {
	case a != nil && a.clientID != client.ID, r != nil && r.clientID != client.ID:
		p.mu.Unlock()
		badRequest("invalid_request", "The token was not issued to this client.").write(w)
		return
	case a != nil:
		a.revoked = true
	case r != nil:
		p.revokeRefreshLocked(tok)
	}
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
