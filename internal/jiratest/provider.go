package jiratest

import (
	"bytes"
	"crypto/rsa"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Jira's lifetimes and limits, as atlassian-oauth configures them.
const (
	// timestampWindow is how far oauth_timestamp may be from the provider
	// clock, either way (net.oauth's maxTimestampAge; Jira uses 5 minutes).
	timestampWindow = 5 * time.Minute
	// requestTokenTTL is how long an unexchanged request token lives.
	requestTokenTTL = 10 * time.Minute
	// accessTokenTTL is oauth_expires_in: five years.
	accessTokenTTL = 157680000 * time.Second
	// authorizationTTL is oauth_authorization_expires_in (session lifetime).
	authorizationTTL = 160833600 * time.Second
	// maxBody bounds the request bodies the provider reads.
	maxBody = 1 << 20
)

// Options configures a Provider. The zero value is usable.
type Options struct {
	// Now is the provider clock; nil means time.Now. Advance shifts it.
	Now func() time.Time
	// BaseURL is the base URL Jira believes it has (its "Base URL" setting),
	// e.g. "https://jira.example.com/jira". When set, signature base strings
	// use this origin and path prefix instead of the URL the request arrived
	// on, which is how a reverse proxy or a wrong jira_home produces
	// signature_invalid against a real Jira. "" means the URL as the request
	// arrived: http or https (from r.TLS) and r.Host.
	BaseURL string
	// AutoApprove makes GET /plugins/servlet/oauth/authorize approve at once
	// as User, without showing the Allow/Deny page.
	AutoApprove bool
	// User is the logged-in Jira user who approves tokens; "" means "admin".
	User string
	// Logf, if set, receives one line per request (never secrets).
	Logf func(format string, args ...any)
	// OAuth2Clients are registered at New, as with AddOAuth2Client; an
	// invalid one makes every request fail with 500, like BaseURL.
	OAuth2Clients []OAuth2Client
}

// Provider is a Jira-like OAuth 1.0a service provider and REST API. It is an
// http.Handler; serve it with httptest.NewServer(p) or an http.Server.
// Methods are safe for concurrent use.
type Provider struct {
	opts Options

	// parsed Options.BaseURL; baseScheme == "" when unset
	baseScheme, baseHost, basePrefix string
	baseErr                          error

	mu            sync.Mutex
	offset        time.Duration
	consumers     map[string]*consumer
	requestTokens map[string]*requestToken
	accessTokens  map[string]*accessToken
	nonces        map[string]time.Time // consumer+"\x00"+nonce -> forget after
	issues        []*issue
	nextCommentID int
	throttle      throttle // see Throttle
	// issuedSecrets: every token secret and verifier handed out so far.
	issuedSecrets []string
	// stripAuthorization: REST calls arrive without their Authorization
	// header, as behind a proxy that drops it (see StripAuthorization).
	stripAuthorization bool
	// hostile: answers carry escape sequences (see Hostile).
	hostile bool
	// tokenCalls and hugeTokens: see TokenCalls and HugeTokenAnswers.
	tokenCalls, hugeTokens int
	// paged REST answers (paging.go, search.go, board.go)
	totalSkew    int // see MisreportTotal
	searchIssues int // see SetSearchIssues
	boards       int // see SetBoards
	// attachments.go
	attachments      []*Attachment
	nextAttachmentID int
	attachmentLimit  int64 // see SetAttachmentLimit; 0: default
	// OAuth 2.0 and personal access tokens (oauth2*.go, bearer.go, pat.go)
	o2 oauth2State
}

type consumer struct {
	key, name string
	pub       *rsa.PublicKey
}

// New returns a Provider with no consumers and the seed issues DEMO-1 and
// DEMO-2. An invalid opts.BaseURL makes every request fail with 500, so the
// mistake is visible rather than silently ignored.
func New(opts Options) *Provider {
	if opts.User == "" {
		opts.User = "admin"
	}
	p := &Provider{
		opts:          opts,
		consumers:     map[string]*consumer{},
		requestTokens: map[string]*requestToken{},
		accessTokens:  map[string]*accessToken{},
		nonces:        map[string]time.Time{},
		nextCommentID: 10100,
		// attachments, boards: attachments.go, board.go
		nextAttachmentID: 10200,
		boards:           defaultBoards,
		o2:               newOAuth2State(),
	}
	if opts.BaseURL != "" {
		p.baseScheme, p.baseHost, p.basePrefix, p.baseErr = parseBaseURL(opts.BaseURL)
	}
	for _, c := range opts.OAuth2Clients {
		if err := p.AddOAuth2Client(c); err != nil && p.baseErr == nil {
			p.baseErr = err
		}
	}
	p.issues = seedIssues(p.now())
	return p
}

// AddConsumer registers an incoming Application Link: consumerKey is what the
// client sends as oauth_consumer_key, name is shown on the authorize page and
// pub verifies its RSA-SHA1 signatures. Adding an existing key replaces it.
func (p *Provider) AddConsumer(consumerKey, name string, pub *rsa.PublicKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.consumers[consumerKey] = &consumer{key: consumerKey, name: name, pub: pub}
}

// Advance moves the provider clock by d (which may be negative), e.g. to
// expire a request token or to simulate clock skew.
func (p *Provider) Advance(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.offset += d
}

// now reads the provider clock; it takes p.mu, so callers must not hold it.
func (p *Provider) now() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nowLocked()
}

func (p *Provider) nowLocked() time.Time {
	now := time.Now
	if p.opts.Now != nil {
		now = p.opts.Now
	}
	return now().Add(p.offset)
}

