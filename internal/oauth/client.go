package oauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Jira's OAuth endpoints, relative to jira_home.
const (
	requestTokenPath = "/plugins/servlet/oauth/request-token"
	authorizePath    = "/plugins/servlet/oauth/authorize"
	accessTokenPath  = "/plugins/servlet/oauth/access-token"
)

// MaxResponseBody is the largest answer Client reads (64 MiB).
const MaxResponseBody = 64 << 20

// Client talks OAuth 1.0a to one Jira instance.
type Client struct {
	JiraHome *url.URL // base URL, no trailing slash
	Signer   *Signer
	HTTP     *http.Client // caller sets timeout / TLS; nil: http.DefaultClient's settings
	Trace    io.Writer    // --verbose; nil = off; never receives secrets
	// Retry, if set, makes Do retry a call that Jira answers with 429 or
	// 503 (see RetryPolicy); nil means one attempt. With Retry set,
	// HTTP.Timeout bounds the whole call: attempts and waits together.
	// Token exchanges are never retried.
	Retry *RetryPolicy
	// Command, if set, is the command line that runs args on the user's
	// config; it goes into ProblemError.Command for the advice.
	Command func(args string) string
	// PublicKeyFile names the link's public key file in the advice
	// (ProblemError.PublicKeyFile).
	PublicKeyFile string
	// Auth, if set, authorises Do's requests (and Do's accessToken is not
	// used): an OAuth 2.0 or personal access token, or SignerAuth. Token
	// exchanges are always signed by Signer.
	Auth Authorizer

	maxBody int64 // 0: MaxResponseBody; tests lower it
}

// TemporaryCredentials is a request token (RFC 5849 section 2.1).
type TemporaryCredentials struct {
	Token, Secret     string
	CallbackConfirmed bool
}

// Credentials is an access token (RFC 5849 section 2.3) with the lifetimes
// Jira announces; a lifetime Jira does not send (or sends garbled) is 0.
type Credentials struct {
	Token, Secret, SessionHandle      string
	ExpiresIn, AuthorizationExpiresIn time.Duration
}

// Response is the answer to a signed request.
type Response struct {
	StatusCode int
	Status     string
	Proto      string // e.g. "HTTP/1.1", for request --include
	Header     http.Header
	Body       []byte
}

// RequestToken obtains a request token. An empty callback means "oob" (the
// user copies the verifier from Jira's page). Token exchanges are never
// retried: a retry could burn a one-time token.
func (c *Client) RequestToken(ctx context.Context, callback string) (TemporaryCredentials, error) {
	if callback == "" {
		callback = "oob"
	}
	v, err := c.exchange(ctx, OpRequestToken, requestTokenPath, map[string]string{"oauth_callback": callback}, nil)
	if err != nil {
		return TemporaryCredentials{}, err
	}
	return TemporaryCredentials{
		Token:             v.Get("oauth_token"),
		Secret:            v.Get("oauth_token_secret"),
		CallbackConfirmed: v.Get("oauth_callback_confirmed") == "true",
	}, nil
}

// AuthorizeURL returns the page where the user approves requestToken.
func (c *Client) AuthorizeURL(requestToken string) string {
	return c.endpoint(authorizePath).String() + "?oauth_token=" + url.QueryEscape(requestToken)
}

// AccessToken exchanges an approved request token and its verifier for an
// access token. requestSecret is not used by RSA-SHA1 signatures; it is
// only kept out of traces and errors.
func (c *Client) AccessToken(ctx context.Context, requestToken, requestSecret, verifier string) (Credentials, error) {
	if requestToken == "" {
		return Credentials{}, fmt.Errorf("access token: no request token: %s", c.startOver())
	}
	if verifier == "" {
		return Credentials{}, errors.New("access token: no verifier: approve the request token in Jira and pass the verifier it shows")
	}
	extra := map[string]string{"oauth_token": requestToken, "oauth_verifier": verifier}
	v, err := c.exchange(ctx, OpAccessToken, accessTokenPath, extra, scrubber{verifier, requestSecret})
	if err != nil {
		return Credentials{}, err
	}
	return credentials(v), nil
}

