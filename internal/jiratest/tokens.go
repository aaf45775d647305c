package jiratest

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Errors returned by Approve and Deny. They never include token values.
var (
	errUnknownToken = errors.New("jiratest: unknown request token")
	errExpiredToken = errors.New("jiratest: request token has expired")
	errDecided      = errors.New("jiratest: request token was already approved, denied or exchanged")
)

type tokenState int

const (
	statePending tokenState = iota
	stateApproved
	stateDenied
)

type requestToken struct {
	token, secret string
	consumerKey   string
	callback      string // "oob" or an absolute URL
	issued        time.Time
	state         tokenState
	verifier      string
	user          string
}

type accessToken struct {
	token, secret string
	consumerKey   string
	user          string
	sessionHandle string
	issued        time.Time // when this token was issued (or renewed)
	authorized    time.Time // when the user approved: the session starts
}

// randomString returns n characters from [A-Za-z0-9] using crypto/rand.
func randomString(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	return pick(alphabet, n)
}

func pick(alphabet string, n int) string {
	b := make([]byte, n)
	buf := make([]byte, 1)
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic("jiratest: crypto/rand: " + err.Error())
		}
		// rejection sampling keeps the distribution uniform
		if int(buf[0]) >= 256-256%len(alphabet) {
			continue
		}
		b[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(b)
}

// Approve authorizes a pending request token as Options.User, as if the user
// had pressed Allow, and returns the verifier the client must send to the
// access-token endpoint.
func (p *Provider) Approve(requestToken string) (verifier string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt, err := p.pendingLocked(requestToken)
	if err != nil {
		return "", err
	}
	rt.state = stateApproved
	rt.user = p.opts.User
	rt.verifier = randomString(6)
	p.issuedSecrets = append(p.issuedSecrets, rt.verifier)
	return rt.verifier, nil
}

// Deny refuses a pending request token, as if the user had pressed Deny.
func (p *Provider) Deny(requestToken string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt, err := p.pendingLocked(requestToken)
	if err != nil {
		return err
	}
	rt.state = stateDenied
	return nil
}

func (p *Provider) pendingLocked(token string) (*requestToken, error) {
	rt := p.requestTokens[token]
	switch {
	case rt == nil:
		return nil, errUnknownToken
	case p.nowLocked().Sub(rt.issued) > requestTokenTTL:
		return nil, errExpiredToken
	case rt.state != statePending:
		return nil, errDecided
	}
	return rt, nil
}

// serveRequestToken is POST /plugins/servlet/oauth/request-token.
func (p *Provider) serveRequestToken(w http.ResponseWriter, req *request) {
	if req.r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	m, c, prob := p.authenticate(req, []string{"oauth_callback"}, func(m *message, _ *consumer) *problem {
		if _, ok := m.get("oauth_token"); ok {
			return newProblem(problemParameterRejected, "oauth_parameters_rejected", "oauth_token")
		}
		cb, _ := m.get("oauth_callback")
		if !validCallback(cb) {
			return newProblem(problemParameterRejected, "oauth_parameters_rejected", "oauth_callback")
		}
		return nil
	})
	if prob != nil {
		prob.write(w, req.t.origin)
		return
	}
	cb, _ := m.get("oauth_callback")
	rt := &requestToken{
		token:       randomString(32),
		secret:      randomString(32),
		consumerKey: c.key,
		callback:    cb,
	}
	p.mu.Lock()
	rt.issued = p.nowLocked()
	p.requestTokens[rt.token] = rt
	p.issuedSecrets = append(p.issuedSecrets, rt.secret)
	p.mu.Unlock()
	writeForm(w, []param{
		{"oauth_token", rt.token},
		{"oauth_token_secret", rt.secret},
		{"oauth_callback_confirmed", "true"},
	})
}

// validCallback accepts "oob" or an absolute URL.
func validCallback(cb string) bool {
	if cb == "oob" {
		return true
	}
	u, err := url.Parse(cb)
	return err == nil && u.IsAbs() && (u.Host != "" || u.Opaque != "")
}