// origin is the scheme://host (plus Jira context path) Jira believes it is
// reached at, and route is the request path with that context path removed.
type target struct {
	origin string // e.g. "https://jira.example.com/jira" (no trailing slash)
	route  string // path used for routing, e.g. "/rest/api/2/myself"
	uri    string // base string URI for signatures
}

func (p *Provider) target(r *http.Request) target {
	raw := rawPath(r)
	if p.baseScheme == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin := baseStringURI(scheme, r.Host, "/")
		return target{
			origin: strings.TrimSuffix(origin, "/"),
			route:  r.URL.Path,
			uri:    baseStringURI(scheme, r.Host, raw),
		}
	}
	route := r.URL.Path
	if p.basePrefix != "" {
		// Served under Jira's context path (or behind a proxy that keeps it):
		// strip it for routing, keep the logical URL for signatures.
		if rest, ok := strings.CutPrefix(route, p.basePrefix); ok && (rest == "" || rest[0] == '/') {
			route = rest
		}
		if rest, ok := strings.CutPrefix(raw, p.basePrefix); ok && (rest == "" || rest[0] == '/') {
			raw = rest
		}
	}
	origin := strings.TrimSuffix(baseStringURI(p.baseScheme, p.baseHost, p.basePrefix+"/"), "/")
	return target{
		origin: origin,
		route:  route,
		uri:    baseStringURI(p.baseScheme, p.baseHost, p.basePrefix+raw),
	}
}

// ServeHTTP implements http.Handler.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.isHostile() { // see Hostile, in hostile.go
		p.serveHostile(w, r)
		return
	}
	p.serve(w, r)
}

// serve answers r as Jira would.
func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	if p.throttled(w, r) { // Throttle, in throttle.go
		return
	}
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	rw.Header().Set("Date", p.now().UTC().Format(http.TimeFormat))
	defer p.logRequest(r, rw)

	if p.baseErr != nil {
		http.Error(rw, "jiratest: invalid Options.BaseURL or Options.OAuth2Clients", http.StatusInternalServerError)
		return
	}
	// A multipart body (an attachment upload) is streamed by its handler,
	// which applies the attachment size limit; others are read here.
	var body []byte
	if !isMultipart(r) {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			http.Error(rw, "cannot read request body", http.StatusBadRequest)
			return
		}
		if len(body) > maxBody {
			http.Error(rw, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	t := p.target(r)
	req := &request{r: r, body: body, t: t}
	if p.countTokenCall(rw, t.route) {
		return
	}

	switch {
	case t.route == "/plugins/servlet/oauth/request-token":
		p.serveRequestToken(rw, req)
	case t.route == "/plugins/servlet/oauth/authorize":
		p.serveAuthorize(rw, req)
	case t.route == "/plugins/servlet/oauth/access-token":
		p.serveAccessToken(rw, req)
	case t.route == "/rest/oauth2/latest/authorize":
		p.serveOAuth2Authorize(rw, req)
	case t.route == "/rest/oauth2/latest/token":
		p.serveOAuth2Token(rw, req)
	case t.route == "/rest/oauth2/latest/revoke":
		p.serveOAuth2Revoke(rw, req)
	case t.route == "/rest" || strings.HasPrefix(t.route, "/rest/"):
		p.serveREST(rw, req)
	case strings.HasPrefix(t.route, "/secure/attachment/"):
		p.serveAttachmentContent(rw, req)
	default:
		http.NotFound(rw, r)
	}
}

// request bundles what the handlers need about one incoming request.
type request struct {
	r    *http.Request
	body []byte
	t    target
}

// recorder remembers the status and OAuth problem for the request log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (rw *recorder) WriteHeader(code int) {
	rw.status = code
	rw.ResponseWriter.WriteHeader(code)
}

func (p *Provider) logRequest(r *http.Request, rw *recorder) {
	if p.opts.Logf == nil {
		return
	}
	// The path only: queries can carry tokens and verifiers.
	line := r.Method + " " + r.URL.Path
	if prob := rw.Header().Get("WWW-Authenticate"); prob != "" {
		if i := strings.Index(prob, `oauth_problem="`); i >= 0 {
			rest := prob[i+len(`oauth_problem="`):]
			if j := strings.IndexByte(rest, '"'); j >= 0 {
				line += " oauth_problem=" + rest[:j]
			}
		}
	}
	p.opts.Logf("jiratest: %s -> %d", line, rw.status)
}

// AgeTokens makes every token issued so far (OAuth 1.0a, OAuth 2.0 codes
// and tokens, PATs) d older, as if d had passed on
// both sides without clock skew (Advance moves only the provider's clock,
// which also makes the client's timestamps look stale).
func (p *Provider) AgeTokens(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.requestTokens {
		t.issued = t.issued.Add(-d)
	}
	for _, t := range p.accessTokens {
		t.issued = t.issued.Add(-d)
		t.authorized = t.authorized.Add(-d)
	}
	for _, c := range p.o2.codes {
		c.issued = c.issued.Add(-d)
	}
	for _, a := range p.o2.access {
		a.expires = a.expires.Add(-d)
	}
	for _, r := range p.o2.refresh {
		r.expires = r.expires.Add(-d)
	}
	for _, t := range p.o2.pats {
		t.created = t.created.Add(-d)
		if !t.expires.IsZero() {
			t.expires = t.expires.Add(-d)
		}
	}
}

// StripAuthorization makes REST calls arrive as if a reverse proxy had
// removed their Authorization header: Jira then serves them anonymously
// (X-AUSERNAME: anonymous) instead of refusing them, the silent failure
// that whoami must detect. Token endpoints are not affected.
func (p *Provider) StripAuthorization(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stripAuthorization = on
}

// IssuedSecrets returns every token secret and verifier the provider has
// handed out so far, for tests that check a client never prints one.
func (p *Provider) IssuedSecrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.issuedSecrets...)
}