// credentials reads an access-token answer.
func credentials(v url.Values) Credentials {
	return Credentials{
		Token:                  v.Get("oauth_token"),
		Secret:                 v.Get("oauth_token_secret"),
		SessionHandle:          v.Get("oauth_session_handle"),
		ExpiresIn:              seconds(v.Get("oauth_expires_in")),
		AuthorizationExpiresIn: seconds(v.Get("oauth_authorization_expires_in")),
	}
}

// Do signs req with the access token and sends it; the body is read through
// a size limit (MaxResponseBody). An oauth_problem answer becomes
// *ProblemError; other statuses are returned as Response. Redirects are not
// followed (the signature covers the URL); a 3xx comes back as Response.
// req keeps its headers and body: a copy is signed and sent. A body without
// req.GetBody (one http.NewRequest cannot replay) is read once, up to
// MaxResponseBody bytes, and req gets a replayable copy of it (Body and
// GetBody) holding the same bytes.
func (c *Client) Do(ctx context.Context, req *http.Request, accessToken string) (*Response, error) {
	if accessToken == "" && c.Auth == nil {
		return nil, fmt.Errorf("request: no access token: %s", c.startOver())
	}
	if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
		if err := c.makeReplayable(req); err != nil {
			return nil, err
		}
	}
	if c.Retry != nil && c.HTTP != nil && c.HTTP.Timeout > 0 {
		// The timeout covers the retries and their waits, not each attempt.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.HTTP.Timeout)
		defer cancel()
	}
	for retry := 0; ; retry++ {
		resp, err := c.do(ctx, req, accessToken)
		if err != nil {
			return nil, err
		}
		deadline, _ := ctx.Deadline()
		wait, ok := c.Retry.next(req.Method, retry, resp, time.Now(), deadline)
		if !ok {
			return resp, nil
		}
		if err := c.Retry.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: waiting to retry: %w", OpRequest, err)
		}
	}
}

// do makes one signed attempt of Do with a fresh copy of req.
func (c *Client) do(ctx context.Context, req *http.Request, accessToken string) (*Response, error) {
	rt, err := c.attempt(ctx, req, accessToken)
	if err != nil {
		return nil, err
	}
	if rt.resp.StatusCode == http.StatusUnauthorized && c.Auth != nil {
		// An expired OAuth 2.0 token: refresh once and send it again.
		retry, err := c.Auth.Unauthorized(ctx, rt.resp)
		if err != nil {
			return nil, err
		}
		if retry {
			if rt, err = c.attempt(ctx, req, accessToken); err != nil {
				return nil, err
			}
		}
		if b, ok := c.Auth.(*BearerAuth); ok && rt.resp.StatusCode == http.StatusUnauthorized {
			return nil, &BearerRefusedError{Op: OpRequest, URL: rt.url, What: b.What, Remedy: b.Remedy}
		}
	}
	if perr := rt.problem(); perr != nil {
		return nil, perr
	}
	return &Response{StatusCode: rt.resp.StatusCode, Status: rt.resp.Status, Proto: rt.resp.Proto, Header: rt.resp.Header, Body: rt.body}, nil
}

// attempt sends one authorised copy of req.
func (c *Client) attempt(ctx context.Context, req *http.Request, accessToken string) (*roundTripped, error) {
	r := req.Clone(ctx)
	if req.GetBody != nil {
		// Send a fresh copy so that req stays usable for the caller.
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
		r.Body = body
	}
	return c.roundTrip(ctx, OpRequest, r, map[string]string{"oauth_token": accessToken}, nil, false)
}

