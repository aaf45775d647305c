package jiratest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	o2ID       = "client-1"
	o2Secret   = "secret-1"
	o2Redirect = "http://localhost:8765/callback"
	o2SAID     = "svc-1"
	o2SASecret = "svc-secret-1"
	// o2Verifier is a valid PKCE code verifier (43 characters).
	o2Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

func o2Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// newO2Env is newEnv with an OAuth 2.0 client and a service account.
func newO2Env(t testing.TB, opts Options) *env {
	t.Helper()
	opts.OAuth2Clients = append(opts.OAuth2Clients,
		OAuth2Client{ID: o2ID, Secret: o2Secret, Name: "Test O2", RedirectURIs: []string{o2Redirect}},
		OAuth2Client{ID: o2SAID, Secret: o2SASecret, ServiceAccount: "ci-bot"})
	return newEnv(t, opts)
}

// authorizeQuery is a valid authorize request's query.
func authorizeQuery() url.Values {
	return url.Values{
		"client_id": {o2ID}, "redirect_uri": {o2Redirect}, "response_type": {"code"},
		"scope": {"WRITE"}, "state": {"st4te"},
		"code_challenge": {o2Challenge(o2Verifier)}, "code_challenge_method": {"S256"},
	}
}

func (e *env) get(t testing.TB, path string, q url.Values) response {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, e.url(path)+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, nil, r)
}