// serveAccessToken is POST /plugins/servlet/oauth/access-token.
func (p *Provider) serveAccessToken(w http.ResponseWriter, req *request) {
	if req.r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	if m, prob := readMessage(req.r, req.body, req.t.uri); prob == nil {
		if _, renew := m.get("oauth_session_handle"); renew {
			p.serveRenew(w, req)
			return
		}
	}
	m, c, prob := p.authenticate(req, []string{"oauth_token", "oauth_verifier"}, p.knownRequestToken)
	if prob != nil {
		prob.write(w, req.t.origin)
		return
	}
	tok, _ := m.get("oauth_token")
	verifier, _ := m.get("oauth_verifier")

	p.mu.Lock()
	now := p.nowLocked()
	rt := p.requestTokens[tok]
	switch {
	case rt == nil || rt.consumerKey != c.key: // exchanged meanwhile
		prob = newProblem(problemTokenRejected)
	case now.Sub(rt.issued) > requestTokenTTL:
		prob = newProblem(problemTokenExpired)
	case rt.state == statePending:
		prob = newProblem(problemPermissionUnknown)
	case rt.state == stateDenied:
		prob = newProblem(problemPermissionDenied)
	case subtle.ConstantTimeCompare([]byte(verifier), []byte(rt.verifier)) != 1:
		prob = newProblem(problemTokenRejected)
	}
	if prob != nil {
		p.mu.Unlock()
		prob.write(w, req.t.origin)
		return
	}
	delete(p.requestTokens, tok) // a request token is exchanged once
	at := &accessToken{
		token:         randomString(32),
		secret:        randomString(32),
		consumerKey:   c.key,
		user:          rt.user,
		sessionHandle: randomString(32),
		issued:        now,
		authorized:    now,
	}
	p.accessTokens[at.token] = at
	p.issuedSecrets = append(p.issuedSecrets, at.secret)
	p.mu.Unlock()
	writeAccessToken(w, at, now)
}

// writeAccessToken sends a new or renewed access token with its lifetimes.
func writeAccessToken(w http.ResponseWriter, at *accessToken, now time.Time) {
	writeForm(w, []param{
		{"oauth_token", at.token},
		{"oauth_token_secret", at.secret},
		{"oauth_expires_in", strconv.Itoa(int(accessTokenTTL / time.Second))},
		{"oauth_session_handle", at.sessionHandle},
		{"oauth_authorization_expires_in", strconv.Itoa(int(at.authorized.Add(authorizationTTL).Sub(now) / time.Second))},
	})
}

// serveRenew is POST /plugins/servlet/oauth/access-token with
// oauth_session_handle: atlassian-oauth swaps a valid access token of the
// same session for a new one (new token and secret, same session handle)
// until the session (oauth_authorization_expires_in) ends. The old token
// stops working at once.
func (p *Provider) serveRenew(w http.ResponseWriter, req *request) {
	m, c, prob := p.authenticate(req, []string{"oauth_token", "oauth_session_handle"}, p.knownAccessToken)
	if prob != nil {
		prob.write(w, req.t.origin)
		return
	}
	tok, _ := m.get("oauth_token")
	handle, _ := m.get("oauth_session_handle")

	p.mu.Lock()
	now := p.nowLocked()
	old := p.accessTokens[tok]
	switch {
	case old == nil || old.consumerKey != c.key: // renewed meanwhile
		prob = newProblem(problemTokenRejected)
	case subtle.ConstantTimeCompare([]byte(handle), []byte(old.sessionHandle)) != 1:
		prob = newProblem(problemParameterRejected, "oauth_parameters_rejected", "oauth_session_handle")
	case now.Sub(old.authorized) > authorizationTTL:
		prob = newProblem(problemPermissionDenied)
	}
	if prob != nil {
		p.mu.Unlock()
		prob.write(w, req.t.origin)
		return
	}
	delete(p.accessTokens, tok)
	at := &accessToken{
		token:         randomString(32),
		secret:        randomString(32),
		consumerKey:   c.key,
		user:          old.user,
		sessionHandle: old.sessionHandle,
		issued:        now,
		authorized:    old.authorized,
	}
	p.accessTokens[at.token] = at
	p.issuedSecrets = append(p.issuedSecrets, at.secret)
	p.mu.Unlock()
	writeAccessToken(w, at, now)
}

// writeForm sends a successful token response: form-encoded, as text/plain
// (what atlassian-oauth's token servlets send).
func writeForm(w http.ResponseWriter, ps []param) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(formEncode(ps)))
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

// knownRequestToken and knownAccessToken are authenticate's token lookups:
// oauth_token must be a live token of that kind issued to the consumer.
func (p *Provider) knownRequestToken(m *message, c *consumer) *problem {
	tok, _ := m.get("oauth_token")
	p.mu.Lock()
	defer p.mu.Unlock()
	if rt := p.requestTokens[tok]; rt == nil || rt.consumerKey != c.key {
		return newProblem(problemTokenRejected)
	}
	return nil
}

func (p *Provider) knownAccessToken(m *message, c *consumer) *problem {
	tok, _ := m.get("oauth_token")
	p.mu.Lock()
	defer p.mu.Unlock()
	if at := p.accessTokens[tok]; at == nil || at.consumerKey != c.key {
		return newProblem(problemTokenRejected)
	}
	return nil
}