// makeReplayable reads req.Body once, through the size limit, and gives req
// a Body and GetBody that replay those bytes. ContentLength is set only when
// it was unknown (0 or -1 with a body), so that a declared length stays.
func (c *Client) makeReplayable(req *http.Request) error {
	limit := c.limit()
	b, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	req.Body.Close()
	if err != nil {
		return fmt.Errorf("request: reading the request body: %w", err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("request: the request body is larger than %s: send less, or split it into several requests", formatBytes(limit))
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.Body, _ = req.GetBody()
	if req.ContentLength <= 0 {
		req.ContentLength = int64(len(b))
	}
	return nil
}

// limit returns the largest body Client reads.
func (c *Client) limit() int64 {
	if c.maxBody > 0 {
		return c.maxBody
	}
	return MaxResponseBody
}

// formatBytes writes n as bytes, KiB or MiB, exact or with one decimal.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// exchange POSTs an empty signed request to a token endpoint and returns
// the form-encoded token it answers with.
func (c *Client) exchange(ctx context.Context, op, path string, extra map[string]string, secrets scrubber) (url.Values, error) {
	if c.JiraHome == nil {
		return nil, fmt.Errorf("%s: no jira_home", op)
	}
	u := c.endpoint(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	rt, err := c.roundTrip(ctx, op, req, extra, secrets, true)
	if err != nil {
		return nil, err
	}
	if perr := rt.problem(); perr != nil {
		return nil, perr
	}
	resp := rt.resp
	httpErr := &HTTPError{
		Op:          op,
		URL:         u.String(),
		StatusCode:  resp.StatusCode,
		Status:      resp.Status,
		ContentType: resp.Header.Get("Content-Type"),
		Location:    resp.Header.Get("Location"),
		Excerpt:     excerpt(rt.body, 80, rt.secrets),
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return nil, httpErr
	}
	// Jira answers text/plain or application/x-www-form-urlencoded; what
	// matters is that the body is a form holding the token.
	if strings.Contains(strings.ToLower(httpErr.ContentType), "html") {
		return nil, httpErr
	}
	if rt.formErr != nil || rt.form.Get("oauth_token") == "" || rt.form.Get("oauth_token_secret") == "" {
		return nil, httpErr
	}
	return rt.form, nil
}

// endpoint returns jira_home + path.
func (c *Client) endpoint(path string) *url.URL {
	u := *c.JiraHome
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	if u.RawPath != "" {
		u.RawPath = strings.TrimSuffix(u.RawPath, "/") + path
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return &u
}

// roundTripped is one signed request and its fully read answer.
type roundTripped struct {
	op, url       string
	base          string
	resp          *http.Response
	body          []byte
	localTime     time.Time
	consumer      string
	secrets       scrubber
	command       func(string) string
	publicKeyFile string
	// form is the body parsed as a form, for token endpoints and non-2xx
	// answers (nil otherwise, or for JSON, XML and HTML); formErr is
	// url.ParseQuery's error, if any.
	form    url.Values
	formErr error
}

// roundTrip signs req, sends it without following redirects, and reads the
// answer through the size limit.
func (c *Client) roundTrip(ctx context.Context, op string, req *http.Request, extra map[string]string, secrets scrubber, tokenEndpoint bool) (*roundTripped, error) {
	var base, consumer string
	var err error
	switch {
	case c.Auth != nil && !tokenEndpoint:
		if base, err = c.Auth.Authorize(ctx, req); err != nil {
			return nil, err
		}
		consumer = c.Auth.ConsumerKey()
	case c.Signer == nil:
		return nil, fmt.Errorf("%s: no signer", op)
	default:
		if base, err = c.Signer.Sign(req, extra); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		consumer = c.Signer.ConsumerKey
	}
	tr := &tracer{w: c.Trace, secrets: secrets}
	bodySize := int64(-1)
	if !tokenEndpoint {
		bodySize = max(req.ContentLength, 0)
	}
	tr.request(req, base, bodySize)

	reqURL := req.URL.Redacted()
	resp, err := c.httpClient().Do(req.WithContext(ctx))
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		netErr := &NetworkError{Op: op, URL: reqURL, Err: err}
		tr.printf("* ", "%s", netErr.Error())
		return nil, netErr
	}
	defer resp.Body.Close()
	localTime := c.now()

	limit := c.limit()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		return nil, &NetworkError{Op: op, URL: reqURL, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if int64(len(body)) > limit {
		tr.tooLarge(resp, limit)
		remedy := "ask for less, e.g. with maxResults or fields"
		if tokenEndpoint {
			remedy = "check jira_home (a token answer is a few hundred bytes)"
		}
		return nil, fmt.Errorf("%s: Jira's answer from %s is larger than %s; refusing to read it: %s", op, reqURL, formatBytes(limit), remedy)
	}
	// Secrets Jira sent back are redacted too, also where they appear raw.
	if tokenEndpoint {
		secrets = append(secrets, formSecrets(string(body))...)
		tr.secrets = secrets
	}
	tr.response(resp, body, tokenEndpoint)
	rt := &roundTripped{
		op: op, url: reqURL, base: base, resp: resp, body: body,
		localTime: localTime, consumer: consumer, secrets: secrets,
		command: c.Command, publicKeyFile: c.PublicKeyFile,
	}
	rt.parseForm(tokenEndpoint)
	return rt, nil
}

// parseForm parses the body as a form for token endpoints and non-2xx
// answers, unless it looks like JSON, XML or HTML.
func (rt *roundTripped) parseForm(tokenEndpoint bool) {
	if b := strings.TrimSpace(string(rt.body)); (tokenEndpoint || rt.resp.StatusCode >= 300) && b != "" && !strings.ContainsAny(b[:1], "{[<") {
		rt.form, rt.formErr = url.ParseQuery(b)
	}
}

// problem returns the *ProblemError carried by a non-2xx answer, or nil.
func (rt *roundTripped) problem() *ProblemError {
	if rt.resp.StatusCode < 300 {
		return nil
	}
	details := url.Values{}
	for _, h := range rt.resp.Header.Values("WWW-Authenticate") {
		if p, ok := parseAuthParams(h); ok && p.Get("oauth_problem") != "" {
			for n, v := range p {
				details[n] = append(details[n], v...)
			}
		}
	}
	if rt.formErr == nil && rt.form.Get("oauth_problem") != "" {
		for n, vs := range rt.form {
			if _, ok := details[n]; !ok {
				details[n] = slices.Clone(vs)
			}
		}
	}
	if details.Get("oauth_problem") == "" {
		return nil
	}
	redactValues(details)
	// Jira may echo what we sent (the verifier, a token secret) in any
	// field, e.g. oauth_problem_advice: scrub every value, and every name.
	scrubbed := make(url.Values, len(details))
	for n, vs := range details {
		for _, v := range vs {
			scrubbed.Add(rt.secrets.scrub(n), rt.secrets.scrub(v))
		}
	}
	details = scrubbed
	var serverTime time.Time
	if d := rt.resp.Header.Get("Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			serverTime = t
		}
	}
	return &ProblemError{
		Op:             rt.op,
		URL:            rt.url,
		StatusCode:     rt.resp.StatusCode,
		Problem:        details.Get("oauth_problem"),
		Details:        details,
		SentBaseString: redactBaseString(rt.base),
		ConsumerKey:    rt.consumer,
		ServerTime:     serverTime,
		LocalTime:      rt.localTime,
		Command:        rt.command,
		PublicKeyFile:  rt.publicKeyFile,
	}
}

// httpClient returns a copy of c.HTTP that does not follow redirects.
func (c *Client) httpClient() *http.Client {
	var hc http.Client
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

func (c *Client) now() time.Time {
	if c.Signer != nil && c.Signer.Now != nil {
		return c.Signer.Now()
	}
	return time.Now()
}

// seconds parses a lifetime in seconds; missing or garbled gives 0, and so
// does one too long for a time.Duration (over 292 years), which would
// otherwise wrap around to a negative lifetime.
func seconds(s string) time.Duration {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > int64(math.MaxInt64/time.Second) {
		return 0
	}
	return time.Duration(n) * time.Second
}