func (e *env) post(t testing.TB, path, ctype, body string, mod func(*http.Request)) response {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, e.url(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if mod != nil {
		mod(r)
	}
	return do(t, nil, r)
}

// press submits the consent page for q with the button "approve" or "deny".
func (e *env) press(t testing.TB, q url.Values, button string) response {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, e.url("/rest/oauth2/latest/authorize")+"?"+q.Encode(),
		strings.NewReader(url.Values{button: {"x"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, nil, r)
}

// redirected checks a 302 to the registered redirect URI and returns its
// query.
func redirected(t testing.TB, res response) url.Values {
	t.Helper()
	loc := res.header.Get("Location")
	if res.status != http.StatusFound || !strings.HasPrefix(loc, o2Redirect+"?") {
		t.Fatalf("got %d Location %q; want 302 to %s?...", res.status, loc, o2Redirect)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// code runs the consent and returns an authorization code for q.
func (e *env) code(t testing.TB, q url.Values) string {
	t.Helper()
	got := redirected(t, e.press(t, q, "approve"))
	if got.Get("state") != q.Get("state") || got.Get("code") == "" {
		t.Fatalf("redirect query %v; want code and state %q", got, q.Get("state"))
	}
	return got.Get("code")
}

func (e *env) token(t testing.TB, form url.Values) response {
	t.Helper()
	return e.post(t, "/rest/oauth2/latest/token", "application/x-www-form-urlencoded", form.Encode(), nil)
}

func codeForm(code string) url.Values {
	return url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {o2Redirect},
		"code_verifier": {o2Verifier}, "client_id": {o2ID}, "client_secret": {o2Secret},
	}
}

func refreshForm(refresh string) url.Values {
	return url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "redirect_uri": {o2Redirect},
		"client_id": {o2ID}, "client_secret": {o2Secret},
	}
}

type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

func wantTokens(t testing.TB, res response) tokenAnswer {
	t.Helper()
	var a tokenAnswer
	if res.status != http.StatusOK {
		t.Fatalf("token: %d %s; want 200", res.status, res.body)
	}
	if err := json.Unmarshal([]byte(res.body), &a); err != nil {
		t.Fatal(err)
	}
	if a.AccessToken == "" || a.TokenType != "bearer" || a.ExpiresIn != 3600 {
		t.Fatalf("token answer %s", res.body)
	}
	return a
}

// wantO2Error checks an OAuth 2.0 JSON error answer.
func wantO2Error(t testing.TB, res response, status int, code string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal([]byte(res.body), &e); err != nil || res.status != status || e.Error != code || e.Description == "" {
		t.Fatalf("got %d %s; want %d error %q with a description", res.status, res.body, status, code)
	}
}

// login2 returns the tokens of a full authorization-code login.
func (e *env) login2(t testing.TB) tokenAnswer {
	t.Helper()
	return wantTokens(t, e.token(t, codeForm(e.code(t, authorizeQuery()))))
}

func (e *env) bearer(t testing.TB, method, path, tok, body string) response {
	t.Helper()
	r, err := http.NewRequest(method, e.url(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return do(t, nil, r)
}

func TestOAuth2CodeFlow(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	page := e.get(t, "/rest/oauth2/latest/authorize", authorizeQuery())
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="approve"`) || !strings.Contains(page.body, "Test O2</strong>") ||
		!strings.Contains(page.body, "read and write data in Jira (scope WRITE) as you") {
		t.Fatalf("consent page: %d %s", page.status, page.body)
	}
	a := e.login2(t)
	if a.RefreshToken == "" || a.Scope != "WRITE" {
		t.Fatalf("answer %+v", a)
	}
	res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, "")
	if res.status != http.StatusOK || res.header.Get("X-AUSERNAME") != "admin" {
		t.Fatalf("myself: %d %s", res.status, res.header.Get("X-AUSERNAME"))
	}
	res = e.bearer(t, http.MethodPost, "/rest/api/2/issue/DEMO-1/comment", a.AccessToken, `{"body":"hi"}`)
	if res.status != http.StatusCreated {
		t.Fatalf("comment with WRITE: %d %s", res.status, res.body)
	}
	if got := e.p.LiveOAuth2Tokens(); got != 2 {
		t.Fatalf("LiveOAuth2Tokens = %d; want 2", got)
	}
}

func TestOAuth2AutoApprove(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{AutoApprove: true, User: "alice"})
	q := authorizeQuery()
	code := redirected(t, e.get(t, "/rest/oauth2/latest/authorize", q)).Get("code")
	a := wantTokens(t, e.token(t, codeForm(code)))
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.header.Get("X-AUSERNAME") != "alice" {
		t.Fatalf("myself as %q; want alice", res.header.Get("X-AUSERNAME"))
	}
}

func TestOAuth2Deny(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	got := redirected(t, e.press(t, authorizeQuery(), "deny"))
	if got.Get("error") != "access_denied" || got.Get("state") != "st4te" || got.Has("code") {
		t.Fatalf("deny redirect %v", got)
	}
}

// TestOAuth2AuthorizeErrorPage: an unknown client or a redirect URI that is
// not registered exactly gets a page, never a redirect.
func TestOAuth2AuthorizeErrorPage(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{AutoApprove: true})
	for name, mod := range map[string]func(url.Values){
		"unknown client":  func(q url.Values) { q.Set("client_id", "nope") },
		"no client":       func(q url.Values) { q.Del("client_id") },
		"other port":      func(q url.Values) { q.Set("redirect_uri", "http://localhost:8766/callback") },
		"no port":         func(q url.Values) { q.Set("redirect_uri", "http://localhost/callback") },
		"127.0.0.1":       func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:8765/callback") },
		"trailing slash":  func(q url.Values) { q.Set("redirect_uri", o2Redirect+"/") },
		"extra query":     func(q url.Values) { q.Set("redirect_uri", o2Redirect+"?x=1") },
		"no redirect_uri": func(q url.Values) { q.Del("redirect_uri") },
		"repeated":        func(q url.Values) { q.Add("scope", "READ") },
	} {
		q := authorizeQuery()
		mod(q)
		res := e.get(t, "/rest/oauth2/latest/authorize", q)
		if res.status != http.StatusBadRequest || res.header.Get("Location") != "" {
			t.Errorf("%s: %d Location %q; want 400 page", name, res.status, res.header.Get("Location"))
		}
	}
}

// TestOAuth2AuthorizeRedirectErrors: other mistakes go back to the client.
func TestOAuth2AuthorizeRedirectErrors(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{AutoApprove: true})
	for _, tc := range []struct {
		name, want string
		mod        func(url.Values)
	}{
		{"cloud scope", "invalid_scope", func(q url.Values) { q.Set("scope", "read:jira-work") }},
		{"two scopes", "invalid_scope", func(q url.Values) { q.Set("scope", "READ WRITE") }},
		{"lower case", "invalid_scope", func(q url.Values) { q.Set("scope", "write") }},
		{"no scope", "invalid_scope", func(q url.Values) { q.Del("scope") }},
		{"token", "unsupported_response_type", func(q url.Values) { q.Set("response_type", "token") }},
		{"no response_type", "invalid_request", func(q url.Values) { q.Del("response_type") }},
		{"plain", "invalid_request", func(q url.Values) { q.Set("code_challenge_method", "plain") }},
		{"no method", "invalid_request", func(q url.Values) { q.Del("code_challenge_method") }},
		{"short challenge", "invalid_request", func(q url.Values) { q.Set("code_challenge", "abc") }},
		{"method alone", "invalid_request", func(q url.Values) { q.Del("code_challenge") }},
	} {
		q := authorizeQuery()
		tc.mod(q)
		got := redirected(t, e.get(t, "/rest/oauth2/latest/authorize", q))
		if got.Get("error") != tc.want || got.Get("state") != "st4te" || got.Get("error_description") == "" || got.Has("code") {
			t.Errorf("%s: redirect %v; want error=%s and the state", tc.name, got, tc.want)
		}
	}
	for _, s := range []string{"READ", "WRITE", "ADMIN", "SYSTEM_ADMIN"} {
		q := authorizeQuery()
		q.Set("scope", s)
		if got := redirected(t, e.get(t, "/rest/oauth2/latest/authorize", q)); got.Get("code") == "" {
			t.Errorf("scope %s refused: %v", s, got)
		}
	}
}

func TestOAuth2RegistrationRules(t *testing.T) {
	t.Parallel()
	p := New(Options{})
	for _, u := range []string{
		"http://127.0.0.1:8765/callback", "http://[::1]:8765/callback", "http://example.com/cb",
		"localhost:8765/callback", "/callback", "https://example.com/cb#frag", "ftp://localhost/x",
	} {
		if err := p.AddOAuth2Client(OAuth2Client{ID: "a", Secret: "b", RedirectURIs: []string{u}}); err == nil {
			t.Errorf("redirect URI %q accepted", u)
		}
	}
	for _, u := range []string{"http://localhost:8765/callback", "http://localhost/cb", "https://ci.example.com/cb", "https://127.0.0.1:9/cb"} {
		if err := p.AddOAuth2Client(OAuth2Client{ID: "a", Secret: "b", RedirectURIs: []string{u}}); err != nil {
			t.Errorf("redirect URI %q: %v", u, err)
		}
	}
	if err := p.AddOAuth2Client(OAuth2Client{ID: "a", RedirectURIs: []string{o2Redirect}}); err == nil {
		t.Error("client without a secret accepted")
	}
	if err := p.AddOAuth2Client(OAuth2Client{ID: "a", Secret: "b"}); err == nil {
		t.Error("client without a redirect URI accepted")
	}
	bad := newEnv(t, Options{OAuth2Clients: []OAuth2Client{{ID: "a", Secret: "b", RedirectURIs: []string{"http://127.0.0.1/"}}}})
	if res := bad.get(t, "/rest/api/2/serverInfo", nil); res.status != http.StatusInternalServerError {
		t.Errorf("invalid Options.OAuth2Clients: serverInfo %d; want 500", res.status)
	}
}

func TestOAuth2TokenCodeRules(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	for _, tc := range []struct {
		name   string
		status int
		want   string
		mod    func(url.Values)
	}{
		{"wrong secret", 401, "invalid_client", func(f url.Values) { f.Set("client_secret", "nope") }},
		{"no secret", 401, "invalid_client", func(f url.Values) { f.Del("client_secret") }},
		{"unknown client", 401, "invalid_client", func(f url.Values) { f.Set("client_id", "nope") }},
		{"service account's secret", 401, "invalid_client", func(f url.Values) { f.Set("client_secret", o2SASecret) }},
		{"other client", 400, "invalid_grant", func(f url.Values) { f.Set("client_id", o2SAID); f.Set("client_secret", o2SASecret) }},
		{"wrong verifier", 400, "invalid_grant", func(f url.Values) { f.Set("code_verifier", strings.Repeat("a", 43)) }},
		{"short verifier", 400, "invalid_grant", func(f url.Values) { f.Set("code_verifier", "abc") }},
		{"no verifier", 400, "invalid_request", func(f url.Values) { f.Del("code_verifier") }},
		{"other redirect", 400, "invalid_grant", func(f url.Values) { f.Set("redirect_uri", "http://localhost:8766/callback") }},
		{"no redirect", 400, "invalid_grant", func(f url.Values) { f.Del("redirect_uri") }},
		{"unknown code", 400, "invalid_grant", func(f url.Values) { f.Set("code", "nope") }},
		{"no code", 400, "invalid_request", func(f url.Values) { f.Del("code") }},
		{"no grant", 400, "invalid_request", func(f url.Values) { f.Del("grant_type") }},
		{"password grant", 400, "unsupported_grant_type", func(f url.Values) { f.Set("grant_type", "password") }},
	} {
		code := e.code(t, authorizeQuery())
		f := codeForm(code)
		tc.mod(f)
		wantO2Error(t, e.token(t, f), tc.status, tc.want)
		// A refused request does not burn the code.
		wantTokens(t, e.token(t, codeForm(code)))
	}
}

func TestOAuth2CodeSingleUseAndShortLived(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	code := e.code(t, authorizeQuery())
	a := wantTokens(t, e.token(t, codeForm(code)))
	wantO2Error(t, e.token(t, codeForm(code)), 400, "invalid_grant")
	// The replay revokes what the code gave.
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("access token after code replay: %d; want 401", res.status)
	}
	wantO2Error(t, e.token(t, refreshForm(a.RefreshToken)), 400, "invalid_grant")

	code = e.code(t, authorizeQuery())
	e.p.Advance(oauth2CodeTTL)
	wantO2Error(t, e.token(t, codeForm(code)), 400, "invalid_grant")
}

func TestOAuth2WithoutPKCE(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	q := authorizeQuery()
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	f := codeForm(e.code(t, q))
	f.Del("code_verifier")
	wantTokens(t, e.token(t, f))
	// A verifier for a code without a challenge is refused.
	f = codeForm(e.code(t, q))
	wantO2Error(t, e.token(t, f), 400, "invalid_grant")
	// The secret is checked without PKCE too.
	f = codeForm(e.code(t, q))
	f.Del("code_verifier")
	f.Set("client_secret", "nope")
	wantO2Error(t, e.token(t, f), 401, "invalid_client")
}

func TestOAuth2BasicClientAuth(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	f := codeForm(e.code(t, authorizeQuery()))
	f.Del("client_id")
	f.Del("client_secret")
	res := e.post(t, "/rest/oauth2/latest/token", "application/x-www-form-urlencoded", f.Encode(),
		func(r *http.Request) { r.SetBasicAuth(o2ID, o2Secret) })
	wantTokens(t, res)
	f = codeForm(e.code(t, authorizeQuery()))
	res = e.post(t, "/rest/oauth2/latest/token", "application/x-www-form-urlencoded", f.Encode(),
		func(r *http.Request) { r.SetBasicAuth(o2ID, "other") })
	wantO2Error(t, res, 400, "invalid_request")
}

func TestOAuth2TokenFormOnly(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	code := e.code(t, authorizeQuery())
	body, _ := json.Marshal(map[string]string{
		"grant_type": "authorization_code", "code": code, "redirect_uri": o2Redirect,
		"code_verifier": o2Verifier, "client_id": o2ID, "client_secret": o2Secret,
	})
	for _, path := range []string{"/rest/oauth2/latest/token", "/rest/oauth2/latest/revoke"} {
		if res := e.post(t, path, "application/json", string(body), nil); res.status != http.StatusInternalServerError {
			t.Errorf("%s with JSON: %d; want 500", path, res.status)
		}
	}
	if res := e.get(t, "/rest/oauth2/latest/token", codeForm(code)); res.status != http.StatusMethodNotAllowed {
		t.Errorf("GET token: %d; want 405", res.status)
	}
	f := codeForm(code)
	f.Add("code", code)
	wantO2Error(t, e.token(t, f), 400, "invalid_request")
	wantTokens(t, e.token(t, codeForm(code)))
}

func TestOAuth2RefreshRotates(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	b := wantTokens(t, e.token(t, refreshForm(a.RefreshToken)))
	if b.RefreshToken == "" || b.RefreshToken == a.RefreshToken || b.AccessToken == a.AccessToken || b.Scope != "WRITE" {
		t.Fatalf("refresh answer %+v", b)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("old access token after refresh: %d; want 401", res.status)
	}
	wantO2Error(t, e.token(t, refreshForm(a.RefreshToken)), 400, "invalid_grant")
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", b.AccessToken, ""); res.status != http.StatusOK {
		t.Fatalf("new access token: %d", res.status)
	}
	bad := refreshForm(b.RefreshToken)
	bad.Set("client_secret", "wrong")
	wantO2Error(t, e.token(t, bad), 401, "invalid_client") // not counted
	if n := e.p.RefreshCount(); n != 2 {
		t.Fatalf("RefreshCount = %d; want 2", n)
	}
	if n := e.p.LiveOAuth2Tokens(); n != 2 {
		t.Fatalf("LiveOAuth2Tokens = %d; want 2", n)
	}
}

func TestOAuth2RefreshRules(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	for _, tc := range []struct {
		name   string
		status int
		want   string
		mod    func(url.Values)
	}{
		{"no redirect_uri", 400, "invalid_request", func(f url.Values) { f.Del("redirect_uri") }},
		{"other redirect_uri", 400, "invalid_grant", func(f url.Values) { f.Set("redirect_uri", "http://localhost:1/callback") }},
		{"wrong secret", 401, "invalid_client", func(f url.Values) { f.Set("client_secret", "x") }},
		{"other client", 400, "invalid_grant", func(f url.Values) { f.Set("client_id", o2SAID); f.Set("client_secret", o2SASecret) }},
		{"other scope", 400, "invalid_scope", func(f url.Values) { f.Set("scope", "ADMIN") }},
		{"no token", 400, "invalid_request", func(f url.Values) { f.Del("refresh_token") }},
		{"access token", 400, "invalid_grant", func(f url.Values) { f.Set("refresh_token", a.AccessToken) }},
	} {
		f := refreshForm(a.RefreshToken)
		tc.mod(f)
		wantO2Error(t, e.token(t, f), tc.status, tc.want)
	}
	wantTokens(t, e.token(t, refreshForm(a.RefreshToken)))
}

func TestOAuth2Expiry(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	e.p.Advance(oauth2AccessTTL - time.Second)
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.status != http.StatusOK {
		t.Fatalf("access token before an hour: %d", res.status)
	}
	e.p.Advance(time.Second)
	res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, "")
	if res.status != http.StatusUnauthorized || !strings.Contains(res.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("expired access token: %d %q", res.status, res.header.Get("WWW-Authenticate"))
	}
	if e.p.LiveOAuth2Tokens() != 1 {
		t.Fatalf("LiveOAuth2Tokens = %d; want 1 (the refresh token)", e.p.LiveOAuth2Tokens())
	}
	// Rotation keeps the 90-day limit from the approval.
	e.p.Advance(89 * 24 * time.Hour)
	b := wantTokens(t, e.token(t, refreshForm(a.RefreshToken)))
	e.p.Advance(24*time.Hour - time.Hour)
	wantO2Error(t, e.token(t, refreshForm(b.RefreshToken)), 400, "invalid_grant")
	if e.p.LiveOAuth2Tokens() != 0 {
		t.Fatalf("LiveOAuth2Tokens = %d; want 0", e.p.LiveOAuth2Tokens())
	}
}

func TestOAuth2AgeTokens(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	e.p.AgeTokens(time.Hour)
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("aged access token: %d; want 401", res.status)
	}
}

// TestOAuth2ConcurrentRefresh: of parallel refreshes of one token, exactly
// one succeeds and the others get invalid_grant.
func TestOAuth2ConcurrentRefresh(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := http.NewRequest(http.MethodPost, e.url("/rest/oauth2/latest/token"), strings.NewReader(refreshForm(a.RefreshToken).Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := doErr(nil, r)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			statuses[i], bodies[i] = res.status, res.body
		}()
	}
	wg.Wait()
	ok := 0
	for i := range n {
		switch {
		case statuses[i] == http.StatusOK:
			ok++
		case statuses[i] != http.StatusBadRequest || !strings.Contains(bodies[i], `"invalid_grant"`):
			t.Errorf("refresh %d: %d %s", i, statuses[i], bodies[i])
		}
	}
	if ok != 1 || e.p.RefreshCount() != n {
		t.Fatalf("%d refreshes succeeded, %d counted; want 1 and %d", ok, e.p.RefreshCount(), n)
	}
}

func TestOAuth2ClientCredentials(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {o2SAID}, "client_secret": {o2SASecret}, "scope": {"READ"}}
	res := e.token(t, form)
	a := wantTokens(t, res)
	if a.RefreshToken != "" || strings.Contains(res.body, "refresh_token") || a.Scope != "READ" {
		t.Fatalf("client credentials answer %s", res.body)
	}
	me := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, "")
	if me.status != http.StatusOK || me.header.Get("X-AUSERNAME") != "ci-bot" {
		t.Fatalf("myself: %d as %q", me.status, me.header.Get("X-AUSERNAME"))
	}
	for _, tc := range []struct {
		name   string
		status int
		want   string
		mod    func(url.Values)
	}{
		{"no scope", 400, "invalid_scope", func(f url.Values) { f.Del("scope") }},
		{"cloud scope", 400, "invalid_scope", func(f url.Values) { f.Set("scope", "read:jira-work") }},
		{"wrong secret", 401, "invalid_client", func(f url.Values) { f.Set("client_secret", "x") }},
		{"not a service account", 400, "unauthorized_client", func(f url.Values) { f.Set("client_id", o2ID); f.Set("client_secret", o2Secret) }},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		tc.mod(f)
		wantO2Error(t, e.token(t, f), tc.status, tc.want)
	}
}

func TestOAuth2ScopeRead(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{AutoApprove: true})
	q := authorizeQuery()
	q.Set("scope", "READ")
	a := wantTokens(t, e.token(t, codeForm(redirected(t, e.get(t, "/rest/oauth2/latest/authorize", q)).Get("code"))))
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/issue/DEMO-1", a.AccessToken, ""); res.status != http.StatusOK {
		t.Fatalf("GET with READ: %d", res.status)
	}
	if res := e.bearer(t, http.MethodPost, "/rest/api/2/search", a.AccessToken, `{"jql":""}`); res.status != http.StatusOK {
		t.Fatalf("POST search with READ: %d %s", res.status, res.body)
	}
	res := e.bearer(t, http.MethodPost, "/rest/api/2/issue/DEMO-1/comment", a.AccessToken, `{"body":"hi"}`)
	if res.status != http.StatusForbidden || len(e.p.Comments("DEMO-1")) != 0 {
		t.Fatalf("comment with READ: %d %s; want 403 and no comment", res.status, res.body)
	}
}

func TestOAuth2Revoke(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	revoke := func(tok, id, secret string) response {
		return e.post(t, "/rest/oauth2/latest/revoke", "application/x-www-form-urlencoded",
			url.Values{"token": {tok}, "client_id": {id}, "client_secret": {secret}}.Encode(), nil)
	}
	a := e.login2(t)
	wantO2Error(t, revoke(a.AccessToken, o2ID, "nope"), 401, "invalid_client")
	wantO2Error(t, revoke(a.AccessToken, o2SAID, o2SASecret), 400, "invalid_request")
	wantO2Error(t, revoke("", o2ID, o2Secret), 400, "invalid_request")
	if e.p.LiveOAuth2Tokens() != 2 {
		t.Fatal("a refused revoke revoked something")
	}
	if res := revoke(a.AccessToken, o2ID, o2Secret); res.status != http.StatusOK {
		t.Fatalf("revoke access token: %d %s", res.status, res.body)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("revoked access token: %d", res.status)
	}
	b := wantTokens(t, e.token(t, refreshForm(a.RefreshToken)))
	if res := revoke(b.RefreshToken, o2ID, o2Secret); res.status != http.StatusOK {
		t.Fatalf("revoke refresh token: %d", res.status)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", b.AccessToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("access token of a revoked refresh token: %d", res.status)
	}
	if e.p.LiveOAuth2Tokens() != 0 {
		t.Fatalf("LiveOAuth2Tokens = %d; want 0", e.p.LiveOAuth2Tokens())
	}
	if res := revoke("unknown", o2ID, o2Secret); res.status != http.StatusOK {
		t.Fatalf("revoke unknown token: %d; want 200 (RFC 7009)", res.status)
	}
}

func TestBearerUnknown(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", "nope", "")
	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, msgNotAuthenticated) ||
		!strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer ") {
		t.Fatalf("unknown bearer: %d %q %s", res.status, res.header.Get("WWW-Authenticate"), res.body)
	}
}

// TestOAuth2HoldRefreshes: a held refresh has rotated the pair before its
// answer goes out; ReleaseRefreshes sends it; HugeTokenAnswers answers the
// OAuth 2.0 token endpoint too, rotating nothing.
func TestOAuth2HoldRefreshes(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	a := e.login2(t)
	e.p.HoldRefreshes()
	answered := make(chan response, 1)
	go func() { answered <- e.token(t, refreshForm(a.RefreshToken)) }()
	// Rotated while held: the old access token is refused.
	for e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.AccessToken, "").status != http.StatusUnauthorized {
		select {
		case <-answered:
			t.Fatal("the refresh was answered while held")
		case <-time.After(time.Millisecond):
		}
	}
	e.p.ReleaseRefreshes()
	b := wantTokens(t, <-answered)
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", b.AccessToken, ""); res.status != http.StatusOK {
		t.Fatalf("new access token: %d", res.status)
	}

	e.p.HugeTokenAnswers(1000)
	huge := wantTokens(t, e.token(t, refreshForm(b.RefreshToken)))
	e.p.HugeTokenAnswers(0)
	if len(huge.AccessToken) != 1000 || len(huge.RefreshToken) != 1000 {
		t.Fatalf("huge answer: tokens of %d and %d bytes; want 1000", len(huge.AccessToken), len(huge.RefreshToken))
	}
	wantTokens(t, e.token(t, refreshForm(b.RefreshToken))) // still live
}
